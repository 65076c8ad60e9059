// `lakeloop catalog serve`: the lake as an Iceberg REST catalog for other engines, until
// interrupted.
import { startCatalogServer } from "../../lake/catalog-rest/catalog-server.js";
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { openCatalog } from "../../lake/open-catalog.js";

export const catalogCommand: Command = {
  name: "catalog",
  lake: "reads",
  summary: "serve the lake as an Iceberg REST catalog (catalog serve)",
  usage: `Usage: lakeloop catalog serve [--listen HOST:PORT] [--token TOKEN] [--credential ID:SECRET]

Serves the lake's tables over the Iceberg REST catalog protocol, for Spark, Trino,
PyIceberg, DuckDB and lakeloop itself (--catalog http://127.0.0.1:8181): config,
namespaces, tables, loading a table, and commits that add snapshots and move
branches (checked against every requirement, published atomically as the next
metadata version, like lakeloop's own commits). Tables lakeloop must not commit to
(registered, another catalog's naming, format v1) are served read-only.

  --listen       address to listen on (default 127.0.0.1:8181; loopback only
                 unless a token or credential is set)
  --token        clients must send "Authorization: Bearer TOKEN"
                 (default: $LAKELOOP_CATALOG_SERVE_TOKEN)
  --credential   OAuth2 client credentials id:secret that /v1/oauth/tokens exchanges
                 for tokens (default: $LAKELOOP_CATALOG_SERVE_CREDENTIAL)`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs("catalog", ctx.args, {
      listen: { type: "string" }, token: { type: "string" }, credential: { type: "string" },
    });
    if (positionals.length !== 1 || positionals[0] !== "serve") throw new UsageError("catalog has one subcommand: lakeloop catalog serve [--listen HOST:PORT]");
    const credentialText = values.credential ?? ctx.env.LAKELOOP_CATALOG_SERVE_CREDENTIAL;
    const colon = credentialText?.indexOf(":") ?? -1;
    if (credentialText !== undefined && (colon <= 0 || colon === credentialText.length - 1)) throw new UsageError("--credential must be client-id:client-secret");
    // Serve the lake folder itself, even when this shell points lakeloop at a REST catalog.
    const catalog = await openCatalog(await ctx.openLake(), { ...ctx.env, LAKELOOP_CATALOG: undefined });
    const server = await startCatalogServer({
      catalog,
      listen: values.listen ?? "127.0.0.1:8181",
      token: values.token ?? (ctx.env.LAKELOOP_CATALOG_SERVE_TOKEN || undefined),
      credential: credentialText ? { id: credentialText.slice(0, colon), secret: credentialText.slice(colon + 1) } : undefined,
      log: (line) => ctx.stderr.write(line + "\n"),
    });
    ctx.stdout.write(`lakeloop catalog serving ${catalog.store.root} at ${server.url}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    await server.close();
    return 0;
  },
};
