// What a session holds, as text for any front end: its models, the lake's tables, what
// the worker keeps resident, the cache's statistics; and dropping models. The kernel's
// `%` magics and the REPL's `.` commands print these.
import type { Reply } from "../../protocol/messages.js";
import type { Session } from "../session.js";
import { shortTableName } from "../../lake/iceberg/names.js";
import { formatCacheStatus } from "./describe-cache.js";
import { describeTable as describeLakeTable, formatTableDescription } from "../../lake/ingest/describe.js";

type WorkerStatus = Extract<Reply, { type: "status" }>;

export function describeModels(session: Session): string {
  return session.definitions().map((d) => {
    const kind = d.expect ? `${d.kind} expectation on ${d.expect.model ?? "its input"}${d.expect.severity === "warn" ? " (warn)" : ""}` : d.kind;
    return `${d.name.padEnd(24)} ${kind}  ${d.at.cell}:${d.at.line}`;
  }).join("\n") || "no models yet";
}

export async function listTableNames(session: Session): Promise<string[]> {
  return (await (await session.tables()).listTables()).map(shortTableName);
}

export async function describeTables(session: Session): Promise<string> {
  const names = await listTableNames(session);
  return names.length ? `the lake at ${session.lake}:\n${names.join("\n")}` : `the lake at ${session.lake} has no tables yet`;
}

/** A table's schema, partitioning, snapshots and files, on the session's branch. */
export async function describeTable(session: Session, name: string): Promise<string> {
  return formatTableDescription(await describeLakeTable(await (await session.tables()).loadTable(name)));
}

export async function describeWorker(session: Session): Promise<string> {
  const status = await session.worker.request<WorkerStatus>({ type: "status" });
  return [`resident outputs: ${status.resident.length}, ${(status.memoryBytes / 1e6).toFixed(1)} of ${(status.memoryBudget / 1e6).toFixed(0)} MB`,
    ...(status.engine ? [`SQL nodes: the ${status.engine.sql} path (${status.engine.reason})`] : []),
    ...status.resident.map((r) => `  ${r.name}: ${r.rows.toLocaleString("en-US")} rows, ${(r.bytes / 1e6).toFixed(1)} MB`)].join("\n");
}

export async function describeCache(session: Session): Promise<string> {
  const status = await session.worker.request<WorkerStatus>({ type: "status" });
  if (!status.cache) return "the worker reports no cache";
  return formatCacheStatus(status.cache);
}

/** `.drop name...` / `%drop name...`: the models removed, or why none was. */
export async function dropModels(session: Session, names: string[]): Promise<string> {
  if (names.length === 0) throw new Error("drop needs the names of the models to remove, e.g. drop euro_selection");
  const dropped = await session.dropModels(names);
  return dropped.map((d) => `dropped model ${d.name} (${d.kind}, defined at ${d.at.cell}:${d.at.line})`).join("\n");
}
