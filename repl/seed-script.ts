// What `lakeloop` runs when it has neither a terminal nor a script (`npx lakeloop
// < /dev/null`, a CI log): the seed example's two models as REPL cells, so the main
// command always shows the pipeline working instead of silently doing nothing.
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { packageRoot } from "../engine/package-root.js";

export async function seedScript(): Promise<string> {
  const dir = path.join(packageRoot(), "examples", "seed");
  const model = await readFile(path.join(dir, "euro_selection.ts"), "utf8");
  const sql = (await readFile(path.join(dir, "usd_by_country.sql"), "utf8")).split("\n").filter((l) => !l.startsWith("--")).join("\n").trim();
  // The model file is one cell: blank lines inside it must not split it.
  return `${model.replace(/\n\s*\n/g, "\n")}\n\n%%sql usd_by_country --materialize\n${sql}\n\n.dag\n`;
}
