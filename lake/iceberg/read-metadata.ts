// Table metadata JSON as any engine writes it, into the one in-memory shape lakeloop
// uses (types.ts): gzip-compressed files (`*.gz.metadata.json`, `*.metadata.json.gz`)
// are inflated, and format-version 1 documents (a single `schema` and `partition-spec`,
// no sequence numbers) are given their v2 equivalents. Anything else that is not
// Iceberg table metadata is refused with the file's name.
import { gunzipSync } from "node:zlib";
import type { Schema } from "../schema.js";
import { CorruptMetadataError, IcebergError } from "./errors.js";
import type { PartitionField, TableMetadata } from "./types.js";

type Json = Record<string, unknown>;

/** Format versions lakeloop can read; it commits only to version 2. */
export const READABLE_FORMAT_VERSIONS = [1, 2, 3];

export function parseTableMetadata(bytes: Uint8Array, where: string): TableMetadata {
  let document: unknown;
  try {
    const text = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
    document = JSON.parse(new TextDecoder().decode(text));
  } catch (err) {
    throw new CorruptMetadataError(where, (err as Error).message);
  }
  return tableMetadataFrom(document, where);
}

/** Checks and completes a parsed metadata document (from a file or a REST catalog's answer). */
export function tableMetadataFrom(document: unknown, where: string): TableMetadata {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new CorruptMetadataError(where, "expected a JSON object of Iceberg table metadata");
  }
  const m = document as Json;
  const version = m["format-version"];
  if (!READABLE_FORMAT_VERSIONS.includes(version as number)) {
    throw new CorruptMetadataError(where, `expected Iceberg format-version 1, 2 or 3 metadata, found format-version ${String(version)}`);
  }
  if (typeof m.location !== "string") throw new CorruptMetadataError(where, "it records no table location");
  const schemas = (m.schemas as Schema[] | undefined) ?? (m.schema ? [{ ...(m.schema as Schema), "schema-id": (m.schema as Schema)["schema-id"] ?? 0 }] : undefined);
  if (!Array.isArray(schemas) || schemas.length === 0) throw new CorruptMetadataError(where, "it has no schema");
  const specs = (m["partition-specs"] as TableMetadata["partition-specs"] | undefined) ?? [{ "spec-id": 0, fields: v1PartitionFields(m["partition-spec"]) }];
  const snapshots = ((m.snapshots as Json[] | undefined) ?? []).map((s) => {
    if (typeof s["manifest-list"] !== "string") {
      throw new IcebergError("UNSUPPORTED_METADATA", `cannot read Iceberg metadata ${where}: snapshot ${String(s["snapshot-id"])} lists its manifests inline (early format v1); lakeloop reads snapshots with a manifest list`);
    }
    return { ...s, "sequence-number": s["sequence-number"] ?? 0, summary: s.summary ?? { operation: "append" } };
  });
  const current = m["current-snapshot-id"] as number | null | undefined;
  const hasCurrent = current !== undefined && current !== null && current !== -1;
  return {
    ...m,
    location: m.location,
    "last-sequence-number": m["last-sequence-number"] ?? 0,
    "current-schema-id": m["current-schema-id"] ?? schemas[0]!["schema-id"],
    schemas,
    "default-spec-id": m["default-spec-id"] ?? specs[0]!["spec-id"],
    "partition-specs": specs,
    "last-partition-id": m["last-partition-id"] ?? Math.max(999, ...specs.flatMap((s) => s.fields.map((f) => f["field-id"]))),
    "default-sort-order-id": m["default-sort-order-id"] ?? 0,
    "sort-orders": m["sort-orders"] ?? [{ "order-id": 0, fields: [] }],
    properties: m.properties ?? {},
    refs: m.refs ?? (hasCurrent ? { main: { "snapshot-id": current, type: "branch" } } : {}),
    snapshots,
    "snapshot-log": m["snapshot-log"] ?? [],
    "metadata-log": m["metadata-log"] ?? [],
  } as unknown as TableMetadata;
}

/** v1 partition fields carry no field ids; v2 numbers them from 1000 in order. */
function v1PartitionFields(fields: unknown): PartitionField[] {
  return ((fields as PartitionField[] | undefined) ?? []).map((f, i) => ({ ...f, "field-id": f["field-id"] ?? 1000 + i }));
}
