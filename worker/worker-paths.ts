// Which paths a worker on this machine takes, in words: SQL nodes over the native DuckDB
// bridge or the JavaScript path, and Parquet pages decompressed natively or in wasm.
import { nativeStatus } from "../columnar/native/load-native.js";

export function describeWorkerPaths(): string {
  const status = nativeStatus();
  return status.bridge
    ? `SQL nodes: the native path (DuckDB scans Arrow in place; ${status.reason})`
    : `SQL nodes: the JavaScript path (Arrow appended into DuckDB, strings as ENUM codes): ${status.reason}`;
}
