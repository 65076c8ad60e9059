// The worker's gatekeeper: a ZAP handler (ZeroMQ's authentication protocol, RFC 27) on
// the process's zeromq context. A CURVE client whose public key is in the allow list
// gets 200; any other gets 400, and the refusal is logged with the key's fingerprint
// (never a secret).
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

export interface ZapHandler {
  close(): void;
}

export async function startZapHandler(allow: Set<string>, log: (line: string) => void): Promise<ZapHandler> {
  const socket = new Reply({ linger: 0 });
  await socket.bind("inproc://zeromq.zap.01");
  void (async () => {
    try {
      for await (const frames of socket) {
        const [version, requestId, , address, , mechanism, credentials] = frames;
        const key = mechanism?.toString() === "CURVE" && credentials ? z85Encode(credentials) : "";
        const ok = key !== "" && allow.has(key);
        if (!ok) log(`refused a client from ${address?.toString() || "?"}: ${key ? `its key ${key.slice(0, 8)}… is not in the allow list` : `mechanism ${mechanism?.toString() ?? "?"} is not CURVE`}`);
        await socket.send([version ?? "1.0", requestId ?? "", ok ? "200" : "400", ok ? "OK" : "not allowed", ok ? key.slice(0, 8) : "", ""]);
      }
    } catch {
      // closed
    }
  })();
  return { close: () => socket.close() };
}
