// Scan planning on metadata alone: which data files, which row groups and which exact
// byte ranges a scan must read. Files go first by partition values, then by the
// manifests' column bounds; row groups by their Parquet statistics; and only the
// column chunks of the requested (and filter) columns are listed. Columns are found in
// each file by field id (file-columns.ts), so renamed columns read and columns added
// since a file was written are absent from it (null when assembled). The delete files
// that apply to each data file travel with it (plan-deletes.ts), and the columns their
// equality deletes compare are read too.
import type { Catalog } from "../iceberg/catalog.js";
import { nearestName } from "../iceberg/names.js";
import { findSourceField } from "../iceberg/partition.js";
import type { Table } from "../iceberg/table.js";
import type { DataFile, Snapshot } from "../iceberg/types.js";
import { columnChunkRange } from "../parquet/metadata.js";
import { isPrimitive, type Field, type PrimitiveType, type Schema } from "../schema.js";
import { parseFilter } from "../filter/parse-filter.js";
import { statsOfPartition } from "../filter/partition-range.js";
import { mightMatch, mustMatch, type ColumnStats } from "../filter/prune.js";
import { chunkFormatOf } from "./chunk-format.js";
import { columnsByFieldId, fileTreeOf, type FileColumn } from "./file-columns.js";
import { fileTypeOf, statisticOf } from "./file-type.js";
import type { Filter } from "../filter/filter.js";
import { cachedFooter } from "./footer-cache.js";
import { DeleteIndex } from "./plan-deletes.js";
import type { ColumnChunkRef, FileScan, RowGroupScan, ScanPlan, ScanRequest } from "./scan-plan.js";

