// `lakeloop repl` (and `lakeloop` alone): the terminal REPL on the lake; on piped input
// it runs the script cell by cell and prints plain text.
import type { Command } from "../command.js";
import { ensureSampleOnDefaultLake } from "../sample-on-first-use.js";

export const replCommand: Command = {
  name: "repl",
  lake: "seeds-default",
  summary: "the interactive REPL (the default command); piped input runs as a script",
  usage: `Usage: lakeloop [repl] [--lake URI]
       lakeloop repl < script.ts

Opens the REPL on the lake (the embedded default gets sample data on first use).
Cells are TypeScript, '%%sql name [--materialize]' or '%%expect name [--model m]
[--warn]'; Enter runs a complete cell, otherwise adds a line; .help lists the
commands (.plan, .param, .dag, .models, .tables, .describe, .cache, .worker, .more,
.clear, .exit).
Piped input: cells separated by blank lines, plain-text output, exit code 1 when a
cell failed or a blocking expectation failed.`,
  async run(ctx) {
    if (ctx.args.length) throw Object.assign(new Error(`unexpected argument '${ctx.args[0]}'; see 'lakeloop repl --help'`), { code: "USAGE" });
    await ensureSampleOnDefaultLake(ctx, ctx.lakeGiven);
    const store = await ctx.openLake();
    const { startRepl } = await import("../../repl/start-repl.js");
    return startRepl({ lake: store.root, env: ctx.env, stdin: process.stdin, stdout: process.stdout });
  },
};
