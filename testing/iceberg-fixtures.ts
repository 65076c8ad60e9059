// Tests' access to the tables other engines wrote (lake/iceberg/fixtures): put one,
// byte for byte, under any prefix of any store, as a copy, a mount or an upload would.
import { readdir, readFile } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import type { ObjectStore } from "../lake/store/object-store.js";

/** The fixtures folder in the sources (the tests also run from dist/). */
export const FIXTURES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "lake/iceberg/fixtures").replace(`${path.sep}dist${path.sep}`, path.sep);

/** Relative paths of every file of a fixture table, e.g. "metadata/v5.metadata.json". */
export async function fixtureFiles(table: string): Promise<string[]> {
  const root = path.join(FIXTURES, table);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join("/")).sort();
}

/** Copies the fixture table (e.g. "icebird/spark/bunnies") to `prefix` in `store`; `only` keeps some files out. */
export async function putFixtureTable(store: ObjectStore, table: string, prefix: string, only: (file: string) => boolean = () => true): Promise<string[]> {
  const files = (await fixtureFiles(table)).filter(only);
  await Promise.all(files.map(async (file) => store.put(`${prefix}/${file}`, await readFile(path.join(FIXTURES, table, file)))));
  return files;
}
