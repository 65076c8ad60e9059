// lakeloop holds table metadata as JSON numbers, exact up to 2^53. Other engines pick
// 63-bit random snapshot ids, which arrive rounded: reading is unaffected (every id is
// rounded alike), but a commit built on them would write ids that name no snapshot.
// Such a table takes commits from the engine that wrote it, or through
// `lakeloop catalog serve`, which edits metadata with exact integers.
import { IcebergError } from "./errors.js";
import type { TableMetadata } from "./types.js";

/** The first snapshot id of the metadata that a double cannot hold exactly, if any. */
export function inexactSnapshotId(metadata: TableMetadata): number | undefined {
  const ids = [
    metadata["current-snapshot-id"],
    ...metadata.snapshots.flatMap((s) => [s["snapshot-id"], s["parent-snapshot-id"]]),
    ...Object.values(metadata.refs ?? {}).map((r) => r["snapshot-id"]),
  ];
  return ids.find((id): id is number => typeof id === "number" && !Number.isSafeInteger(id));
}

export function assertExactIds(name: string, metadata: TableMetadata): void {
  const id = inexactSnapshotId(metadata);
  if (id === undefined) return;
  throw new IcebergError("INEXACT_IDS", `lakeloop cannot commit to table '${name}': its snapshot ids (such as ${BigInt(id)}) need more than 53 bits, ` +
    "and lakeloop's commits would round them; commit with the engine that wrote it, or through 'lakeloop catalog serve'");
}
