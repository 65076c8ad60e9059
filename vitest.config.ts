import { defineConfig } from "vitest/config";

// Tests stand beside the code they test; cross-room end-to-end tests live in test/.
// Each file runs in a forked process so native addons (DuckDB, zeromq) and worker
// threads are isolated between files.
export default defineConfig({
  test: {
    include: ["{lake,cache,columnar,engine,worker,sandbox,kernel,repl,cli,test}/**/*.test.{ts,tsx}"],
    exclude: ["**/node_modules/**", "dist/**"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ["default", "./test/count-reporter.ts"],
  },
});
