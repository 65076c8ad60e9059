// A lake with a table another engine wrote (read-only to lakeloop: Athena's layout)
// still gets branches: the branch reads that table at its start from the lake's log,
// its metadata is left as the other engine wrote it, and writes to it are refused.
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../../store/file-store.js";
import { Catalog } from "../catalog.js";
import { putFixtureTable } from "../../../testing/iceberg-fixtures.js";
import { createRef } from "./branch-ops.js";
import { commitOnRef } from "./commit-on-ref.js";
import { LakeView } from "./lake-view.js";
import { openCatalog } from "../../open-catalog.js";

let dir: string;
let catalog: Catalog;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-foreign-branches-"));
  const store = await FileStore.open(dir);
  await putFixtureTable(store, "icebird/athena/example", "athena/example");
  catalog = await openCatalog(store, {});
});
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

describe("branches over a table lakeloop must not commit to", () => {
  it("reads it on the branch at its start, leaves its metadata alone, refuses writes to it", async () => {
    const main = await (await LakeView.open(catalog)).loadTable("athena.example");
    expect(main.readOnly).toBeTruthy();
    const before = await readdir(path.join(dir, "athena/example/metadata"));
    await createRef(catalog, "dev", "branch");
    expect(await readdir(path.join(dir, "athena/example/metadata"))).toEqual(before);
    const onDev = await (await LakeView.open(catalog, "dev")).loadTable("athena.example");
    expect(onDev.currentSnapshot()!["snapshot-id"]).toBe(main.currentSnapshot()!["snapshot-id"]);
    expect((await onDev.dataFiles()).length).toBe((await main.dataFiles()).length);
    await expect(commitOnRef(await LakeView.open(catalog, "dev"), await catalog.loadTable("athena.example"), { operation: "append", files: [] }))
      .rejects.toMatchObject({ code: "READ_ONLY" });
  });
});
