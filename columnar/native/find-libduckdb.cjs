// Prints the folder of the libduckdb shared library that @duckdb/node-bindings loads on
// this platform: the addon links the same library, so one process holds one DuckDB.
const path = require("node:path");
const { createRequire } = require("node:module");
const fromBindings = createRequire(require.resolve("@duckdb/node-bindings/package.json"));
const name = `@duckdb/node-bindings-${process.platform}-${process.arch}/package.json`;
process.stdout.write(path.dirname(fromBindings.resolve(name)));
