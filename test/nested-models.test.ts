// Nested columns (struct, list, map) of a table another engine wrote, through a session:
// a TypeScript model receives them as Arrow nested vectors on its thread and flattens
// them; a SQL model reads the table's flat columns and the flattened model; a SQL model
// that reads a nested column is refused, naming it.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Duck, quoteLiteral } from "../columnar/duckdb.js";
import { Session } from "../engine/session.js";
import { tableOfFiles } from "../testing/table-of-files.js";
import { openStore } from "../lake/store/open-store.js";
import { openCatalog } from "../lake/open-catalog.js";

let dir: string;
let session: Session;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-nested-"));
  const env = { ...process.env, LAKELOOP_LAKE: `file://${dir}/lake`, LAKELOOP_CACHE: path.join(dir, "cache") };
  const store = await openStore(env.LAKELOOP_LAKE, env);
  const duck = await Duck.open();
  const file = path.join(dir, "orders.parquet");
  await duck.run(`COPY (SELECT i::INT AS id, {'city': 'c' || i, 'zip': (i * 100)::INT} AS address, [i::INT, (i + 1)::INT] AS items, MAP {'k': i::INT} AS attrs FROM range(4) r(i))
    TO ${quoteLiteral(file)} (FORMAT parquet, FIELD_IDS {id: 1, address: {__duckdb_field_id: 2, city: 3, zip: 4}, items: {__duckdb_field_id: 5, element: 6}, attrs: {__duckdb_field_id: 7, key: 8, value: 9}})`);
  duck.close();
  await tableOfFiles(await openCatalog(store), "orders", [
    { id: 1, name: "id", required: false, type: "int" },
    { id: 2, name: "address", required: false, type: { type: "struct", fields: [{ id: 3, name: "city", required: false, type: "string" }, { id: 4, name: "zip", required: false, type: "int" }] } },
    { id: 5, name: "items", required: false, type: { type: "list", "element-id": 6, element: "int", "element-required": false } },
    { id: 7, name: "attrs", required: false, type: { type: "map", "key-id": 8, key: "string", "value-id": 9, value: "int", "value-required": false } },
  ], [file]);
  await store.close();
  session = await Session.open({ env });
}, 60_000);
afterAll(async () => {
  await session?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("nested columns in models", () => {
  it("hands a TypeScript model struct, list and map vectors, and SQL the flat result", async () => {
    await session.applyCell("flat", `
      model("flat", { o: Model("orders") }, ({ o }) => {
        const rows = [];
        for (let i = 0; i < o.numRows; i++) {
          const address = o.getChild("address").get(i);
          const items = o.getChild("items").get(i);
          const attrs = o.getChild("attrs").get(i);
          rows.push({ id: o.getChild("id").get(i), city: address.city, zip: address.zip, items: items.length, total: [...items].reduce((s, v) => s + v, 0), k: attrs.toJSON().k });
        }
        return rows;
      });
    `);
    const flat = await session.result("flat");
    expect(flat.toArray().map((r) => ({ ...(r as { toJSON(): object }).toJSON() }))).toEqual([0, 1, 2, 3].map((i) => ({ id: i, city: `c${i}`, zip: i * 100, items: 2, total: 2 * i + 1, k: i })));
    await session.applyCell("sql", "%%sql summary\nSELECT count(*) AS n, max(o.id) AS top, sum(f.total) AS total FROM orders o JOIN flat f ON o.id = f.id");
    const summary = (await session.result("summary")).toArray()[0] as unknown as { n: bigint; top: number; total: number };
    expect([Number(summary.n), Number(summary.top), Number(summary.total)]).toEqual([4, 3, 16]);
  });

  it("refuses SQL that reads a nested column, naming it", async () => {
    await session.applyCell("bad", "%%sql bad\nSELECT id, items FROM orders");
    await expect(session.plan(["bad"])).rejects.toThrow(/SQL model "bad" reads column "items" of table default.orders, a list<int>; SQL reads columns of primitive types/);
  });
});
