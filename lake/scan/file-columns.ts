// Which columns of a Parquet data file hold which Iceberg fields. A field is found by
// its Parquet field id (what Iceberg writers record), else — in files written without
// ids, e.g. imported from Hive — through the table's name mapping
// (`schema.name-mapping.default`), else by the column's name. A top-level column may be
// a group (struct, list, map): its leaves, in the file's column order, are the column
// chunks of every row group that make up the field.
import type { FileMetaData, SchemaElement } from "hyparquet";
import type { Schema } from "../schema.js";

export interface FileColumn {
  /** The top-level column's name in the file (what a mini Parquet file keeps). */
  name: string;
  element: SchemaElement;
  /** Indices of its leaf columns among the file's leaves (= a row group's column chunks). */
  leaves: number[];
  /** A group (struct, list or map), not a single leaf. */
  nested: boolean;
  /** The group's schema elements, depth first (for reading nested field ids). */
  subtree: SchemaElement[];
}

interface NameMapping {
  "field-id"?: number;
  names: string[];
  fields?: NameMapping[];
}

/** Top-level name -> field id from the table's name mapping property, if it has one. */
function nameMappingOf(properties: Record<string, string> | undefined): Map<string, number> | undefined {
  const text = properties?.["schema.name-mapping.default"];
  if (!text) return undefined;
  try {
    const out = new Map<string, number>();
    for (const entry of JSON.parse(text) as NameMapping[]) {
      if (entry["field-id"] !== undefined) for (const name of entry.names ?? []) out.set(name, entry["field-id"]);
    }
    return out;
  } catch {
    return undefined; // a malformed mapping maps nothing; names still do
  }
}

/** The file's top-level columns by the Iceberg field id they hold. */
export function columnsByFieldId(metadata: FileMetaData, schema: Schema, properties?: Record<string, string>): Map<number, FileColumn> {
  const elements = metadata.schema;
  const top: FileColumn[] = [];
  let leaf = 0;
  let at = 1;
  // Walk the flattened tree: each top-level element and its descendants.
  const rootChildren = elements[0]?.num_children ?? 0;
  for (let c = 0; c < rootChildren && at < elements.length; c++) {
    const element = elements[at]!;
    const start = at;
    const leaves: number[] = [];
    let pending = 1;
    while (pending > 0 && at < elements.length) {
      const e = elements[at++]!;
      pending--;
      if (e.num_children) pending += e.num_children;
      else leaves.push(leaf++);
    }
    top.push({ name: element.name, element, leaves, nested: Boolean(element.num_children), subtree: elements.slice(start, at) });
  }
  const withIds = top.some((c) => c.element.field_id !== undefined);
  const mapping = withIds ? undefined : nameMappingOf(properties);
  const out = new Map<number, FileColumn>();
  for (const column of top) {
    const id = withIds ? column.element.field_id : mapping ? mapping.get(column.name) : schema.fields.find((f) => f.name === column.name)?.id;
    if (id !== undefined && !out.has(id)) out.set(id, column);
  }
  return out;
}

/** A nested column's shape in the file: names and field ids (to find renamed inner fields). */
export interface FileNode {
  name: string;
  fieldId?: number;
  children: FileNode[];
}

/** The tree of a column's flattened schema elements. */
export function fileTreeOf(subtree: SchemaElement[]): FileNode {
  let at = 0;
  const build = (): FileNode => {
    const e = subtree[at++]!;
    const children: FileNode[] = [];
    for (let i = 0; i < (e.num_children ?? 0); i++) children.push(build());
    return { name: e.name, ...(e.field_id !== undefined ? { fieldId: e.field_id } : {}), children };
  };
  return build();
}