export class ScanPlanError extends Error {
  override name = "ScanPlanError";
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** The snapshot a request reads: by id, as of an instant, by branch or tag, else the current one. */
export function resolveSnapshot(table: Table, request: Pick<ScanRequest, "snapshotId" | "asOfMs" | "ref">): Snapshot | undefined {
  if (request.snapshotId === null) return undefined;
  if (request.snapshotId !== undefined) return table.snapshotById(request.snapshotId);
  if (request.asOfMs !== undefined) return table.snapshotAsOf(request.asOfMs);
  if (request.ref !== undefined) return table.snapshotByRef(request.ref);
  return table.currentSnapshot();
}

function outputFields(table: Table, schema: Schema, columns: string[] | undefined): Field[] {
  const fields = schema.fields;
  if (!columns) return fields;
  const seen = new Set<string>();
  return columns.map((name) => {
    const field = fields.find((f) => f.name === name) ?? fields.find((f) => f.name.toLowerCase() === name.toLowerCase());
    if (!field) {
      const suggestion = nearestName(name, fields.map((f) => f.name));
      throw new ScanPlanError("UNKNOWN_COLUMN", `table '${table.name}' has no column "${name}"` +
        (suggestion ? ` (did you mean "${suggestion}"?)` : "") + `; columns: ${fields.map((f) => f.name).join(", ")}`);
    }
    if (seen.has(field.name)) throw new ScanPlanError("DUPLICATE_COLUMN", `column "${field.name}" is asked for twice`);
    seen.add(field.name);
    return field;
  });
}

/** What the file's partition tuple says about each source column (several transforms of one column: the last that knows wins). */
function partitionStats(table: Table, schema: Schema, file: DataFile): (id: number) => ColumnStats | undefined {
  const spec = table.metadata["partition-specs"].find((s) => s["spec-id"] === file.specId);
  const bySource = new Map<number, ColumnStats>();
  for (const field of spec?.fields ?? []) {
    const source = findSourceField(field, [schema]);
    if (!source) continue; // partitioned by a column this schema no longer has: the filter cannot name it
    const stats = statsOfPartition(field.transform, file.partition[field.name] ?? null, source);
    if (stats) bySource.set(source.id, { ...bySource.get(source.id), ...stats });
  }
  return (id) => bySource.get(id);
}

function boundStats(file: DataFile): (id: number) => ColumnStats | undefined {
  return (id) => ({
    min: file.lowerBounds.get(id), max: file.upperBounds.get(id),
    nullCount: file.nullValueCounts.get(id), valueCount: file.valueCounts.get(id) ?? file.recordCount,
  });
}

/** Fields only equality deletes compare (by id, from any schema of the table: a dropped column still identifies rows). */
function equalityFields(table: Table, schema: Schema, ids: Iterable<number>, have: Set<number>): Field[] {
  const out: Field[] = [];
  for (const id of ids) {
    if (have.has(id)) continue;
    const field = [schema, ...table.metadata.schemas].map((s) => s.fields.find((f) => f.id === id)).find(Boolean);
    if (!field) throw new ScanPlanError("BAD_DELETES", `an equality delete file of table '${table.name}' compares field id ${id}, which no schema of the table has`);
    // Under a name the output cannot clash with: it is dropped before the scan returns.
    out.push({ ...field, name: schema.fields.some((f) => f.name === field.name && f.id !== id) ? `${field.name}#${id}` : field.name });
    have.add(id);
  }
  return out;
}

function chunkOf(field: Field, column: FileColumn, group: { columns: { meta_data?: import("hyparquet").ColumnMetaData }[] }, index: number, file: DataFile): ColumnChunkRef {
  const metas = column.leaves.map((i) => group.columns[i]?.meta_data);
  if (metas.some((m) => !m)) throw new ScanPlanError("MISSING_COLUMN", `data file ${file.path} has no column chunk for "${field.name}" in row group ${index}`);
  const ranges = metas.map((m) => columnChunkRange(m!));
  const offset = Math.min(...ranges.map((r) => r.offset));
  const end = Math.max(...ranges.map((r) => r.offset + r.length));
  const format = column.nested
    ? { physical: "GROUP", codec: metas[0]!.codec, encodings: [], optional: column.element.repetition_type !== "REQUIRED", numValues: Number(metas[0]!.num_values), nested: true }
    : chunkFormatOf(metas[0]!, column.element);
  if (!column.nested && !isPrimitive(field.type)) throw new ScanPlanError("TYPE_MISMATCH", `column "${field.name}" is a ${field.type.type} in the table but a single value in data file ${file.path}`);
  const fileType = isPrimitive(field.type) && !column.nested ? fileTypeOf(field.type, format) : field.type;
  return {
    fieldId: field.id, column: field.name, path: column.name, fileType, type: field.type, rowGroup: index, offset, length: end - offset,
    uncompressedLength: metas.reduce((s, m) => s + Number(m!.total_uncompressed_size), 0), format,
    ...(column.nested ? { fileTree: fileTreeOf(column.subtree) } : {}),
  };
}

export async function planScan(catalog: Catalog, request: ScanRequest): Promise<ScanPlan> {
  const table = await catalog.loadTable(request.table);
  if (request.tableUuid && table.metadata["table-uuid"] !== request.tableUuid) {
    throw Object.assign(new Error(`table ${request.table} was dropped and made again after this run was planned; run again to plan over the new table`), { code: "TABLE_CHANGED" });
  }
  const snapshot = resolveSnapshot(table, request);
  const tableSchema = table.schemaOf(snapshot);
  const output = outputFields(table, tableSchema, request.columns);
  const filter: Filter | null = request.filter?.trim() ? parseFilter(request.filter, tableSchema) : null;
  const readIds = new Set([...output.map((f) => f.id), ...(filter?.fieldIds ?? [])]);
  const read = tableSchema.fields.filter((f) => readIds.has(f.id));
  const [files, deleteFiles] = snapshot ? await Promise.all([table.dataFiles(snapshot), table.deleteFiles(snapshot)]) : [[], []];
  for (const file of files) {
    if (file.format !== "parquet") throw new ScanPlanError("UNSUPPORTED_FORMAT", `data file ${file.path} of table '${table.name}' is ${file.format.toUpperCase()}; lakeloop reads Parquet data files`);
  }
  const afterPartition = filter ? files.filter((f) => mightMatch(filter.expr, partitionStats(table, tableSchema, f))) : files;
  const afterBounds = filter ? afterPartition.filter((f) => mightMatch(filter.expr, boundStats(f))) : afterPartition;
  const deletes = new DeleteIndex(deleteFiles, table.metadata["partition-specs"]);
  const fileDeletes = new Map(afterBounds.map((f) => [f.path, deletes.empty ? undefined : deletes.forDataFile(f)]));
  const equalityIds = new Set([...fileDeletes.values()].flatMap((d) => d?.equality.flatMap((e) => e.equalityIds ?? []) ?? []));
  read.push(...equalityFields(table, tableSchema, equalityIds, readIds));

  const store = catalog.store;
  let rowGroupsTotal = 0;
  let bytesToRead = 0;
  const fileScans = await Promise.all(afterBounds.map(async (file): Promise<FileScan> => {
    const key = store.keyOf(file.path);
    const footer = await cachedFooter(store, key, file.fileSizeBytes);
    const metadata = footer.metadata;
    const columns = columnsByFieldId(metadata, tableSchema, table.metadata.properties);
    const rowGroups: RowGroupScan[] = [];
    let firstRow = 0;
    metadata.row_groups.forEach((group, index) => {
      rowGroupsTotal++;
      const rowCount = Number(group.num_rows);
      const chunks = new Map<number, ColumnChunkRef>();
      for (const field of read) {
        const column = columns.get(field.id);
        if (column) chunks.set(field.id, chunkOf(field, column, group, index, file));
      }
      const statsOf = (id: number): ColumnStats | undefined => {
        const chunk = chunks.get(id);
        // A column the file does not have is null in every row (unless v3 gave it a default, which scans do not fill in yet).
        if (!chunk && !columns.has(id)) return read.find((f) => f.id === id)?.["initial-default"] !== undefined ? undefined : { nullCount: rowCount, valueCount: rowCount };
        const column = columns.get(id);
        const stats = column && !column.nested ? group.columns[column.leaves[0]!]?.meta_data?.statistics : undefined;
        if (!stats || !chunk || !isPrimitive(chunk.type)) return undefined;
        const convert = (v: unknown) => statisticOf(v, chunk.fileType as PrimitiveType, chunk.type as PrimitiveType, chunk.format);
        return {
          min: convert(stats.min_value ?? stats.min), max: convert(stats.max_value ?? stats.max),
          nullCount: stats.null_count === undefined ? undefined : Number(stats.null_count), valueCount: rowCount,
        };
      };
      const keep = !filter || mightMatch(filter.expr, statsOf);
      if (keep) {
        const list = read.map((f) => chunks.get(f.id)).filter((c): c is ColumnChunkRef => c !== undefined);
        bytesToRead += list.reduce((s, c) => s + c.length, 0);
        rowGroups.push({ index, rowCount, firstRow, chunks: list, whole: !filter || mustMatch(filter.expr, statsOf, filter.fieldIds) });
      }
      firstRow += rowCount;
    });
    // Data files are never rewritten under the same path (every write takes a new UUID
    // name), so the path alone identifies the bytes: no etag needed in cache keys.
    const applicable = fileDeletes.get(file.path);
    const hasDeletes = applicable && (applicable.positions.length + applicable.vectors.length + applicable.equality.length) > 0;
    return { file, key, etag: "", footer: { bytes: footer.bytes, offset: footer.offset }, rowGroups, ...(hasDeletes ? { deletes: applicable } : {}) };
  }));
  const kept = fileScans.filter((f) => f.rowGroups.length > 0);
  const used = new Set(kept.flatMap((f) => f.deletes ? [...f.deletes.positions, ...f.deletes.vectors, ...f.deletes.equality].map((d) => d.path) : []));

  return {
    table: table.name,
    snapshotId: snapshot?.["snapshot-id"] ?? null,
    tableSchema,
    output,
    read,
    filter,
    files: kept,
    stats: {
      filesTotal: files.length,
      filesAfterPartitionPruning: afterPartition.length,
      filesAfterBoundsPruning: afterBounds.length,
      rowGroupsTotal,
      rowGroupsAfterStatsPruning: fileScans.reduce((s, f) => s + f.rowGroups.length, 0),
      bytesToRead,
      deleteFiles: used.size,
    },
  };
}
