// The DAG's pure structure: parents before children, the models downstream of a node,
// and a cycle returned as its path of names.
import { describe, expect, it } from "vitest";
import { Graph, type ScanNode, type SqlNode } from "./graph.js";

function scan(table: string): ScanNode {
  return { kind: "scan", key: `scan:default.${table}||`, name: `${table}[id]`, table: `default.${table}`, tableUuid: `uuid-${table}`, snapshotId: 1, columns: ["id"], filter: null };
}

/** A SQL model node reading the given keys (the SQL itself plays no part in the graph). */
function sqlModel(name: string, ...inputs: string[]): SqlNode {
  return {
    kind: "sql", key: `model:${name}`, name, normalized: "",
    definition: { kind: "sql", name, sql: "SELECT 1", options: {}, at: { cell: "c", line: 1 } },
    inputs: Object.fromEntries(inputs.map((key) => [key.replace(/^model:|^scan:default\.|\|\|$/g, ""), key])),
  };
}

/** t -> a -> b -> d, a -> c -> d, and u -> e on its own. */
function diamond(): Graph {
  const graph = new Graph();
  // Added readers first, so an order that merely followed insertion would be wrong.
  for (const node of [sqlModel("d", "model:b", "model:c"), sqlModel("b", "model:a"), sqlModel("c", "model:a"), sqlModel("a", scan("t").key), scan("t"), sqlModel("e", scan("u").key), scan("u")]) graph.add(node);
  return graph;
}

describe("Graph", () => {
  it("orders every node after the nodes it reads", () => {
    const graph = diamond();
    const order = graph.topological();
    expect(order).toHaveLength(7);
    expect(new Set(order)).toEqual(new Set(graph.nodes.keys()));
    for (const key of order) for (const input of graph.inputsOf(key)) expect(order.indexOf(input)).toBeLessThan(order.indexOf(key));
  });

  it("orders only what the given keys read", () => {
    const graph = diamond();
    expect(graph.topological(["model:b"])).toEqual(["scan:default.t||", "model:a", "model:b"]);
    expect(graph.topological(["model:e"])).toEqual(["scan:default.u||", "model:e"]);
  });

  it("names the models downstream of a node, directly or not, and never the node itself", () => {
    const graph = diamond();
    expect(graph.descendants("scan:default.t||")).toEqual(new Set(["model:a", "model:b", "model:c", "model:d"]));
    expect(graph.descendants("model:b")).toEqual(new Set(["model:d"]));
    expect(graph.descendants("model:d")).toEqual(new Set());
    expect(graph.descendants("scan:default.u||")).toEqual(new Set(["model:e"]));
  });

  it("keeps the first node added under a key and finds models by name, never scans", () => {
    const graph = new Graph();
    graph.add(sqlModel("a"));
    graph.add(sqlModel("a", "model:zzz"));
    expect(graph.inputsOf("model:a")).toEqual([]);
    graph.add(scan("t"));
    expect(graph.model("a")?.name).toBe("a");
    expect(graph.model("t")).toBeUndefined();
    expect(() => graph.get("model:nope")).toThrow("no node model:nope in the DAG");
  });

  it("finds no cycle in a DAG", () => {
    expect(diamond().findCycle()).toBeUndefined();
  });

  it("returns a cycle as the path of names that closes it, in reading order", () => {
    const graph = diamond();
    // a now also reads d: a -> d -> b -> a (and a -> d -> c -> a).
    graph.nodes.set("model:a", sqlModel("a", scan("t").key, "model:d"));
    const cycle = graph.findCycle()!;
    // The search starts at the first node added (d) and follows its first input (b).
    expect(cycle).toEqual(["d", "b", "a", "d"]);
    // Each step is an edge "reads": every name reads the next one.
    for (let i = 0; i + 1 < cycle.length; i++) expect(graph.inputsOf(`model:${cycle[i]}`)).toContain(`model:${cycle[i + 1]}`);
  });

  it("returns a model reading itself as a cycle of one", () => {
    const graph = new Graph();
    graph.add(sqlModel("me", "model:me"));
    expect(graph.findCycle()).toEqual(["me", "me"]);
  });
});
