// The rooms of docs/architecture-notes.md hold: every import in the project follows the
// rules of .dependency-cruiser.cjs (front ends through engine/ only, the engine never in
// the worker's inside, the ground floor importing nothing above it, no import cycles).
// `npm run check:rooms` prints the same check for a person.
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { cruise } from "dependency-cruiser";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const ROOMS = ["cli", "kernel", "repl", "engine", "protocol", "worker", "sandbox", "cache", "lake", "columnar", "secrets"];

describe("the rooms", () => {
  it("every import follows the room rules, and no file imports itself through others", async () => {
    const config = require(path.join(root, ".dependency-cruiser.cjs"));
    const cwd = process.cwd();
    process.chdir(root);
    try {
      const result = await cruise(ROOMS, { ...config.options, ruleSet: { forbidden: config.forbidden }, validate: true }, undefined,
        { tsConfig: { fileName: "tsconfig.json" } } as never);
      const output = result.output as { summary: { violations: { from: string; to: string; rule: { name: string }; cycle?: { name: string }[] }[]; totalCruised: number } };
      // The check saw the project (a wrong folder list would pass with nothing cruised).
      expect(output.summary.totalCruised).toBeGreaterThan(300);
      const violations = output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.cycle ? v.cycle.map((c) => c.name).join(" → ") : v.to}`);
      expect(violations).toEqual([]);
    } finally {
      process.chdir(cwd);
    }
  }, 120_000);

  it("the rules catch a front end reaching past the engine", async () => {
    const config = require(path.join(root, ".dependency-cruiser.cjs"));
    const rule = config.forbidden.find((r: { name: string }) => r.name === "kernel-imports-engine");
    expect(rule).toBeDefined();
    expect(new RegExp(rule.to.path).test("lake/iceberg/catalog.ts")).toBe(true);
    expect(new RegExp(rule.to.path).test("engine/session.ts")).toBe(false);
  });
});
