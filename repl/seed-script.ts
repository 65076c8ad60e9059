// What `lakeloop` runs when it has neither a terminal nor a script (`npx lakeloop
// < /dev/null`, a CI log): the seed example's two models as REPL cells, so the main
// command always shows the pipeline working instead of silently doing nothing.
import { readFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

function seedDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, "../..") : path.resolve(here, "..");
  return path.join(root, "examples", "seed");
}

export async function seedScript(): Promise<string> {
  const dir = seedDir();
  const model = await readFile(path.join(dir, "euro_selection.ts"), "utf8");
  const sql = (await readFile(path.join(dir, "usd_by_country.sql"), "utf8")).split("\n").filter((l) => !l.startsWith("--")).join("\n").trim();
  // The model file is one cell: blank lines inside it must not split it.
  return `${model.replace(/\n\s*\n/g, "\n")}\n\n%%sql usd_by_country --materialize\n${sql}\n\n.dag\n`;
}
