// Scan planning on metadata alone: which data files, which row groups and which exact
// byte ranges a scan must read. Files go first by partition values, then by the
// manifests' column bounds; row groups by their Parquet statistics; and only the
// column chunks of the requested (and filter) columns are listed.
import type { Catalog } from "../iceberg/catalog.js";
import { nearestName } from "../iceberg/names.js";
import { sourceField } from "../iceberg/partition.js";
import type { Table } from "../iceberg/table.js";
import type { DataFile, Snapshot } from "../iceberg/types.js";
import { fieldIdsOfColumns } from "../parquet/data-file.js";
import { columnChunkRange } from "../parquet/metadata.js";
import type { Field, Scalar } from "../schema.js";
import { parseFilter } from "../filter/parse-filter.js";
import { statsOfPartition } from "../filter/partition-range.js";
import { mightMatch, mustMatch, type ColumnStats } from "../filter/prune.js";
import { chunkFormatOf } from "./chunk-format.js";
import type { Filter } from "../filter/filter.js";
import { cachedFooter } from "./footer-cache.js";
import type { ColumnChunkRef, FileScan, RowGroupScan, ScanPlan, ScanRequest } from "./scan-plan.js";

export class ScanPlanError extends Error {
  override name = "ScanPlanError";
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

function resolveSnapshot(table: Table, request: ScanRequest): Snapshot | undefined {
  if (request.snapshotId === null) return undefined;
  if (request.snapshotId !== undefined) return table.snapshotById(request.snapshotId);
  if (request.asOfMs !== undefined) return table.snapshotAsOf(request.asOfMs);
  return table.currentSnapshot();
}

function outputFields(table: Table, columns: string[] | undefined): Field[] {
  const fields = table.schema().fields;
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

function partitionStats(table: Table, file: DataFile): (id: number) => ColumnStats | undefined {
  const spec = table.metadata["partition-specs"].find((s) => s["spec-id"] === file.specId);
  const bySource = new Map<number, ColumnStats>();
  for (const field of spec?.fields ?? []) {
    const source = sourceField(field, table.schema());
    const stats = statsOfPartition(field.transform, file.partition[field.name] ?? null, source);
    if (stats) bySource.set(source.id, stats);
  }
  return (id) => bySource.get(id);
}

function boundStats(file: DataFile): (id: number) => ColumnStats | undefined {
  return (id) => ({
    min: file.lowerBounds.get(id), max: file.upperBounds.get(id),
    nullCount: file.nullValueCounts.get(id), valueCount: file.valueCounts.get(id) ?? file.recordCount,
  });
}

export async function planScan(catalog: Catalog, request: ScanRequest): Promise<ScanPlan> {
  const table = await catalog.loadTable(request.table);
  if (request.tableUuid && table.metadata["table-uuid"] !== request.tableUuid) {
    throw Object.assign(new Error(`table ${request.table} was dropped and made again after this run was planned; run again to plan over the new table`), { code: "TABLE_CHANGED" });
  }
  const snapshot = resolveSnapshot(table, request);
  const tableSchema = snapshot ? (table.metadata.schemas.find((s) => s["schema-id"] === snapshot["schema-id"]) ?? table.schema()) : table.schema();
  const output = outputFields(table, request.columns);
  const filter: Filter | null = request.filter?.trim() ? parseFilter(request.filter, tableSchema) : null;
  const readIds = new Set([...output.map((f) => f.id), ...(filter?.fieldIds ?? [])]);
  const read = tableSchema.fields.filter((f) => readIds.has(f.id));
  const files = snapshot ? await table.dataFiles(snapshot) : [];
  const afterPartition = filter ? files.filter((f) => mightMatch(filter.expr, partitionStats(table, f))) : files;
  const afterBounds = filter ? afterPartition.filter((f) => mightMatch(filter.expr, boundStats(f))) : afterPartition;

  const store = catalog.store;
  let rowGroupsTotal = 0;
  let bytesToRead = 0;
  const fileScans = await Promise.all(afterBounds.map(async (file): Promise<FileScan> => {
    const key = store.keyOf(file.path);
    const footer = await cachedFooter(store, key, file.fileSizeBytes);
    const metadata = footer.metadata;
    const ids = fieldIdsOfColumns(metadata, tableSchema);
    const schemaElements = new Map(metadata.schema.slice(1).map((e) => [e.name, e]));
    const rowGroups: RowGroupScan[] = [];
    let firstRow = 0;
    metadata.row_groups.forEach((group, index) => {
      rowGroupsTotal++;
      const rowCount = Number(group.num_rows);
      const byId = new Map<number, (typeof group.columns)[number]>();
      for (const chunk of group.columns) {
        const id = chunk.meta_data ? ids.get(chunk.meta_data.path_in_schema.join(".")) : undefined;
        if (id !== undefined) byId.set(id, chunk);
      }
      const statsOf = (id: number): ColumnStats | undefined => {
        const stats = byId.get(id)?.meta_data?.statistics;
        if (!stats) return undefined;
        return {
          min: (stats.min_value ?? stats.min) as Scalar | undefined, max: (stats.max_value ?? stats.max) as Scalar | undefined,
          nullCount: stats.null_count === undefined ? undefined : Number(stats.null_count), valueCount: rowCount,
        };
      };
      const keep = !filter || mightMatch(filter.expr, statsOf);
      if (keep) {
        const chunks: ColumnChunkRef[] = [];
        for (const field of read) {
          const meta = byId.get(field.id)?.meta_data;
          if (!meta) throw new ScanPlanError("MISSING_COLUMN", `data file ${file.path} has no column "${field.name}" (field id ${field.id})`);
          const { offset, length } = columnChunkRange(meta);
          chunks.push({
            fieldId: field.id, column: field.name, rowGroup: index, offset, length, uncompressedLength: Number(meta.total_uncompressed_size),
            format: chunkFormatOf(meta, schemaElements.get(meta.path_in_schema.join("."))),
          });
          bytesToRead += length;
        }
        rowGroups.push({ index, rowCount, firstRow, chunks, whole: !filter || mustMatch(filter.expr, statsOf, filter.fieldIds) });
      }
      firstRow += rowCount;
    });
    // Data files are never rewritten under the same path (every write takes a new UUID
    // name), so the path alone identifies the bytes: no etag needed in cache keys.
    return { file, key, etag: "", footer: { bytes: footer.bytes, offset: footer.offset }, rowGroups };
  }));

  return {
    table: table.name,
    snapshotId: snapshot?.["snapshot-id"] ?? null,
    tableSchema,
    output,
    read,
    filter,
    files: fileScans.filter((f) => f.rowGroups.length > 0),
    stats: {
      filesTotal: files.length,
      filesAfterPartitionPruning: afterPartition.length,
      filesAfterBoundsPruning: afterBounds.length,
      rowGroupsTotal,
      rowGroupsAfterStatsPruning: fileScans.reduce((s, f) => s + f.rowGroups.length, 0),
      bytesToRead,
    },
  };
}
