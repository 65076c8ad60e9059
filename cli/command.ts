// The shape of one `lakeloop` subcommand: its name, one-line summary, usage text for
// `--help`, and a runner that returns the process exit code.
import type { ObjectStore } from "../lake/store/object-store.js";

export interface CommandContext {
  /** Arguments after the subcommand name. */
  args: string[];
  /**
   * The lake from --lake or LAKELOOP_LAKE (default file://./.lakeloop/lake), opened on
   * first use after checking its location; `uri` opens another one the command chose
   * (a project's lakeloop.json).
   */
  openLake(uri?: string): Promise<ObjectStore>;
  /** The lake was chosen (--lake or LAKELOOP_LAKE), not the embedded default. */
  lakeGiven: boolean;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/**
 * What a command does with a lake that does not exist yet: "creates" it (sample,
 * import, tour; the default for commands that do not say), "reads" (refuses: a
 * reading command never creates a lake), or "seeds-default" (creates only the
 * embedded default lake, with its sample data, on first use).
 */
export type LakeUse = "creates" | "reads" | "seeds-default";

export interface Command {
  name: string;
  lake?: LakeUse;
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
