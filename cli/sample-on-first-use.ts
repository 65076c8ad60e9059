// The embedded default lake gets its sample data on first use, so the README's first
// command works on a fresh machine; a lake the user chose is never written unasked.
import { Catalog } from "../lake/iceberg/catalog.js";
import { SAMPLE_TABLE } from "../lake/ingest/sample.js";
import type { CommandContext } from "./command.js";
import { DEFAULT_LAKE } from "./lake-location.js";
import { sampleCommand } from "./commands/sample.js";

export async function ensureSampleOnDefaultLake(ctx: CommandContext, explicitLake: boolean): Promise<void> {
  // A lake the user chose, or tables that come from a REST catalog, are not seeded.
  if (explicitLake || ctx.env.LAKELOOP_CATALOG) return;
  const store = await ctx.openLake();
  const catalog = await Catalog.open(store, ctx.env);
  if (await catalog.tableExists(SAMPLE_TABLE)) return;
  ctx.stderr.write(`The default lake (${DEFAULT_LAKE}) has no sample data yet: writing it once.\n`);
  const code = await sampleCommand.run({ ...ctx, args: [] });
  if (code !== 0) throw Object.assign(new Error("could not write the sample data"), { code: "SAMPLE_FAILED" });
}
