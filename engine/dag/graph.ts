// The DAG's pure structure, apart from any runner: nodes (scans of lake tables, TS and
// SQL models), the edges from each node to the nodes it reads, topological order,
// descendants, and cycle detection that returns the cycle's path.
import type { SqlModelDefinition, TsModelDefinition } from "../model/definition.js";
import type { Filter } from "../../lake/filter/filter.js";
import type { UsedParams } from "../params/bind-params.js";

/** An expectation's node: what it checks. */
export interface CheckOf {
  /** Key of the node checked (a model, or the scan of a lake table). */
  of: string;
  /** The model or table name as written. */
  target: string;
  severity: "error" | "warn";
}

const MODEL_PREFIX = "model:";

/** The graph key of a model: model names are unique, and scans are keyed apart ("scan:..."). */
export function modelKey(name: string): string {
  return MODEL_PREFIX + name;
}

/** The model a key names, or undefined when the key is a scan's. */
export function modelNameOf(key: string): string | undefined {
  return key.startsWith(MODEL_PREFIX) ? key.slice(MODEL_PREFIX.length) : undefined;
}

export interface ScanNode {
  kind: "scan";
  key: string;
  /** For people: "transactions[id, usd, country]". */
  name: string;
  table: string;
  tableUuid: string;
  snapshotId: number | null;
  columns: string[];
  filter: Filter | null;
}

export interface TsNode {
  kind: "ts";
  key: string;
  name: string;
  definition: TsModelDefinition;
  /** Parameter name -> key of the node it reads. */
  inputs: Record<string, string>;
  /** The parameters its function reads through `params`, with their values. */
  params?: UsedParams;
  /** Set when the node is an expectation. */
  check?: CheckOf;
}

export interface SqlNode {
  kind: "sql";
  key: string;
  name: string;
  definition: SqlModelDefinition;
  /** Table name as the SQL writes it -> key of the node it reads. */
  inputs: Record<string, string>;
  /** The statement, normalized by DuckDB's parser (parameters as `$name`: their values are in `params`). */
  normalized: string;
  /** The query DuckDB runs when it differs from the definition's (parameters bound as literals, time-travel references renamed to their inputs). */
  query?: string;
  /** The parameters its text uses, with their values. */
  params?: UsedParams;
  /** Set when the node is an expectation. */
  check?: CheckOf;
}

export type GraphNode = ScanNode | TsNode | SqlNode;

export class Graph {
  readonly nodes = new Map<string, GraphNode>();

  add(node: GraphNode): void {
    if (!this.nodes.has(node.key)) this.nodes.set(node.key, node);
  }

  get(key: string): GraphNode {
    const node = this.nodes.get(key);
    if (!node) throw new Error(`no node ${key} in the DAG`);
    return node;
  }

  inputsOf(key: string): string[] {
    const node = this.get(key);
    return node.kind === "scan" ? [] : Object.values(node.inputs);
  }

  /** Models (not scans) by name. */
  model(name: string): TsNode | SqlNode | undefined {
    const node = this.nodes.get(modelKey(name));
    return node && node.kind !== "scan" ? node : undefined;
  }

  /** The keys and everything they read, parents before children. */
  topological(keys: Iterable<string> = this.nodes.keys()): string[] {
    const order: string[] = [];
    const seen = new Set<string>();
    const visit = (key: string): void => {
      if (seen.has(key)) return;
      seen.add(key);
      for (const input of this.inputsOf(key)) visit(input);
      order.push(key);
    };
    for (const key of keys) visit(key);
    return order;
  }

  /** Models that read `key`, directly or not. */
  descendants(key: string): Set<string> {
    const out = new Set<string>();
    let grew = true;
    while (grew) {
      grew = false;
      for (const [k, node] of this.nodes) {
        if (out.has(k) || node.kind === "scan") continue;
        if (Object.values(node.inputs).some((i) => i === key || out.has(i))) {
          out.add(k);
          grew = true;
        }
      }
    }
    return out;
  }

  /** A cycle as a path of names ("a -> b -> a"), if there is one. */
  findCycle(): string[] | undefined {
    const state = new Map<string, "open" | "done">();
    const stack: string[] = [];
    const visit = (key: string): string[] | undefined => {
      if (state.get(key) === "done") return undefined;
      if (state.get(key) === "open") return [...stack.slice(stack.indexOf(key)), key].map((k) => this.get(k).name);
      state.set(key, "open");
      stack.push(key);
      for (const input of this.inputsOf(key)) {
        const cycle = visit(input);
        if (cycle) return cycle;
      }
      stack.pop();
      state.set(key, "done");
      return undefined;
    };
    for (const key of this.nodes.keys()) {
      const cycle = visit(key);
      if (cycle) return cycle;
    }
    return undefined;
  }
}
