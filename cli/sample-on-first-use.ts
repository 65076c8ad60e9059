// The embedded default lake gets its sample data on first use, so the README's first
// command works on a fresh machine; a lake the user chose is never written unasked.
import { writeSampleOnFirstUse } from "../engine/sample-data.js";
import type { CommandContext } from "./command.js";
import { progressOn } from "./progress.js";
import { openCatalog } from "../lake/open-catalog.js";

export async function ensureSampleOnDefaultLake(ctx: CommandContext, explicitLake: boolean): Promise<void> {
  // A lake the user chose, or tables that come from a REST catalog, are not seeded.
  if (explicitLake || ctx.env.LAKELOOP_CATALOG) return;
  const catalog = await openCatalog(await ctx.openLake(), ctx.env);
  const progress = progressOn(ctx.stderr);
  let first = true;
  const wrote = await writeSampleOnFirstUse(catalog, (line) => {
    // The notice stays on its own line; progress then rewrites one line.
    if (first) ctx.stderr.write(`${line}\n`);
    else progress.update(line);
    first = false;
  });
  if (!wrote) return;
  progress.done();
  ctx.stdout.write(`${wrote}\n`);
}
