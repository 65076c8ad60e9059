// Branches are Iceberg refs, checked with an Iceberg reader lakeloop did not write
// (icebird): before a merge it reads main's rows, after it the merged rows; a branch's
// and a tag's snapshot are named in each table's `refs`. icebird 0.3 reads a table's
// current snapshot only (it has no way to ask for a ref by name), so the test reads
// the branch's snapshot by giving icebird the metadata with the snapshot the ref names.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { icebergMetadata, icebergRead } from "icebird";
import { Duck } from "../../../columnar/duckdb.js";
import { writeDataFiles } from "../../ingest/write-data-files.js";
import { openStore } from "../../store/open-store.js";
import type { ObjectStore } from "../../store/object-store.js";
import { startS3rver, type S3rverHandle } from "../../../testing/s3rver.js";
import { sendS3ToLocal } from "../../../testing/s3-fetch.js";
import { Catalog } from "../catalog.js";
import { createRef } from "./branch-ops.js";
import { commitOnRef } from "./commit-on-ref.js";
import { LakeView } from "./lake-view.js";
import { mergeRefs } from "./merge.js";
import { openCatalog } from "../../open-catalog.js";

let s3: S3rverHandle;
let store: ObjectStore;
let duck: Duck;
let restoreFetch: (() => void) | undefined;

beforeAll(async () => {
  s3 = await startS3rver();
  store = await openStore(s3.uri("warehouse"), s3.env);
  duck = await Duck.open();
  // icebird reads s3:// through https://bucket.s3.amazonaws.com: send those to s3rver.
  restoreFetch = sendS3ToLocal(s3.endpoint);
});
afterAll(async () => {
  restoreFetch?.();
  duck?.close();
  await store?.close();
  await s3?.stop();
});

/** Replaces the table's rows on a ref with `n` rows (id, id * factor). */
async function writeRows(catalog: Catalog, ref: string, n: number, factor: number): Promise<number> {
  const view = await LakeView.open(catalog, ref);
  const raw = await catalog.loadTable("scores");
  const files = await writeDataFiles(raw, duck, `SELECT range AS id, range * ${factor} AS score FROM range(${n})`);
  return (await commitOnRef(view, raw, { operation: "replace", files })).snapshotId;
}

const rowsOf = (rows: Record<string, unknown>[]) => rows.map((r) => [Number(r.id), Number(r.score)]).sort((a, b) => a[0]! - b[0]!);
const expected = (n: number, factor: number) => Array.from({ length: n }, (_, i) => [i, i * factor]);

describe("branches as Iceberg refs, read by icebird", () => {
  it("names the branch and tag snapshots in refs, and icebird reads the merged snapshot", async () => {
    const catalog = await openCatalog(store);
    const table = await catalog.createTable("scores", [{ name: "id", type: "long", required: false }, { name: "score", type: "long", required: false }]);
    const main0 = await writeRows(catalog, "main", 100, 2);
    await createRef(catalog, "v1", "tag");
    await createRef(catalog, "dev", "branch");
    const dev1 = await writeRows(catalog, "dev", 150, 3);

    const metadata = await icebergMetadata({ tableUrl: table.location });
    expect(metadata["current-snapshot-id"]).toBe(main0);
    expect(metadata.refs).toEqual({
      main: { "snapshot-id": main0, type: "branch" },
      v1: { "snapshot-id": main0, type: "tag" },
      dev: { "snapshot-id": dev1, type: "branch" },
    });
    const named = metadata.snapshots!.find((s) => s["snapshot-id"] === dev1)!;
    expect(named["parent-snapshot-id"]).toBe(main0);
    // main as icebird reads it: untouched by the branch.
    expect(rowsOf(await icebergRead({ tableUrl: table.location }))).toEqual(expected(100, 2));
    // The snapshot the branch's ref names, read by icebird.
    const onDev = { ...metadata, "current-snapshot-id": (metadata.refs as Record<string, { "snapshot-id": number }>).dev!["snapshot-id"] };
    expect(rowsOf(await icebergRead({ tableUrl: table.location, metadata: onDev }))).toEqual(expected(150, 3));

    await mergeRefs(catalog, "dev");
    const merged = await icebergMetadata({ tableUrl: table.location });
    expect(merged["current-snapshot-id"]).toBe(dev1);
    expect((merged.refs as Record<string, unknown>).main).toEqual({ "snapshot-id": dev1, type: "branch" });
    expect((merged.refs as Record<string, unknown>).v1).toEqual({ "snapshot-id": main0, type: "tag" });
    expect(rowsOf(await icebergRead({ tableUrl: table.location }))).toEqual(expected(150, 3));
  });
});
