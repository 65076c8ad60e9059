// What a session hands the worker it spawns, over the worker's standard input (a pipe
// only the two processes hold): the password its clients must give. Never on the
// command line (any local user can list it) or in the environment. One JSON line, read
// once at start; the session closes the pipe after writing it.
import { randomBytes } from "node:crypto";

export interface SessionHandoff {
  /** What clients give to be admitted (ZMQ PLAIN, on the session's private socket). */
  password: string;
}

export function newPassword(): string {
  return randomBytes(32).toString("base64url");
}

export function writeHandoff(stdin: NodeJS.WritableStream, handoff: SessionHandoff): void {
  stdin.end(`${JSON.stringify(handoff)}\n`);
}

/** Reads the handoff from `input` (the worker's stdin) up to its end. */
export async function readHandoff(input: NodeJS.ReadableStream): Promise<SessionHandoff> {
  let text = "";
  for await (const chunk of input) text += String(chunk);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error("--session-stdin: standard input did not hold the session's handoff (one JSON line); this flag is for sessions that spawn their own worker");
  }
  const password = (parsed as { password?: unknown }).password;
  if (typeof password !== "string" || password.length < 16) throw new Error("--session-stdin: the handoff holds no password");
  return { password };
}
