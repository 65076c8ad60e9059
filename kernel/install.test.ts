import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { installKernelSpec } from "./install.js";

let prefix: string;
beforeAll(async () => { prefix = await mkdtemp(path.join(tmpdir(), "lakeloop-kernelspec-")); });
afterAll(async () => { await rm(prefix, { recursive: true, force: true }); });

const specOf = async (dir: string) => JSON.parse(await readFile(path.join(dir, "kernel.json"), "utf8")) as { display_name: string; env?: Record<string, string> };

describe("kernel install", () => {
  it("names the kernel NAME (TypeScript) unless a display name is given", async () => {
    expect((await specOf(await installKernelSpec({ prefix }))).display_name).toBe("lakeloop (TypeScript)");
    expect((await specOf(await installKernelSpec({ prefix, name: "lake-prod" }))).display_name).toBe("lake-prod (TypeScript)");
    const spec = await specOf(await installKernelSpec({ prefix, name: "lake-s3", displayName: "Lake on S3", lake: "s3://bucket/lake" }));
    expect(spec.display_name).toBe("Lake on S3");
    expect(spec.env).toEqual({ LAKELOOP_LAKE: "s3://bucket/lake" });
  });
});
