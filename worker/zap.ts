// The worker's gatekeeper: a ZAP handler (ZeroMQ's authentication protocol, RFC 27)
// on the process's zeromq context. libzmq asks it about every CURVE handshake; a client
// whose public key is in the allow list of the socket's ZAP domain gets 200, any other
// gets 400 and the refusal is logged with the key's first characters (a public key:
// never a secret).
//
// There is one handler per process (libzmq looks for it at one inproc address), so each
// server registers its allow list under a domain of its own; the handler lives while any
// registration does. Servers set zapEnforceDomain, so without a handler libzmq refuses
// every client instead of letting them all in.
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

interface Registration {
  /** Read at every handshake, so a reloaded allow list applies to the next connection. */
  allow: Set<string>;
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

/** Registers a server's allow list; the returned domain goes on its socket. */
export async function registerAllowList(allow: Set<string>, refuse: (host: string, reason: string) => void): Promise<ZapRegistration> {
  const domain = `lakeloop-${process.pid}-${++nextDomain}`;
  domains.set(domain, { allow, refuse });
  if (!handler) handler = startHandler();
  try {
    await handler.ready;
  } catch (err) {
    domains.delete(domain);
    handler = undefined;
    throw new Error(`cannot start the CURVE authentication handler: ${(err as Error).message}`);
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
        const [version, requestId, domain, address, , mechanism, credentials] = frames;
        const registration = domains.get(domain?.toString() ?? "");
        const key = mechanism?.toString() === "CURVE" && credentials ? z85Encode(credentials) : "";
        const ok = registration !== undefined && key !== "" && registration.allow.has(key);
        if (!ok) {
          registration?.refuse(address?.toString() || "?", key ? `its key ${key.slice(0, 8)}… is not in the allow list` : `mechanism ${mechanism?.toString() ?? "?"} is not CURVE`);
        }
        await socket.send([version ?? "1.0", requestId ?? "", ok ? "200" : "400", ok ? "OK" : "not allowed", ok ? key.slice(0, 8) : "", ""]);
      }
    } catch {
      // the socket was closed: the last server is gone
    }
  });
  return { socket, ready };
}
