// The shape of one `lakeloop` subcommand: its name, one-line summary, usage text for
// `--help`, and a runner that returns the process exit code.
import type { ObjectStore } from "../lake/store/object-store.js";

export interface CommandContext {
  /** Arguments after the subcommand name. */
  args: string[];
  /** The lake from --lake or LAKELOOP_LAKE (default file://./.lakeloop/lake), opened on first use. */
  openLake(): Promise<ObjectStore>;
  /** The lake was chosen (--lake or LAKELOOP_LAKE), not the embedded default. */
  lakeGiven: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export interface Command {
  name: string;
  summary: string;
  /** Full help text printed by `lakeloop <name> --help`. */
  usage: string;
  run(ctx: CommandContext): Promise<number>;
}

/** A user error: printed as `lakeloop <cmd>: <message>` without a stack, exit code 1. */
export class UsageError extends Error {
  readonly code = "USAGE";
  override name = "UsageError";
}
