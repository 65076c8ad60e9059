// A whole scan from a request: plan it on metadata, then read it through the cache.
import type { Catalog } from "../lake/iceberg/catalog.js";
import { planScan } from "../lake/scan/plan-scan.js";
import type { ScanPlan, ScanRequest } from "../lake/scan/scan-plan.js";
import type { ColumnCache, ScanResult } from "./column-cache.js";

export async function scanTable(catalog: Catalog, cache: ColumnCache, request: ScanRequest, onProgress?: (done: number, total: number) => void): Promise<ScanResult & { plan: ScanPlan; planMs: number }> {
  const t0 = performance.now();
  const plan = await planScan(catalog, request);
  const planMs = performance.now() - t0;
  return { ...(await cache.scan(plan, onProgress)), plan, planMs };
}
