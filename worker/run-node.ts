// How the worker runs each kind of node: scans through the differential cache, SQL in
// DuckDB over its inputs where they lie (columnar/sql-over-arrow.ts), TypeScript in a
// thread with limits; then materialization when asked.
import type { Table } from "apache-arrow";
import { ColumnCache, type ScanStats } from "../cache/column-cache.js";
import { scanTable } from "../cache/scan-table.js";
import type { Duck } from "../columnar/duckdb.js";
import type { SqlOverArrow } from "../columnar/sql-over-arrow.js";
import type { Catalog } from "../lake/iceberg/catalog.js";
import type { NodeResult, RunNode } from "./execute-plan.js";
import { materialize } from "./materialize.js";
import type { ReadStats } from "../protocol/messages.js";
import { runTsModel } from "./run-ts-model.js";
import type { Environments } from "../sandbox/environments.js";
import { placeModel, type ModelEnvironment } from "../sandbox/model-module.js";

export interface NodeServices {
  catalog: Catalog;
  cache: ColumnCache;
  /** The cache with its tiers off, for scans that ask for no cache (`scan.cache: "off"`). */
  uncached?: ColumnCache;
  /** DuckDB for lakeloop's own writes (materialization). */
  duck: Duck;
  /** DuckDB for SQL nodes: sandboxed, over Arrow in place. */
  sql: SqlOverArrow;
  environments: Environments;
}

export function readStatsOf(stats: ScanStats): ReadStats {
  return {
    memoryBytes: stats.bytes.memory, diskBytes: stats.bytes.disk, objectStoreBytes: stats.bytes.objectStore,
    memoryFragments: stats.fragments.memory, diskFragments: stats.fragments.disk, fetchedFragments: stats.fragments.fetched,
  };
}

export function createNodeRunner(services: NodeServices): RunNode {
  return async (node, inputs, ctx): Promise<NodeResult> => {
    let result: NodeResult;
    if (node.kind === "scan") {
      const cache = node.scan.cache === "off" ? services.uncached ?? services.cache : services.cache;
      const { table, stats, planMs } = await scanTable(services.catalog, cache, node.scan, (done, total) => ctx.emit({ type: "node-progress", node: node.id, name: node.name, done, total, unit: "fragments" }));
      result = { table, read: readStatsOf(stats), profile: { plan: planMs, fetch: stats.ms.read, decode: stats.ms.decode, filter: stats.ms.filter } };
    } else if (node.kind === "sql") {
      const timing = { in: 0, sql: 0, out: 0 };
      result = { table: await services.sql.query(node.sql.query, inputs, ctx.signal, timing), profile: { "sql-in": timing.in, sql: timing.sql, "sql-out": timing.out } };
    } else {
      const spec = node.ts;
      let environment: ModelEnvironment | undefined;
      if (spec.runtime?.npm && Object.keys(spec.runtime.npm).length) {
        // The environment is ready before the model starts: a failed install fails the
        // model without running it.
        const prepared = await services.environments.prepare(spec.runtime.npm, (e) =>
          ctx.emit({ type: "install", node: node.id, package: e.package, version: e.version, bytes: e.bytes, ms: e.ms, cached: e.cached }))
          .catch((err: Error) => { throw Object.assign(new Error(`the packages of model "${node.name}" could not be installed: ${err.message}`), { code: "ENVIRONMENT" }); });
        environment = await placeModel(prepared, spec.code);
      }
      const profile = {};
      result = { table: await runTsModel(spec, inputs, { signal: ctx.signal, environment, profile }), profile };
    }
    if (node.materialize) {
      const t0 = performance.now();
      result.materialized = await materialize(services.catalog, services.duck, node.materialize.table, result.table, node.name, { branch: node.materialize.branch, output: node.id });
      result.profile = { ...result.profile, materialize: performance.now() - t0 };
    }
    return result;
  };
}
