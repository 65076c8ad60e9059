// The worker's gatekeeper: a ZAP handler (ZeroMQ's authentication protocol, RFC 27)
// on the process's zeromq context. libzmq asks it about every handshake. On a CURVE
// socket a client whose public key is in the allow list of the socket's ZAP domain gets
// 200; on a PLAIN socket (a session's own local worker, on a private ipc:// socket) a
// client that gives the session's password does. Any other gets 400 and the refusal is
// logged (with a public key's first characters: never a secret).
//
// There is one handler per process (libzmq looks for it at one inproc address), so each
// server registers its allow list under a domain of its own; the handler lives while any
// registration does. Servers set zapEnforceDomain, so without a handler libzmq refuses
// every client instead of letting them all in.
import { timingSafeEqual } from "node:crypto";
import { Reply } from "zeromq";

const Z85 = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

export function z85Encode(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i]! << 24) >>> 0) + (bytes[i + 1]! << 16) + (bytes[i + 2]! << 8) + bytes[i + 3]!;
    let chunk = "";
    for (let k = 0; k < 5; k++) { chunk = Z85[value % 85]! + chunk; value = Math.floor(value / 85); }
    out += chunk;
  }
  return out;
}

/** Who may connect: CURVE clients by public key, or PLAIN clients by one password. */
export type Gate =
  /** `allow` is read at every handshake, so a reloaded allow list applies to the next connection. */
  | { kind: "curve"; allow: Set<string> }
  | { kind: "plain"; password: string };

interface Registration {
  gate: Gate;
  refuse(host: string, reason: string): void;
}

const domains = new Map<string, Registration>();
let handler: { socket: Reply; ready: Promise<void> } | undefined;
let nextDomain = 0;

export interface ZapRegistration {
  /** The ZAP domain to set on the server socket (`zapDomain`). */
  domain: string;
  close(): void;
}

/** Registers a server's gate; the returned domain goes on its socket. */
export async function registerGate(gate: Gate, refuse: (host: string, reason: string) => void): Promise<ZapRegistration> {
  const domain = `lakeloop-${process.pid}-${++nextDomain}`;
  domains.set(domain, { gate, refuse });
  if (!handler) handler = startHandler();
  try {
    await handler.ready;
  } catch (err) {
    domains.delete(domain);
    handler = undefined;
    throw new Error(`cannot start the authentication handler: ${(err as Error).message}`);
  }
  return {
    domain,
    close: () => {
      if (!domains.delete(domain) || domains.size > 0 || !handler) return;
      handler.socket.close();
      handler = undefined;
    },
  };
}

function startHandler(): { socket: Reply; ready: Promise<void> } {
  const socket = new Reply({ linger: 0 });
  const ready = socket.bind("inproc://zeromq.zap.01");
  void ready.then(async () => {
    try {
      for await (const frames of socket) {
        const [version, requestId, domain, address, , mechanism, ...credentials] = frames;
        const registration = domains.get(domain?.toString() ?? "");
        const verdict = registration ? judge(registration.gate, mechanism?.toString() ?? "?", credentials) : { user: "", refused: "no server has this ZAP domain" };
        if (verdict.refused) registration?.refuse(address?.toString() || "?", verdict.refused);
        await socket.send([version ?? "1.0", requestId ?? "", verdict.refused ? "400" : "200", verdict.refused ? "not allowed" : "OK", verdict.refused ? "" : verdict.user, ""]);
      }
    } catch {
      // the socket was closed: the last server is gone
    }
  });
  return { socket, ready };
}

/** A handshake's verdict: the user id to report when admitted, else why it was refused. */
function judge(gate: Gate, mechanism: string, credentials: Buffer[]): { user: string; refused?: string } {
  if (gate.kind === "curve") {
    const key = mechanism === "CURVE" && credentials[0] ? z85Encode(credentials[0]) : "";
    if (!key) return { user: "", refused: `mechanism ${mechanism} is not CURVE` };
    return gate.allow.has(key) ? { user: key.slice(0, 8) } : { user: "", refused: `its key ${key.slice(0, 8)}… is not in the allow list` };
  }
  if (mechanism !== "PLAIN") return { user: "", refused: `mechanism ${mechanism} is not PLAIN: it does not know the session's password` };
  const given = credentials[1] ?? Buffer.alloc(0);
  const expected = Buffer.from(gate.password);
  return given.length === expected.length && timingSafeEqual(given, expected) ? { user: "session" } : { user: "", refused: "it gave a wrong password" };
}
