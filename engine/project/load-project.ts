// A project folder: `lakeloop.json` (optional: { "lake", "models", "targets" }), every
// `.ts` file a cell of model definitions (its path is where errors point), every
// `name.sql` file the SQL model `name` — materialized when its first line is
// `-- lakeloop: materialize` (or `-- lakeloop: materialize=table`, and
// `overwrite-input` after it to materialize onto a table the model reads), or the
// expectation `name` when it is `-- lakeloop: expect [--model m] [--warn]`.
import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import type { Session } from "../session.js";
import { DefinitionError } from "../model/definition.js";

export interface ProjectConfig {
  lake?: string;
  models?: string;
  targets?: string[];
}

export async function readProjectConfig(dir: string): Promise<ProjectConfig> {
  const file = path.join(dir, "lakeloop.json");
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as ProjectConfig;
  } catch (err) {
    throw new DefinitionError("BAD_PROJECT", `${file} is not valid JSON: ${(err as Error).message}`);
  }
}

export async function loadProject(session: Session, dir: string, config: ProjectConfig): Promise<string[]> {
  const root = path.resolve(dir, config.models ?? ".");
  let entries: string[];
  try {
    entries = (await readdir(root, { recursive: true })).map(String).filter((f) => /\.(ts|sql)$/.test(f) && !f.endsWith(".d.ts") && !f.includes("node_modules")).sort();
  } catch {
    throw new DefinitionError("BAD_PROJECT", `no project folder at ${root}`);
  }
  if (entries.length === 0) throw new DefinitionError("BAD_PROJECT", `${root} holds no .ts or .sql model files`);
  const models: string[] = [];
  for (const entry of entries) {
    const file = path.join(root, entry);
    const cell = path.relative(process.cwd(), file) || entry;
    const source = await readFile(file, "utf8");
    if (entry.endsWith(".sql")) {
      const name = path.basename(entry, ".sql");
      const expectation = /^\s*--\s*lakeloop:\s*expect\b([^\n]*)/.exec(source);
      if (expectation) {
        const body = source.split("\n").map((line, i) => (i === 0 ? "" : line)).join("\n");
        models.push(...(await session.applyCell(cell, `%%expect ${name} ${expectation[1]!.trim()}\n${body}`, { sqlBodyLine: 1 })).models);
        continue;
      }
      const header = /^\s*--\s*lakeloop:\s*materialize(?:=(\S+))?(\s+overwrite-input)?/.exec(source);
      const body = source.split("\n").map((line, i) => (i === 0 && header ? "" : line)).join("\n");
      const flag = header ? (header[1] ? ` --materialize=${header[1]}` : " --materialize") + (header[2] ? " --overwrite-input" : "") : "";
      // The %%sql header is ours: the file's first line is the line under it.
      models.push(...(await session.applyCell(cell, `%%sql ${name}${flag}\n${body}`, { sqlBodyLine: 1 })).models);
    } else {
      models.push(...(await session.applyCell(cell, source)).models);
    }
  }
  // Files may name models of files loaded after them, so the project is checked whole.
  await session.check();
  return models;
}
