// Where the lake is: `--lake URI`, else LAKELOOP_LAKE, else the embedded default
// under ./.lakeloop/lake. Pulls a leading or trailing --lake flag out of argv so every
// subcommand accepts it without declaring it.
import { DEFAULT_LAKE } from "../engine/default-lake.js";
import { pullFlag } from "./pull-flag.js";

export { DEFAULT_LAKE };

export interface LakeLocation {
  uri: string;
  /** argv with any `--lake URI` / `--lake=URI` removed. */
  rest: string[];
}

export function resolveLakeLocation(argv: string[], env: NodeJS.ProcessEnv): LakeLocation {
  const { value, rest } = pullFlag(argv, "--lake", "a URI (file:///abs/path or s3://bucket/prefix)");
  return { uri: value ?? env.LAKELOOP_LAKE ?? DEFAULT_LAKE, rest };
}
