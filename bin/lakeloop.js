#!/usr/bin/env node
// The lakeloop command. The TypeScript sources are compiled to dist/ by `npm install`
// (the `prepare` script); this file only forwards to the compiled CLI.
import { main } from "../dist/cli/main.js";

main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(err instanceof Error ? err.message : String(err)); process.exitCode = 1; },
);
