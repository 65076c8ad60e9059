// `lakeloop run`'s controls, read from its flags: `--param name=value` (repeatable),
// `--cache on|off`, `--preview head|tail|none [N]`, `--strict`. Bad flags are usage
// errors naming the flag and the value.
import { parsePositiveInt } from "./args.js";
import { UsageError } from "./command.js";

export interface PreviewControl {
  mode: "head" | "tail" | "none";
  rows?: number;
}

/**
 * `--preview tail 5` as one flag value (`--preview tail:5`), so the count is not taken
 * for a positional argument. Other arguments pass through.
 */
export function joinPreviewCount(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const inline = /^--preview=(.*)$/.exec(arg);
    const value = inline ? inline[1] : arg === "--preview" ? args[i + 1] : undefined;
    if (value === undefined) {
      out.push(arg);
      continue;
    }
    if (!inline) i++;
    const count = args[i + 1];
    if (count !== undefined && /^\d[\d_]*$/.test(count) && !value.includes(":")) {
      out.push(`--preview=${value}:${count}`);
      i++;
    } else out.push(`--preview=${value}`);
  }
  return out;
}

export function parsePreview(value: string | undefined): PreviewControl {
  if (value === undefined) return { mode: "head" };
  const [mode, count] = value.split(":");
  if (mode !== "head" && mode !== "tail" && mode !== "none") throw new UsageError(`--preview must be head, tail or none (with a row count after head or tail), got '${value}'`);
  if (count === undefined) return { mode };
  if (mode === "none") throw new UsageError(`--preview none takes no row count, got '${value}'`);
  return { mode, rows: parsePositiveInt("preview", count, 10, 10_000) };
}

export function parseCache(value: string | undefined): "on" | "off" {
  if (value === undefined || value === "on" || value === "off") return value ?? "on";
  throw new UsageError(`--cache must be on or off, got '${value}'`);
}

/** `name=value` pairs, in order; the value is everything after the first `=` (it may hold spaces or `=`). */
export function parseParams(values: string[] | undefined): [string, string][] {
  return (values ?? []).map((text) => {
    const at = text.indexOf("=");
    const name = at < 0 ? text : text.slice(0, at);
    if (at < 0 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UsageError(`--param takes name=value (e.g. --param start=2023-02-01), got '${text}'`);
    return [name, text.slice(at + 1)];
  });
}
