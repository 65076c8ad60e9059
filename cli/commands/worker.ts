// `lakeloop worker`: the data-plane process, on a zeromq endpoint; `worker keygen`
// writes a CurveZMQ key pair. A worker on anything but loopback requires CURVE.
import { resolveLakeLocation } from "../lake-location.js";
import { parseCommandArgs, parsePositiveInt } from "../args.js";
import { UsageError, type Command } from "../command.js";
import { isLoopbackEndpoint } from "../../secrets/loopback.js";
import { isCredentialName } from "../../secrets/redact.js";

export const workerCommand: Command = {
  name: "worker",
  summary: "run a worker (the data plane) on a zeromq endpoint; `worker keygen` makes CURVE keys",
  usage: `Usage: lakeloop worker [--listen tcp://HOST:PORT] [--key FILE --allow FILE] [--cache DIR] [--memory BYTES]
       lakeloop worker keygen [--dir DIR] [--name NAME]
       lakeloop worker --status

Serves lakeloop's worker protocol. Sessions spawn a local worker themselves; run this
to share one worker or to put it on a bigger machine (see the README, "Run the worker
on EC2").

  --listen   endpoint to bind (default tcp://127.0.0.1:0, a free port; printed once ready).
             Without --key every local user can reach a loopback worker: on a shared
             machine give it --key and --allow
  --key      the worker's key file (from keygen): turns on CurveZMQ encryption and
             authentication; required on any address but loopback
  --allow    file of client public keys (one per line) the worker accepts; re-read on
             SIGHUP (systemctl reload), so clients are added or removed without a restart
  --cache    directory of the disk cache (default $LAKELOOP_CACHE or ./.lakeloop/cache)
  --memory   bytes for resident outputs (default a quarter of the machine's memory)
  --client-timeout MS  a client silent this long has vanished: its runs are cancelled
             (default 10000; clients ping every 2 s)
  --session-stdin  read a password and credentials from standard input (one JSON
             line) and admit only clients that give the password; how a session starts
             its own worker on a private ipc:// socket, without secrets in its environment
  --status   say which paths a worker on this machine takes (the native DuckDB bridge
             or the JavaScript path, and why) and exit

keygen writes DIR/NAME.key (secret, mode 600) and DIR/NAME.pub (default ./.lakeloop/keys,
name worker). Clients connect with LAKELOOP_WORKER=tcp://HOST:PORT,
LAKELOOP_WORKER_KEY=<the worker's .pub> and LAKELOOP_CLIENT_KEY=<their own .key>.

Environment: LAKELOOP_LAKE (the lake), LAKELOOP_CACHE, LAKELOOP_CACHE_MEMORY, and
LAKELOOP_S3_TIMEOUT_MS (an S3 request hanging this long is abandoned and retried;
default 30000). Credentials never appear in its log or its replies.`,
  async run(ctx) {
    if (ctx.args[0] === "--status") {
      const { describeWorkerPaths } = await import("../../worker/worker-paths.js");
      ctx.stdout.write(describeWorkerPaths() + "\n");
      return 0;
    }
    if (ctx.args[0] === "keygen") {
      const { values } = parseCommandArgs("worker keygen", ctx.args.slice(1), { dir: { type: "string" }, name: { type: "string" } });
      const { writeKeyPair } = await import("../../secrets/curve-keys.js");
      const { secretFile, publicFile, keys } = await writeKeyPair(values.dir ?? "./.lakeloop/keys", values.name ?? "worker");
      ctx.stdout.write(`wrote ${secretFile} (secret, keep it on this machine) and ${publicFile}\npublic key: ${keys.publicKey}\n`);
      return 0;
    }
    const { values } = parseCommandArgs("worker", ctx.args, {
      listen: { type: "string" }, cache: { type: "string" }, memory: { type: "string" }, "parent-pid": { type: "string" },
      key: { type: "string" }, allow: { type: "string" }, "client-timeout": { type: "string" }, "session-stdin": { type: "boolean" },
    });
    const listen = values.listen ?? "tcp://127.0.0.1:0";
    if (!/^(tcp|ipc):\/\//.test(listen)) throw new UsageError(`--listen needs a zeromq endpoint like tcp://127.0.0.1:5555, got '${listen}'`);
    if (!values.key && !isLoopbackEndpoint(listen)) {
      throw new UsageError(`a worker listening on ${listen} (not loopback) must use CURVE: run 'lakeloop worker keygen', then pass --key .lakeloop/keys/worker.key --allow <file of client public keys>`);
    }
    if (Boolean(values.key) !== Boolean(values.allow)) throw new UsageError("--key and --allow go together: the worker's key pair and the clients it accepts");
    if (values["session-stdin"] && values.key) throw new UsageError("--session-stdin and --key exclude each other: a worker admits clients by password or by CURVE key");
    const handoff = values["session-stdin"] ? await (await import("../../secrets/session-handoff.js")).readHandoff(process.stdin) : undefined;
    // The session's credentials join this process's env for its own code (the S3 client,
    // redaction); the environment block it started with, which models can read, stays without them.
    if (handoff) Object.assign(ctx.env, handoff.env);
    else warnOfCredentials(ctx);
    let curve: { secretKey: string; allow: Set<string> } | undefined;
    if (values.key && values.allow) {
      const { readAllowList, readKeyPair } = await import("../../secrets/curve-keys.js");
      const pair = await readKeyPair(values.key, "--key");
      curve = { secretKey: pair.secretKey, allow: await readAllowList(values.allow) };
      if (curve.allow.size === 0) throw new UsageError(`${values.allow} lists no client keys: no client could connect`);
    }
    const lake = resolveLakeLocation([], ctx.env).uri;
    const { startWorker } = await import("../../worker/main.js");
    const worker = await startWorker({
      listen, lake: (await ctx.openLake()).root ?? lake, cacheDir: values.cache, env: ctx.env, curve, password: handoff?.password,
      clientTimeoutMs: values["client-timeout"] ? parsePositiveInt("client-timeout", values["client-timeout"], 100) : undefined,
      memoryBudget: values.memory ? parsePositiveInt("memory", values.memory, 0) : undefined,
      parentPid: values["parent-pid"] ? Number(values["parent-pid"]) : undefined,
      log: (line) => ctx.stderr.write(`[worker] ${line}\n`),
    });
    const admits = curve ? ` (CURVE, ${curve.allow.size} client key(s) allowed)` : handoff ? " (the session's clients only)" : "";
    ctx.stdout.write(`lakeloop worker listening on ${worker.endpoint}${admits}\n`);
    // The ZAP handler reads the set at every handshake: refilling it in place applies
    // the new list to the next connection (connected clients stay until they leave).
    const reload = () => {
      if (!curve || !values.allow) return;
      void import("../../secrets/curve-keys.js").then(({ readAllowList }) => readAllowList(values.allow!)).then((keys) => {
        curve.allow.clear();
        keys.forEach((k) => curve.allow.add(k));
        ctx.stderr.write(`[worker] reloaded ${values.allow}: ${keys.size} client key(s) allowed\n`);
      }, (err: Error) => ctx.stderr.write(`[worker] kept the previous allow list: ${err.message}\n`));
    };
    process.on("SIGHUP", reload);
    await new Promise<void>((resolve) => {
      const stop = () => void worker.stop().then(resolve);
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    process.off("SIGHUP", reload);
    return 0;
  },
};

/**
 * A worker started by hand with credentials in its environment holds them where a model
 * can read them (/proc/self/environ): say so once, naming the variables, never a value.
 */
function warnOfCredentials(ctx: { env: NodeJS.ProcessEnv; stderr: NodeJS.WritableStream }): void {
  const names = Object.keys(ctx.env).filter((n) => isCredentialName(n) && ctx.env[n]);
  if (names.length === 0) return;
  ctx.stderr.write(`[worker] note: ${names.join(", ")} ${names.length === 1 ? "is" : "are"} in this worker's environment, which the models it runs can read ` +
    "(/proc/self/environ); on EC2 give it an instance role instead (README, \"What a model can reach\")\n");
}
