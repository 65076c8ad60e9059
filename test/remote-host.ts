// Test helper: a "remote" machine for the worker, as remote as this machine allows.
//  - netns: as root with `ip netns`, a network namespace joined to this one by a veth
//    pair: the worker has its own network stack and address (10.x.y.2), the client
//    reaches it through a real (virtual) link, and the link can be cut and mended to
//    make the worker unreachable without killing it.
//  - loopback: otherwise a loopback address (127.0.0.x on Linux, which routes all of
//    127/8 to lo; 127.0.0.1 elsewhere), with CURVE forced on all the same. Never a
//    non-loopback address of this machine: tests reach the network only through
//    namespaces they make.
// Every test file says which one ran.
import { execFile } from "node:child_process";
import { createServer, connect, type Server, type Socket } from "node:net";
import { promisify } from "node:util";

const run = promisify(execFile);

export interface RemoteHost {
  kind: "netns" | "loopback";
  /** The address the worker listens on. */
  address: string;
  /** One line for the test output: what "remote" means in this run. */
  description: string;
  /** The command that starts `command args` on the worker's host. */
  command(command: string, args: string[]): { command: string; args: string[] };
  /** Makes the worker unreachable (packets dropped both ways, no connection reset); netns only. */
  cut?(): Promise<void>;
  mend?(): Promise<void>;
  /** Makes a TCP port of this side (on 127.0.0.1) reachable from the worker's host: the host:port to use there. */
  expose(port: number): Promise<string>;
  close(): Promise<void>;
}

let made = 0;

async function tryNetns(): Promise<RemoteHost | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  // Names and a /30 of their own, so test files running side by side never collide.
  const id = (process.pid * 8 + made++) % 100_000;
  const ns = `llw${id}`;
  const outside = `llh${id}`;
  const inside = `llp${id}`;
  const net = `10.${64 + (id % 64)}.${(id >> 6) % 256}`;
  const base = ((id >> 14) % 64) * 4;
  const [hostIp, workerIp] = [`${net}.${base + 1}`, `${net}.${base + 2}`];
  const steps: string[][] = [
    ["netns", "add", ns],
    ["link", "add", outside, "type", "veth", "peer", "name", inside],
    ["link", "set", inside, "netns", ns],
    ["addr", "add", `${hostIp}/30`, "dev", outside],
    ["link", "set", outside, "up"],
    ["-n", ns, "addr", "add", `${workerIp}/30`, "dev", inside],
    ["-n", ns, "link", "set", inside, "up"],
    ["-n", ns, "link", "set", "lo", "up"],
  ];
  const teardown = async () => {
    await run("ip", ["link", "del", outside]).catch(() => {});
    await run("ip", ["netns", "del", ns]).catch(() => {});
  };
  try {
    for (const step of steps) await run("ip", step);
  } catch {
    await teardown();
    return undefined;
  }
  const relays: Server[] = [];
  const sockets = new Set<Socket>();
  return {
    kind: "netns",
    address: workerIp,
    description: `a network namespace (${ns}) joined by a veth pair: the worker at ${workerIp}, this side at ${hostIp}`,
    command: (command, args) => ({ command: "ip", args: ["netns", "exec", ns, command, ...args] }),
    cut: async () => { await run("ip", ["link", "set", outside, "down"]); },
    mend: async () => { await run("ip", ["link", "set", outside, "up"]); },
    expose: async (port) => {
      // A relay on this side's end of the link: the namespace has its own loopback.
      const relay = createServer((inbound) => {
        const outbound = connect(port, "127.0.0.1");
        sockets.add(inbound).add(outbound);
        inbound.pipe(outbound).pipe(inbound);
        const end = () => { inbound.destroy(); outbound.destroy(); sockets.delete(inbound); sockets.delete(outbound); };
        inbound.on("error", end).on("close", end);
        outbound.on("error", end).on("close", end);
      });
      await new Promise<void>((resolve) => relay.listen(0, hostIp, resolve));
      relays.push(relay);
      return `${hostIp}:${(relay.address() as { port: number }).port}`;
    },
    close: async () => {
      sockets.forEach((s) => s.destroy());
      await Promise.all(relays.map((r) => new Promise((resolve) => r.close(resolve))));
      await teardown();
    },
  };
}

/** The best kind this machine allows; LAKELOOP_TEST_REMOTE=loopback (any value) takes the fallback on purpose. */
export async function openRemoteHost(): Promise<RemoteHost> {
  const wanted = process.env.LAKELOOP_TEST_REMOTE;
  const netns = wanted ? undefined : await tryNetns();
  if (netns) return netns;
  // An address of its own per test file where the OS allows, so side-by-side files never share one.
  const address = process.platform === "linux" ? `127.0.0.${2 + (process.pid % 250)}` : "127.0.0.1";
  const why = wanted ? `LAKELOOP_TEST_REMOTE=${wanted}` : "not root, or no 'ip netns'";
  return {
    kind: "loopback",
    address,
    description: `no network namespace (${why}): loopback, ${address}, with CURVE forced on`,
    command: (command, args) => ({ command, args }),
    expose: async (port) => `127.0.0.1:${port}`,
    close: async () => {},
  };
}
