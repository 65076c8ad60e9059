import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { CreateBucketCommand } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "./file-store.js";
import { normalizeUri } from "./normalize-uri.js";
import { openStore } from "./open-store.js";
import { ReachStore } from "./reach-store.js";
import { S3Store } from "./s3-store.js";
import { startS3rver, type S3rverHandle } from "../../testing/s3rver.js";

describe("normalizeUri", () => {
  it("spells each location one way", () => {
    expect(normalizeUri("s3a://b/t/x.parquet")).toBe("s3://b/t/x.parquet");
    expect(normalizeUri("s3n://b/t")).toBe("s3://b/t");
    expect(normalizeUri("S3A://b/t")).toBe("s3://b/t");
    expect(normalizeUri("file:/tmp/wh/t/metadata/v1.metadata.json")).toBe("file:///tmp/wh/t/metadata/v1.metadata.json");
    expect(normalizeUri("file://localhost/tmp/x")).toBe("file:///tmp/x");
    expect(normalizeUri("/tmp/x")).toBe("file:///tmp/x");
    expect(normalizeUri("file:///tmp/x")).toBe("file:///tmp/x");
    expect(normalizeUri("hdfs://nn/x")).toBe("hdfs://nn/x");
  });
});

describe("ReachStore", () => {
  let s3: S3rverHandle;
  let dir: string;
  beforeAll(async () => {
    s3 = await startS3rver({ bucket: "lake" });
    dir = await mkdtemp(path.join(tmpdir(), "lakeloop-reach-"));
  });
  afterAll(async () => {
    await s3?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("keeps lake keys relative and keys other objects by their URI", async () => {
    const lake = await openStore(s3.uri("warehouse"), s3.env);
    const reach = ReachStore.of(lake, s3.env);
    expect(ReachStore.of(reach)).toBe(reach);
    expect(reach.keyOf("s3a://lake/warehouse/ns/t/data/f.parquet")).toBe("ns/t/data/f.parquet");
    expect(reach.keyOf("s3a://other/t/f.parquet")).toBe("s3://other/t/f.parquet");
    expect(reach.uriOf("s3://other/t/f.parquet")).toBe("s3://other/t/f.parquet");
    expect(reach.uriOf("ns/t")).toBe("s3://lake/warehouse/ns/t");
    await expect(reach.get("hdfs://nn/x")).rejects.toThrow(/cannot read 'hdfs:\/\/nn\/x': lakeloop reads s3:\/\/, s3a:\/\/, s3n:\/\/ and file:\/\/ locations/);
    await lake.close();
  });

  it("reads another bucket on the lake's endpoint and a local folder outside the lake", async () => {
    const lake = await openStore(s3.uri("warehouse"), s3.env);
    await (lake as S3Store).client.send(new CreateBucketCommand({ Bucket: "other" }));
    const reach = ReachStore.of(lake, s3.env);
    await reach.put("s3://other/t/f.txt", "in another bucket");
    expect(new TextDecoder().decode(await reach.get(reach.keyOf("s3a://other/t/f.txt")))).toBe("in another bucket");
    expect((await reach.list("s3://other/t/")).map((o) => o.key)).toEqual(["s3://other/t/f.txt"]);

    const local = await FileStore.open(path.join(dir, "exported"));
    await local.put("t/metadata/v1.metadata.json", "{}");
    const key = reach.keyOf(`file:${path.join(dir, "exported/t/metadata/v1.metadata.json")}`); // Hadoop's file:/ spelling
    expect(key).toBe(pathToFileURL(path.join(dir, "exported/t/metadata/v1.metadata.json")).href);
    expect((await reach.head(key))?.size).toBe(2);
    expect((await reach.list(pathToFileURL(path.join(dir, "exported/t/metadata")).href + "/")).map((o) => o.key)).toEqual([key]);
    await reach.close();
    await lake.close();
  });
});
