// What a session hands the worker it spawns, over the worker's standard input (a pipe
// only the two processes hold), never on its command line (every local user can list
// it) or in its environment (a model can read /proc/self/environ): the password its
// clients must give, and the credential-like variables of the session's environment
// (S3 keys, tokens). The worker puts those into its process.env, which changes what its
// own code reads but not the environment block it was started with, so the process
// that runs models starts, and stays, without them. One JSON line, read once at start.
import { randomBytes } from "node:crypto";
import { isCredentialName } from "./redact.js";

export interface SessionHandoff {
  /** What clients give to be admitted (ZMQ PLAIN, on the session's private socket). */
  password: string;
  /** Credential-like variables, kept out of the worker's environment block. */
  env: Record<string, string>;
}

export function newPassword(): string {
  return randomBytes(32).toString("base64url");
}

/** The session's environment split into what the worker may start with and the credentials it is handed. */
export function splitCredentials(env: NodeJS.ProcessEnv): { plain: NodeJS.ProcessEnv; credentials: Record<string, string> } {
  const plain: NodeJS.ProcessEnv = {};
  const credentials: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (isCredentialName(name)) credentials[name] = value;
    else plain[name] = value;
  }
  return { plain, credentials };
}

export function writeHandoff(stdin: NodeJS.WritableStream, handoff: SessionHandoff): void {
  stdin.end(`${JSON.stringify(handoff)}\n`);
}

/** Reads the handoff from `input` (the worker's stdin) up to its end. */
export async function readHandoff(input: NodeJS.ReadableStream): Promise<SessionHandoff> {
  let text = "";
  for await (const chunk of input) text += String(chunk);
  let parsed: { password?: unknown; env?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new Error("--session-stdin: standard input did not hold the session's handoff (one JSON line); this flag is for sessions that spawn their own worker");
  }
  if (typeof parsed.password !== "string" || parsed.password.length < 16) throw new Error("--session-stdin: the handoff holds no password");
  const env = parsed.env && typeof parsed.env === "object" ? parsed.env as Record<string, unknown> : {};
  return { password: parsed.password, env: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => typeof e[1] === "string")) };
}
