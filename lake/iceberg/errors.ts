// Errors of Iceberg tables: each names the table and, where one is involved, the
// metadata file or snapshot.

export class IcebergError extends Error {
  override name = "IcebergError";
  constructor(readonly code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export class TableNotFoundError extends IcebergError {
  override name = "TableNotFoundError";
  constructor(readonly table: string, existing: string[], suggestion?: string, lake?: string) {
    super("TABLE_NOT_FOUND", `table '${table}' does not exist` +
      (suggestion ? ` (did you mean '${suggestion}'?)` : "") +
      (existing.length ? `; tables: ${existing.join(", ")}` : `; the lake${lake ? ` at ${lake}` : ""} has no tables yet (try \`lakeloop sample\`)`));
  }
}

export class TableExistsError extends IcebergError {
  override name = "TableExistsError";
  constructor(readonly table: string) {
    super("TABLE_EXISTS", `table '${table}' already exists`);
  }
}

export class SnapshotNotFoundError extends IcebergError {
  override name = "SnapshotNotFoundError";
  constructor(table: string, what: string, known: number[]) {
    super("SNAPSHOT_NOT_FOUND", `table '${table}' has no snapshot ${what}` +
      (known.length ? `; snapshots: ${known.join(", ")}` : "; it has no snapshots yet"));
  }
}

export class CommitConflictError extends IcebergError {
  override name = "CommitConflictError";
  constructor(table: string, version: number, attempts: number) {
    super("COMMIT_CONFLICT", `commit to table '${table}' lost the race for metadata version v${version} ` +
      `after ${attempts} attempt${attempts === 1 ? "" : "s"}: another writer committed first; try again`);
  }
}

export class CorruptMetadataError extends IcebergError {
  override name = "CorruptMetadataError";
  constructor(file: string, detail: string) {
    super("CORRUPT_METADATA", `cannot read Iceberg metadata ${file}: ${detail}`);
  }
}
