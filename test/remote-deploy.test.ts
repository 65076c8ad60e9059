// The deployment files hold together: the user data is valid bash, the systemd unit
// passes `systemd-analyze verify` where systemd is installed, and the unit's own command
// line (its paths swapped for temporary ones) starts a CURVE worker on every address
// that its ExecReload signal makes re-read the allow list.
import { execFile, spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileStore } from "../lake/store/file-store.js";
import { bin, makeKeys, pickPort, root, tempDir, until, type Keys } from "./remote-worker-process.js";

const run = promisify(execFile);
const deploy = path.join(root, "worker", "deploy");
let temp: { dir: string; remove(): Promise<void> };
let keys: Keys;

beforeAll(async () => {
  temp = await tempDir("lakeloop-remote-deploy-");
  keys = await makeKeys(temp.dir);
});
afterAll(async () => { await temp?.remove(); });

describe("worker/deploy", () => {
  it("the EC2 user data is valid bash and installs the unit that ships beside it", async () => {
    const script = path.join(deploy, "ec2-user-data.sh");
    await run("bash", ["-n", script]);
    const text = await readFile(script, "utf8");
    expect(text).toContain("worker/deploy/lakeloop-worker.service");
    expect(text).toMatch(/lakeloop worker keygen --dir \/etc\/lakeloop\/keys --name worker/);
    expect(text).not.toMatch(/AWS_SECRET_ACCESS_KEY|AWS_ACCESS_KEY_ID/); // S3 through the instance role only
  });

  it("the unit verifies with systemd (where systemd-analyze exists; CI installs it)", async (ctx) => {
    const found = await run("which", ["systemd-analyze"]).then(() => true, () => false);
    // Skipped in plain sight, with the reason, on a machine without systemd.
    if (!found) return ctx.skip("no systemd-analyze on this machine (apt-get install systemd): the unit was not verified by systemd");
    const copy = path.join(temp.dir, "lakeloop-worker.service");
    await writeFile(copy, await readFile(path.join(deploy, "lakeloop-worker.service")));
    await run("systemd-analyze", ["verify", copy]);
  });

  it("the unit's command line starts a CURVE worker on every address, and its reload re-reads the allow list", async () => {
    const unit = await readFile(path.join(deploy, "lakeloop-worker.service"), "utf8");
    const execStart = /^ExecStart=\/usr\/bin\/env lakeloop (.+)$/m.exec(unit)?.[1];
    expect(execStart).toBeDefined();
    expect(unit).toMatch(/^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
    const port = pickPort();
    const args = execStart!
      .replace("${LAKELOOP_PORT}", String(port))
      .replace("/etc/lakeloop/keys/worker.key", keys.workerFile)
      .replace("/etc/lakeloop/allowed-clients", keys.allowFile)
      .replace("/var/lib/lakeloop/cache", path.join(temp.dir, "cache"))
      .split(" ");
    expect(args).toEqual(["worker", "--listen", `tcp://0.0.0.0:${port}`, "--key", keys.workerFile, "--allow", keys.allowFile, "--cache", path.join(temp.dir, "cache")]);
    const lake = (await FileStore.open(path.join(temp.dir, "lake"))).root;
    const child = spawn(process.execPath, [bin, ...args], { env: { ...process.env, LAKELOOP_LAKE: lake }, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => { out += d; });
    child.stderr.on("data", (d) => { err += d; });
    try {
      await until("the worker listening", () => out.includes(`listening on tcp://0.0.0.0:${port} (CURVE, 1 client key(s) allowed)`) || child.exitCode !== null);
      expect(out, err).toContain("(CURVE, 1 client key(s) allowed)");
      await writeFile(keys.allowFile, `${keys.client.publicKey}\n${keys.stranger.publicKey}\n`);
      child.kill("SIGHUP");
      await until("the allow list re-read", () => err.includes("2 client key(s) allowed"));
    } finally {
      child.kill("SIGTERM");
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    }
    expect(child.exitCode).toBe(0);
  }, 60_000);
});
