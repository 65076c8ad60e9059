import { defineConfig } from "vitest/config";

// Tests stand beside the code they test; cross-room end-to-end tests live in test/.
// Each file runs in a forked process so native addons (DuckDB, zeromq) and worker
// threads are isolated between files.
export default defineConfig({
  test: {
    include: ["{lake,cache,columnar,protocol,secrets,engine,worker,sandbox,kernel,repl,cli,test}/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "dist/**"],
    pool: "forks",
    // s3rver, the S3 server the tests start, pages list results with DES-encrypted
    // continuation tokens; OpenSSL 3 keeps DES in its legacy provider.
    execArgv: ["--openssl-legacy-provider"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./test/count-reporter.ts"],
  },
});
