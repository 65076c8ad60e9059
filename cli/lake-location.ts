// Where the lake is: `--lake URI`, else LAKELOOP_LAKE, else the embedded default
// under ./.lakeloop/lake. Pulls a leading or trailing --lake flag out of argv so every
// subcommand accepts it without declaring it.
import { DEFAULT_LAKE } from "../engine/default-lake.js";

export { DEFAULT_LAKE };

export interface LakeLocation {
  uri: string;
  /** argv with any `--lake URI` / `--lake=URI` removed. */
  rest: string[];
}

export function resolveLakeLocation(argv: string[], env: NodeJS.ProcessEnv): LakeLocation {
  const rest: string[] = [];
  let uri: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--lake") {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) throw new Error("--lake needs a URI (file:///abs/path or s3://bucket/prefix)");
      uri = value;
      i++;
    } else if (arg.startsWith("--lake=")) {
      uri = arg.slice("--lake=".length);
    } else {
      rest.push(arg);
    }
  }
  return { uri: uri ?? env.LAKELOOP_LAKE ?? DEFAULT_LAKE, rest };
}
