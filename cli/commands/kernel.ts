// `lakeloop kernel`: the Jupyter kernel (what Jupyter runs) and its installation.
import { parseCommandArgs } from "../args.js";
import { UsageError, type Command } from "../command.js";

export const kernelCommand: Command = {
  name: "kernel",
  summary: "the Jupyter kernel: `kernel install`, or run with --connection-file",
  usage: `Usage: lakeloop kernel install [--user | --prefix DIR] [--name NAME] [--display-name TEXT] [--lake URI]
       lakeloop kernel --connection-file FILE

install            write the kernelspec (default: the user's Jupyter data dir,
                   ~/.local/share/jupyter/kernels/lakeloop)
  --prefix DIR     install under DIR/share/jupyter/kernels (a virtualenv, a CI prefix)
  --name NAME      kernel name (default lakeloop)
  --display-name   the name Jupyter shows (default "NAME (TypeScript)")
  --lake URI       the lake the kernel opens (default: $LAKELOOP_LAKE, else .lakeloop/lake
                   in the folder Jupyter starts it in, with sample data on first use)
--connection-file  run the kernel (Jupyter passes this)`,
  async run(ctx) {
    const { values, positionals } = parseCommandArgs("kernel", ctx.args, {
      "connection-file": { type: "string" }, user: { type: "boolean" }, prefix: { type: "string" }, name: { type: "string" }, "display-name": { type: "string" }, lake: { type: "string" },
    });
    if (positionals[0] === "install") {
      if (values.user && values.prefix) throw new UsageError("choose --user or --prefix, not both");
      const { installKernelSpec } = await import("../../kernel/install.js");
      const dir = await installKernelSpec({ prefix: values.prefix, name: values.name, displayName: values["display-name"], lake: values.lake });
      ctx.stdout.write(`installed the lakeloop kernelspec in ${dir}\n`);
      return 0;
    }
    if (positionals.length || !values["connection-file"]) throw new UsageError("use 'lakeloop kernel install' or 'lakeloop kernel --connection-file FILE'");
    const { Kernel } = await import("../../kernel/kernel.js");
    // The embedded default lake (the notebook's folder's .lakeloop/lake) gets the sample
    // data in the first cell that runs, as the REPL does on first use; a lake the user
    // chose, or tables from a REST catalog, are never written unasked.
    const lake = ctx.lakeGiven ? (await ctx.openLake()).root : undefined;
    const sampleOnFirstUse = !ctx.lakeGiven && !ctx.env.LAKELOOP_CATALOG;
    const kernel = await Kernel.fromConnectionFile(values["connection-file"], { lake, env: ctx.env, sampleOnFirstUse });
    await kernel.start();
    // Jupyter may interrupt by signal as well as by message.
    process.on("SIGINT", () => kernel.interrupt());
    // A kernel whose Jupyter is gone (killed, crashed) would live on as an orphan with
    // its worker; Jupyter names itself in JPY_PARENT_PID, so the kernel watches it.
    const parent = Number(ctx.env.JPY_PARENT_PID);
    if (parent > 1) {
      setInterval(() => {
        try {
          process.kill(parent, 0);
        } catch {
          setTimeout(() => process.exit(1), 5000).unref();
          void kernel.close().finally(() => process.exit(0));
        }
      }, 2000).unref();
    }
    await kernel.finished;
    return 0;
  },
};
