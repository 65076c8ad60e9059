// What a table is, for people and scripts: schema with field ids, partitioning,
// snapshots, and the current snapshot's files, rows and bytes per partition.
import type { Table } from "../iceberg/table.js";
import { typeText } from "../schema.js";
import { shortTableName } from "../iceberg/names.js";
import { findSourceField, formatPartitionValue } from "../iceberg/partition.js";

export interface TableDescription {
  name: string;
  location: string;
  formatVersion: number;
  schema: { id: number; name: string; type: string; required: boolean }[];
  partitioning: string[];
  currentSnapshotId: number | null;
  snapshots: { id: number; time: string; operation: string; addedRecords: number; totalRecords: number }[];
  files: number;
  /** Live rows: the data files' rows less those their delete files delete. */
  rows: number;
  /** Delete files of the current snapshot (position, equality, deletion vectors). */
  deleteFiles: number;
  /** How `rows` was counted: the manifests, the delete files read, or a scan (equality deletes). */
  rowsCountedFrom: "manifests" | "delete files" | "scan";
  bytes: number;
  partitions: { partition: string; files: number; rows: number; bytes: number }[];
}

/**
 * `live`: the snapshot's rows net of its delete files, when the caller counted them
 * (cache/count-live-rows.ts); without it, the data files' rows.
 */
export async function describeTable(table: Table, live?: { rows: number; countedFrom: TableDescription["rowsCountedFrom"]; deleteFiles: number }): Promise<TableDescription> {
  const spec = table.partitionSpec();
  const files = await table.dataFiles();
  const schema = table.schema();
  const partitions = new Map<string, { files: number; rows: number; bytes: number }>();
  for (const file of files) {
    // Each file by the spec it was written with; a source column since dropped still has its type in an older schema.
    const fileSpec = table.metadata["partition-specs"].find((s) => s["spec-id"] === file.specId) ?? spec;
    const key = fileSpec.fields.map((f) => `${f.name}=${formatPartitionValue(f.transform, file.partition[f.name] ?? null, findSourceField(f, [schema, ...table.metadata.schemas])?.type)}`).join("/") || "(unpartitioned)";
    const entry = partitions.get(key) ?? { files: 0, rows: 0, bytes: 0 };
    entry.files++;
    entry.rows += file.recordCount;
    entry.bytes += file.fileSizeBytes;
    partitions.set(key, entry);
  }
  return {
    name: table.name,
    location: table.location,
    formatVersion: table.metadata["format-version"],
    schema: schema.fields.map((f) => ({ id: f.id, name: f.name, type: typeText(f.type), required: f.required })),
    partitioning: spec.fields.map((f) => {
      const source = schema.fields.find((s) => s.id === f["source-id"])?.name ?? `#${f["source-id"]}`;
      return f.transform === "identity" ? source : `${f.transform}(${source})`;
    }),
    currentSnapshotId: table.currentSnapshot()?.["snapshot-id"] ?? null,
    snapshots: table.metadata.snapshots.map((s) => ({
      id: s["snapshot-id"],
      time: new Date(s["timestamp-ms"]).toISOString(),
      operation: s.summary.operation,
      addedRecords: Number(s.summary["added-records"] ?? 0),
      totalRecords: Number(s.summary["total-records"] ?? 0),
    })),
    files: files.length,
    rows: live?.rows ?? files.reduce((s, f) => s + f.recordCount, 0),
    deleteFiles: live?.deleteFiles ?? 0,
    rowsCountedFrom: live?.countedFrom ?? "manifests",
    bytes: files.reduce((s, f) => s + f.fileSizeBytes, 0),
    partitions: [...partitions].map(([partition, v]) => ({ partition, ...v })).sort((a, b) => (a.partition < b.partition ? -1 : 1)),
  };
}

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export function formatTableDescription(d: TableDescription): string {
  const width = Math.max(...d.schema.map((f) => f.name.length));
  const lines = [
    `${d.name}  (Iceberg v${d.formatVersion})  ${d.location}`,
    `${d.rows.toLocaleString("en-US")} rows in ${d.files} files, ${formatBytes(d.bytes)}; partitioned by ${d.partitioning.join(", ") || "nothing"}`,
    ...(d.deleteFiles ? [`  (net of ${d.deleteFiles} delete file${d.deleteFiles === 1 ? "" : "s"}; counted from ${d.rowsCountedFrom === "scan" ? "a scan, as equality deletes need" : "the delete files"}; partition rows below are before deletes)`] : []),
    "",
    "columns:",
    ...d.schema.map((f) => `  ${String(f.id).padStart(3)}  ${f.name.padEnd(width)}  ${f.type}${f.required ? " not null" : ""}`),
    "",
    `snapshots (${d.snapshots.length}, * current; lakeloop rollback ${shortTableName(d.name)} --to <id> returns to one):`,
    ...(d.snapshots.length > 20 ? [`    … ${d.snapshots.length - 20} earlier (describe --json lists them all)`] : []),
    ...d.snapshots.slice(-20).map((s) => `  ${s.id === d.currentSnapshotId ? "*" : " "} ${s.id}  ${s.time}  ${s.operation.padEnd(9)} +${s.addedRecords.toLocaleString("en-US")} rows → ${s.totalRecords.toLocaleString("en-US")}`),
  ];
  if (d.partitions.length > 1 || d.partitioning.length) {
    lines.push("", `partitions (${d.partitions.length}):`);
    const shown = d.partitions.length > 40 ? [...d.partitions.slice(0, 20), null, ...d.partitions.slice(-20)] : d.partitions;
    for (const p of shown) {
      lines.push(p ? `  ${p.partition.padEnd(28)} ${String(p.files).padStart(4)} files ${p.rows.toLocaleString("en-US").padStart(12)} rows ${formatBytes(p.bytes).padStart(9)}` : "  …");
    }
  }
  return lines.join("\n") + "\n";
}
