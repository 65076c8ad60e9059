// Entry point of the `lakeloop` command: finds the lake location, picks the
// subcommand, prints help, and turns user errors into one clear line and exit code.
import { commands } from "./commands/index.js";
import { UsageError, type Command, type CommandContext } from "./command.js";
import { resolveCatalogOption } from "./catalog-option.js";
import { checkLakeLocation } from "./check-lake.js";
import { DEFAULT_LAKE, resolveLakeLocation } from "./lake-location.js";
import type { ObjectStore } from "../lake/store/object-store.js";

const GLOBAL_HELP = `Global options:
  --lake URI     the lake: file:///abs/path, file://./relative, or s3://bucket/prefix
                 (default: $LAKELOOP_LAKE, else file://./.lakeloop/lake)
  --catalog URL  take the tables from an Iceberg REST catalog instead of the lake
                 folder (default: $LAKELOOP_CATALOG; README: "Your existing lake")
  -h, --help     show help (also after a command: lakeloop <command> --help)

Environment: LAKELOOP_LAKE, LAKELOOP_CACHE (cache dir), LAKELOOP_S3_ENDPOINT,
AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (any S3-compatible endpoint);
LAKELOOP_PACKAGES (models' npm package store), LAKELOOP_NPM_REGISTRY;
LAKELOOP_WORKER, LAKELOOP_WORKER_KEY, LAKELOOP_CLIENT_KEY (a remote worker over CURVE),
LAKELOOP_WORKER_TIMEOUT_MS, LAKELOOP_WORKER_RECONNECT_MS, LAKELOOP_S3_TIMEOUT_MS;
LAKELOOP_CATALOG, LAKELOOP_CATALOG_WAREHOUSE, LAKELOOP_CATALOG_TOKEN,
LAKELOOP_CATALOG_CREDENTIAL (an Iceberg REST catalog).`;

export function formatHelp(list: Command[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  const lines = list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `lakeloop — iterate on data pipelines over an Iceberg lake\n\nUsage: lakeloop [command] [options]   (no command: the REPL)\n\nCommands:\n${lines.join("\n")}\n\n${GLOBAL_HELP}\n`;
}

export async function main(argv: string[], io: Pick<CommandContext, "stdout" | "stderr" | "env"> = {
  stdout: process.stdout, stderr: process.stderr, env: process.env,
}): Promise<number> {
  let location;
  try {
    const catalog = resolveCatalogOption(argv, io.env);
    io = { ...io, env: catalog.env };
    location = resolveLakeLocation(catalog.rest, io.env);
  } catch (err) {
    io.stderr.write(`lakeloop: ${(err as Error).message}\n`);
    return 2;
  }
  // `lakeloop` alone opens the REPL (the README's main job).
  const [name = "repl", ...args] = location.rest;
  if (name === "--help" || name === "-h" || name === "help") {
    io.stdout.write(formatHelp(commands));
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`lakeloop: unknown command '${name}'. Commands: ${commands.map((c) => c.name).join(", ")}. Run 'lakeloop --help'.\n`);
    return 2;
  }
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout.write(command.usage.endsWith("\n") ? command.usage : command.usage + "\n");
    return 0;
  }
  const stores = new Map<string, ObjectStore>();
  const lakeGiven = location.uri !== DEFAULT_LAKE;
  const ctx: CommandContext = {
    ...io,
    args,
    lakeGiven,
    openLake: async (uri = location.uri) => {
      let store = stores.get(uri);
      if (!store) {
        const use = command.lake ?? "creates";
        const embeddedDefault = uri === DEFAULT_LAKE && !lakeGiven;
        // With a REST catalog the tables are the catalog's: the embedded lake only holds the cache's neighbours.
        const catalogOnly = embeddedDefault && Boolean(io.env.LAKELOOP_CATALOG);
        await checkLakeLocation(uri, use === "creates" || (use === "seeds-default" && embeddedDefault) || catalogOnly);
        const { openStore } = await import("../lake/store/open-store.js");
        store = await openStore(uri, io.env);
        stores.set(uri, store);
      }
      return store;
    },
  };
  try {
    return await command.run(ctx);
  } catch (err) {
    const e = err as Error & { code?: string };
    // Named errors are user-facing: one line, no stack. Anything else is a bug: show the stack.
    const userFacing = err instanceof UsageError || typeof e.code === "string";
    io.stderr.write(`lakeloop ${name}: ${userFacing ? e.message : (e.stack ?? String(err))}\n`);
    return err instanceof UsageError ? 2 : 1;
  } finally {
    for (const store of stores.values()) await store.close();
  }
}
