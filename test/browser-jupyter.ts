// For the browser test: Debian's classic Jupyter Notebook server on 127.0.0.1 (a token,
// a temp notebook dir, the caller's Jupyter paths), and Debian's Chromium, headless,
// driven by playwright-core with a fresh profile and every request off the loopback
// interface refused.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createServer } from "node:net";
import { chromium, type BrowserContext } from "playwright-core";

export const JUPYTER_NOTEBOOK = "/usr/bin/jupyter-notebook";
export const CHROMIUM = "/usr/bin/chromium";

export interface NotebookServer {
  /** http://127.0.0.1:PORT */
  base: string;
  token: string;
  /** Everything the server wrote, for a failing test to show. */
  log(): string;
  stop(): Promise<void>;
}

/** A port free right now on 127.0.0.1 (the server moves on to the next if it is taken meanwhile). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once("exit", () => resolve()));
}

/** Starts `jupyter-notebook` serving `notebookDir`; resolves once it says where it listens. */
export async function startNotebookServer(notebookDir: string, env: NodeJS.ProcessEnv): Promise<NotebookServer> {
  const token = randomBytes(24).toString("hex");
  const args = [
    "--no-browser", "--ip=127.0.0.1", `--port=${await freePort()}`, "--port-retries=50",
    `--NotebookApp.token=${token}`, `--notebook-dir=${notebookDir}`,
    ...(process.getuid?.() === 0 ? ["--allow-root"] : []),
  ];
  const child = spawn(JUPYTER_NOTEBOOK, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  const base = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const at = /is running at:\s*\n.*?(http:\/\/127\.0\.0\.1:\d+)\//.exec(output);
      if (at) resolve(at[1]!);
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", read);
    child.once("error", (err) => reject(new Error(`${JUPYTER_NOTEBOOK} could not start (${err.message}); .ci/run installs Debian's jupyter-notebook`)));
    child.once("exit", (code) => reject(new Error(`${JUPYTER_NOTEBOOK} exited with code ${code} before serving:\n${output}`)));
  });
  return {
    base, token,
    log: () => output,
    // SIGTERM: the server shuts its kernels down, then exits.
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited(child);
    },
  };
}

const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
  "--disable-sync", "--no-first-run", "--disable-quic",
];

const isLoopback = (url: URL) => ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname) || /^127\./.test(url.hostname);

/** Chromium with a fresh profile in `userDataDir`; requests that would leave the machine are aborted and listed in `refused`. */
export async function launchChromium(userDataDir: string): Promise<{ context: BrowserContext; refused: string[] }> {
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 900 },
  });
  const refused: string[] = [];
  await context.route((url) => (url.protocol === "http:" || url.protocol === "https:" || url.protocol === "ws:" || url.protocol === "wss:") && !isLoopback(url), async (route) => {
    refused.push(route.request().url());
    await route.abort();
  });
  return { context, refused };
}
