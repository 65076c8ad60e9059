// What a session holds, as text for any front end: its models, the lake's tables, what
// the worker keeps resident, the cache's statistics. The kernel's `%` magics and the
// REPL's `.` commands print these.
import type { Reply } from "../../worker/protocol.js";
import type { Session } from "../session.js";
import { shortTableName } from "../../lake/iceberg/names.js";

type WorkerStatus = Extract<Reply, { type: "status" }>;

export function describeModels(session: Session): string {
  return session.definitions().map((d) => {
    const kind = d.expect ? `${d.kind} expectation on ${d.expect.model ?? "its input"}${d.expect.severity === "warn" ? " (warn)" : ""}` : d.kind;
    return `${d.name.padEnd(24)} ${kind}  ${d.at.cell}:${d.at.line}`;
  }).join("\n") || "no models yet";
}

export async function listTableNames(session: Session): Promise<string[]> {
  return (await session.catalog.listTables()).map(shortTableName);
}

export async function describeTables(session: Session): Promise<string> {
  return (await listTableNames(session)).join("\n") || "the lake has no tables yet";
}

export async function describeWorker(session: Session): Promise<string> {
  const status = await session.worker.request<WorkerStatus>({ type: "status" });
  return [`resident outputs: ${status.resident.length}, ${(status.memoryBytes / 1e6).toFixed(1)} of ${(status.memoryBudget / 1e6).toFixed(0)} MB`,
    ...(status.engine ? [`SQL nodes: the ${status.engine.sql} path (${status.engine.reason})`] : []),
    ...status.resident.map((r) => `  ${r.name}: ${r.rows.toLocaleString("en-US")} rows, ${(r.bytes / 1e6).toFixed(1)} MB`)].join("\n");
}

export async function describeCache(session: Session): Promise<string> {
  const status = await session.worker.request<WorkerStatus>({ type: "status" });
  return JSON.stringify(status.cache, null, 2);
}
