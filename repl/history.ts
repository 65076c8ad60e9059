// The REPL's history, kept across sessions in a file beside the cache (one JSON string
// per line, so multi-line cells survive), bounded to the last 1,000 entries.
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

export function historyFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(path.dirname(path.resolve(env.LAKELOOP_CACHE ?? "./.lakeloop/cache")), "repl-history");
}

export function loadHistory(file: string): string[] {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as string).slice(-1000);
  } catch {
    return [];
  }
}

export function appendHistory(file: string, entry: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  appendFileSync(file, JSON.stringify(entry) + "\n");
}
