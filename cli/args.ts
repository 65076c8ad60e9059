// Strict argument parsing for subcommands: node's parseArgs, with its errors turned
// into usage errors that name the command.
import { parseArgs } from "node:util";
import { UsageError } from "./command.js";

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }>;

export interface ParsedCommandArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  positionals: string[];
}

export function parseCommandArgs<T extends OptionSpec>(command: string, args: string[], options: T): {
  values: { [K in keyof T]?: T[K]["type"] extends "string" ? string : boolean };
  positionals: string[];
} {
  try {
    const parsed = parseArgs({ args, options, allowPositionals: true, strict: true }) as ParsedCommandArgs;
    return parsed as never;
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify a positional.*$/s, "")}. Run 'lakeloop ${command} --help'.`);
  }
}

/**
 * A flag's whole positive number: digits only (1_000_000 may group them), up to `max`
 * — not "abc", "1e3", "0x10", "2.5" or a number past what the flag can use.
 */
export function parsePositiveInt(name: string, value: string | undefined, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  const n = /^\d+(_\d+)*$/.test(value.trim()) ? Number(value.trim().replace(/_/g, "")) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got '${value}'`);
  if (n > max) throw new UsageError(`--${name} must be at most ${max.toLocaleString("en-US")}, got '${value}'`);
  return n;
}
