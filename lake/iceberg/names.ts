// Table names: "namespace.table" or a bare "table" in the namespace "default". Names
// are also path segments of the warehouse, so only safe characters are accepted.
import { IcebergError } from "./errors.js";

export const DEFAULT_NAMESPACE = "default";

export interface TableIdent {
  namespace: string;
  table: string;
}

const SEGMENT = /^[A-Za-z_][A-Za-z0-9_-]*$/;

export function parseTableName(name: string): TableIdent {
  const parts = name.split(".");
  const [namespace, table] = parts.length === 1 ? [DEFAULT_NAMESPACE, parts[0]!] : parts.length === 2 ? [parts[0]!, parts[1]!] : ["", ""];
  if (!SEGMENT.test(namespace) || !SEGMENT.test(table)) {
    throw new IcebergError("BAD_TABLE_NAME", `bad table name '${name}': use 'table' or 'namespace.table' with letters, digits, '_' or '-'`);
  }
  return { namespace, table };
}

/** "default.t" as users write it, "t"; other namespaces stay qualified. */
export function shortTableName(name: string): string {
  return name.startsWith(`${DEFAULT_NAMESPACE}.`) ? name.slice(DEFAULT_NAMESPACE.length + 1) : name;
}

export function qualifiedName(ident: TableIdent): string {
  return `${ident.namespace}.${ident.table}`;
}

/** Levenshtein distance, for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length]!;
}

/** The closest candidate within a distance that still reads as a typo, if any. */
export function nearestName(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}
