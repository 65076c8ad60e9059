// `lakeloop worker`: the data-plane process, on a zeromq endpoint.
import { resolveLakeLocation } from "../lake-location.js";
import { parseCommandArgs, parsePositiveInt } from "../args.js";
import { UsageError, type Command } from "../command.js";

export const workerCommand: Command = {
  name: "worker",
  summary: "run a worker (the data plane) on a zeromq endpoint",
  usage: `Usage: lakeloop worker [--listen tcp://HOST:PORT] [--cache DIR] [--memory BYTES]

Serves lakeloop's worker protocol. Sessions spawn a local worker themselves; run this
to share one worker or to put it on a bigger machine (see the README).

  --listen   endpoint to bind (default tcp://127.0.0.1:0, a free port; printed once ready)
  --cache    directory of the disk cache (default $LAKELOOP_CACHE or ./.lakeloop/cache)
  --memory   bytes for resident outputs (default a quarter of the machine's memory)`,
  async run(ctx) {
    const { values } = parseCommandArgs("worker", ctx.args, {
      listen: { type: "string" }, cache: { type: "string" }, memory: { type: "string" }, "parent-pid": { type: "string" },
    });
    const listen = values.listen ?? "tcp://127.0.0.1:0";
    if (!/^(tcp|ipc):\/\//.test(listen)) throw new UsageError(`--listen needs a zeromq endpoint like tcp://127.0.0.1:5555, got '${listen}'`);
    const lake = resolveLakeLocation([], ctx.env).uri;
    const { startWorker } = await import("../../worker/main.js");
    const worker = await startWorker({
      listen, lake: (await ctx.openLake()).root ?? lake, cacheDir: values.cache, env: ctx.env,
      memoryBudget: values.memory ? parsePositiveInt("memory", values.memory, 0) : undefined,
      parentPid: values["parent-pid"] ? Number(values["parent-pid"]) : undefined,
      log: (line) => ctx.stderr.write(`[worker] ${line}\n`),
    });
    ctx.stdout.write(`lakeloop worker listening on ${worker.endpoint}\n`);
    await new Promise<void>((resolve) => {
      const stop = () => void worker.stop().then(resolve);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    return 0;
  },
};
