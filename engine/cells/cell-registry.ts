// The cells' model definitions, by cell: the session's source of truth for what is
// defined, apart from anything that builds, plans or runs. A cell's new definitions
// replace its old ones; under "replace" (notebooks, the REPL) a model defined again in
// another cell moves there, under "error" (project files) the DAG refuses the duplicate.
// A change can be undone as one step (a cell that would break a model is refused whole).
import type { ModelDefinition } from "../model/definition.js";

/** The registry's contents at one moment, to put back with `restore`. */
export type CellSnapshot = ReadonlyMap<string, readonly ModelDefinition[]>;

export class CellRegistry {
  readonly #cells = new Map<string, ModelDefinition[]>();

  constructor(readonly redefine: "replace" | "error" = "error") {}

  /** Every definition, in the order of the cells that made them. */
  definitions(): ModelDefinition[] {
    return [...this.#cells.values()].flat();
  }

  has(cell: string): boolean {
    return this.#cells.has(cell);
  }

  /** Sets a cell's definitions; returns the models that moved here from other cells ("name (from cell[2])"). */
  set(cell: string, definitions: ModelDefinition[]): string[] {
    const moved: string[] = [];
    if (this.redefine === "replace") {
      const names = new Set(definitions.map((d) => d.name));
      for (const [other, list] of this.#cells) {
        if (other === cell) continue;
        const kept = list.filter((d) => !names.has(d.name));
        if (kept.length === list.length) continue;
        moved.push(...list.filter((d) => names.has(d.name)).map((d) => `${d.name} (from ${other})`));
        this.#cells.set(other, kept);
      }
    }
    // A cell that never defined a model and still does not stays out (a cell of plain code).
    if (definitions.length > 0 || this.#cells.has(cell)) this.#cells.set(cell, definitions);
    return moved;
  }

  remove(cell: string): void {
    this.#cells.delete(cell);
  }

  /** Removes models by name from whichever cells define them. */
  removeModels(names: readonly string[]): void {
    for (const [cell, list] of this.#cells) this.#cells.set(cell, list.filter((d) => !names.includes(d.name)));
  }

  snapshot(): CellSnapshot {
    return new Map(this.#cells);
  }

  restore(snapshot: CellSnapshot): void {
    this.#cells.clear();
    for (const [cell, list] of snapshot) this.#cells.set(cell, [...list]);
  }
}
