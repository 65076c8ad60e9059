// Models with npm packages, through a session and a real worker process: two versions of
// one package in one run, installs reported as events and reused the next time, a
// failed install that fails its model before it runs while the worker keeps serving, an
// undeclared import refused, and the time and heap limits ending only their own model.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Session } from "../engine/session.js";
import type { NodeEvent } from "../protocol/messages.js";

let dir: string;
let session: Session;

const versionModel = (name: string, version: string) => `
model("${name}", {}, async () => {
  const isNumber = (await import("is-number")).default;
  const pkg = (await import("is-number/package.json", { with: { type: "json" } })).default;
  return [{ version: pkg.version, five: isNumber(5) }];
}, { runtime: { npm: { "is-number": "${version}" } } });`;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "lakeloop-sandbox-"));
  const env = { ...process.env, LAKELOOP_CACHE: path.join(dir, "cache"), LAKELOOP_PACKAGES: path.join(dir, "packages") };
  session = await Session.open({ lake: `file://${dir}/lake`, env });
});
afterAll(async () => {
  await session?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("models with npm packages", () => {
  it("runs two versions of one package side by side in one run", async () => {
    await session.applyCell("a", versionModel("seven", "7.0.0"));
    await session.applyCell("b", versionModel("six", "6.0.0"));
    const events: NodeEvent[] = [];
    const report = await session.run(undefined, (e) => events.push(e));
    expect(report.nodes.map((n) => [n.name, n.action, n.error])).toEqual([["seven", "ran", undefined], ["six", "ran", undefined]]);
    const rows = async (model: string) => (await session.result(model)).toArray().map((r) => ({ ...r }));
    expect(await rows("seven")).toEqual([{ version: "7.0.0", five: true }]);
    expect(await rows("six")).toEqual([{ version: "6.0.0", five: true }]);
    const installs = events.filter((e) => e.type === "install");
    expect(installs.map((e) => `${e.package}@${e.version}`).sort()).toEqual(["is-number@6.0.0", "is-number@7.0.0"]);
    expect(installs.every((e) => !e.cached && e.bytes > 0)).toBe(true);
  }, 120_000);

  it("installs nothing when the environment exists (an edit re-runs the model)", async () => {
    await session.applyCell("a", versionModel("seven", "7.0.0").replace("five: isNumber(5)", "five: isNumber(5), edited: 1"));
    const events: NodeEvent[] = [];
    const report = await session.run(["seven"], (e) => events.push(e));
    expect(report.nodes.find((n) => n.name === "seven")?.action).toBe("ran");
    expect(events.filter((e) => e.type === "install")).toEqual([]); // no install happened
  }, 60_000);

  it("fails a model whose package does not exist, before it runs, and keeps serving", async () => {
    await session.applyCell("c", `model("broken", {}, async () => [{ x: 1 }], { runtime: { npm: { "lakeloop-surely-no-such-package-4711": "1.0.0" } } });`);
    const report = await session.run(["broken"]);
    const broken = report.nodes.find((n) => n.name === "broken")!;
    expect(broken.action).toBe("failed");
    expect(broken.error).toMatch(/the packages of model "broken" could not be installed: npm package "lakeloop-surely-no-such-package-4711" does not exist in the registry/);
    session.removeCell("c");
    expect((await session.run(["six"])).nodes.find((n) => n.name === "six")?.action).toBe("reused");
  }, 60_000);

  it("refuses an import the model did not declare, naming the package", async () => {
    await session.applyCell("d", `model("sneaky", {}, async () => { await import("is-odd"); return [{ x: 1 }]; }, { runtime: { npm: { "is-number": "7.0.0" } } });`);
    const sneaky = (await session.run(["sneaky"])).nodes.find((n) => n.name === "sneaky")!;
    expect(sneaky.action).toBe("failed");
    expect(sneaky.error).toMatch(/model "sneaky" threw: cannot import "is-odd": package "is-odd" is not in the model's runtime\.npm \(declared: is-number\)/);
    session.removeCell("d");
  }, 60_000);

  it("ends an endless model and a runaway allocation at their limits, alone, and keeps serving", async () => {
    await session.applyCell("e", `model("spin", {}, async () => { for (;;) {} }, { timeoutMs: 1000, runtime: { npm: { "is-number": "7.0.0" } } });`);
    await session.applyCell("f", `model("hog", {}, async () => { const keep = []; for (;;) keep.push(new Array(1e6).fill(1)); }, { memoryMb: 64 });`);
    await session.applyCell("g", `model("after", {}, async () => { const isNumber = (await import("is-number")).default; return [{ ok: isNumber(1) }]; }, { runtime: { npm: { "is-number": "7.0.0" } } });`);
    const report = await session.run(["spin", "hog", "after"]);
    const byName = Object.fromEntries(report.nodes.map((n) => [n.name, n]));
    expect(byName.spin).toMatchObject({ action: "failed", error: expect.stringMatching(/model "spin" ran longer than its 1000 ms limit \(timeoutMs\) and was stopped/) });
    expect(byName.hog).toMatchObject({ action: "failed", error: expect.stringMatching(/model "hog" ran out of memory \(limit 64 MB, memoryMb\)/) });
    expect(byName.after?.action).toBe("ran");
    expect((await session.result("after")).toArray().map((r) => ({ ...r }))).toEqual([{ ok: true }]);
    // The same worker serves the next run.
    session.removeCell("e");
    session.removeCell("f");
    await session.applyCell("g", `model("after", {}, async () => { const isNumber = (await import("is-number")).default; return [{ ok: isNumber("x") }]; }, { runtime: { npm: { "is-number": "7.0.0" } } });`);
    expect((await session.run(["after"])).nodes.find((n) => n.name === "after")?.action).toBe("ran");
    expect((await session.result("after")).toArray().map((r) => ({ ...r }))).toEqual([{ ok: false }]);
  }, 60_000);
});
