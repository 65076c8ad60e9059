import { spawn } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { FileStore } from "./file-store.js";
import { describeObjectStore } from "./object-store.suite.js";
import { openStore } from "./open-store.js";

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "lakeloop-filestore-"));
  dirs.push(dir);
  return dir;
}
afterAll(async () => { for (const d of dirs) await rm(d, { recursive: true, force: true }); });

describeObjectStore("FileStore", async () => ({ store: await FileStore.open(await tempDir()), close: async () => {} }));

describe("FileStore", () => {
  it("lets exactly one of two processes win putIfAbsent", async () => {
    // The racers run the compiled FileStore (npm test compiles to dist/ before vitest).
    const dir = await tempDir();
    const here = path.dirname(fileURLToPath(import.meta.url));
    const compiled = pathToFileURL(path.resolve(here, "../../dist/lake/store/file-store.js")).href;
    const script = `
      const { FileStore } = await import(${JSON.stringify(compiled)});
      const store = await FileStore.open(process.argv[1]);
      const wins = [];
      for (let round = 0; round < 40; round++) {
        if (await store.putIfAbsent("metadata/v" + round + ".metadata.json", process.argv[2])) wins.push(round);
      }
      process.stdout.write(JSON.stringify(wins));`;
    const run = (me: string) => new Promise<number[]>((resolve, reject) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", script, dir, me]);
      let out = "";
      let err = "";
      child.stdout.on("data", (d) => (out += d));
      child.stderr.on("data", (d) => (err += d));
      child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`racer ${me} exited ${code}: ${err}`))));
    });
    const [a, b] = await Promise.all([run("a"), run("b")]);
    // Every version has exactly one winner, and the file holds the winner's bytes.
    expect([...a, ...b].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    const store = await FileStore.open(dir);
    for (const round of a) expect(new TextDecoder().decode(await store.get(`metadata/v${round}.metadata.json`))).toBe("a");
    for (const round of b) expect(new TextDecoder().decode(await store.get(`metadata/v${round}.metadata.json`))).toBe("b");
  });

  it("leaves no temp files behind and keeps keys inside the root", async () => {
    const dir = await tempDir();
    const store = await FileStore.open(dir);
    await store.put("x/y.txt", "1");
    await store.putIfAbsent("x/y.txt", "2");
    expect(await readdir(path.join(dir, "x"))).toEqual(["y.txt"]);
    await expect(store.get("../outside")).rejects.toThrow(/escapes the store root/);
  });

  it("opens file:// URIs, relative ones and bare paths, and rejects unknown schemes", async () => {
    const dir = await tempDir();
    expect((await openStore(pathToFileURL(dir).href)).root).toBe(pathToFileURL(dir).href);
    expect((await openStore(dir)).root).toBe(pathToFileURL(dir).href);
    const rel = path.relative(process.cwd(), dir);
    expect((await openStore(`file://./${rel}`)).root).toBe(pathToFileURL(dir).href);
    await expect(openStore("gs://bucket/x")).rejects.toThrow(/unsupported lake URI 'gs:\/\/bucket\/x'; use file:/);
  });
});
