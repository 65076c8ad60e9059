// Which delete files of a snapshot apply to which data file, by the Iceberg spec's
// rules: a position delete file applies to data files of its partition that are not
// newer than it (data sequence number <= its own) and that it may name (its
// referenced file, its file_path bounds); a deletion vector (v3, a blob in a Puffin
// file) applies to the one data file it references, and replaces that file's
// position delete files; an equality delete file applies to data files strictly
// older than it, of its partition — or of every partition when its spec is
// unpartitioned.
import { compareScalars } from "../filter/compare.js";
import { POSITION_DELETE_PATH_ID } from "../iceberg/manifest.js";
import type { DataFile, PartitionSpec } from "../iceberg/types.js";
import type { FileDeletes } from "./scan-plan.js";

const seq = (f: DataFile) => f.sequenceNumber ?? 0;

function samePartition(a: DataFile, b: DataFile): boolean {
  if (a.specId !== b.specId) return false;
  const keys = new Set([...Object.keys(a.partition), ...Object.keys(b.partition)]);
  for (const k of keys) {
    const x = a.partition[k] ?? null;
    const y = b.partition[k] ?? null;
    if (x === null || y === null ? x !== y : compareScalars(x, y) !== 0) return false;
  }
  return true;
}

/** May the position delete file name rows of `data` (its referenced file, its file_path bounds)? */
function mayName(deletes: DataFile, data: DataFile): boolean {
  if (deletes.referencedDataFile !== undefined) return deletes.referencedDataFile === data.path;
  // Bounds of the paths as the writer recorded them (not where the table is read now).
  const lower = deletes.lowerBounds.get(POSITION_DELETE_PATH_ID);
  const upper = deletes.upperBounds.get(POSITION_DELETE_PATH_ID);
  if (typeof lower !== "string" || typeof upper !== "string") return true;
  const recorded = data.recordedPath ?? data.path;
  return compareScalars(lower, recorded) <= 0 && compareScalars(upper, recorded) >= 0;
}

export class DeleteIndex {
  readonly #vectors = new Map<string, DataFile>();
  readonly #positions: DataFile[] = [];
  readonly #equality: DataFile[] = [];

  constructor(deleteFiles: DataFile[], readonly specs: PartitionSpec[]) {
    for (const file of deleteFiles) {
      if (file.content === "equality-deletes") this.#equality.push(file);
      else if (file.format === "puffin") {
        const target = file.referencedDataFile ?? "";
        const other = this.#vectors.get(target);
        // One deletion vector per data file and snapshot; should two be listed, the newer wins.
        if (!other || seq(other) < seq(file)) this.#vectors.set(target, file);
      } else this.#positions.push(file);
    }
  }

  get empty(): boolean {
    return this.#vectors.size === 0 && this.#positions.length === 0 && this.#equality.length === 0;
  }

  #unpartitioned(file: DataFile): boolean {
    return (this.specs.find((s) => s["spec-id"] === file.specId)?.fields.length ?? 0) === 0;
  }

  /** The delete files that apply to one data file. */
  forDataFile(data: DataFile): FileDeletes {
    const vector = this.#vectors.get(data.path);
    const vectors = vector && seq(vector) >= seq(data) ? [vector] : [];
    const positions = vectors.length ? [] : this.#positions.filter((d) => seq(d) >= seq(data) && samePartition(d, data) && mayName(d, data));
    const equality = this.#equality.filter((d) => seq(d) > seq(data) && (this.#unpartitioned(d) || samePartition(d, data)));
    return { positions, vectors, equality };
  }
}
