// Which catalog the lake's tables come from: `--catalog URL` (an Iceberg REST catalog),
// else LAKELOOP_CATALOG, else the lake folder itself. The choice travels in the
// environment every command, session and worker opens its Catalog with.
import { pullFlag } from "./pull-flag.js";

export interface CatalogOption {
  /** The environment with LAKELOOP_CATALOG set from --catalog, when given. */
  env: NodeJS.ProcessEnv;
  /** argv without --catalog and its value. */
  rest: string[];
}

export function resolveCatalogOption(argv: string[], env: NodeJS.ProcessEnv): CatalogOption {
  const { value, rest } = pullFlag(argv, "--catalog", "the URL of an Iceberg REST catalog (http://host:port or https://host/path)");
  return { env: value === undefined ? env : { ...env, LAKELOOP_CATALOG: value }, rest };
}
