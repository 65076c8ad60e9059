// Framing of protocol messages on zeromq: the first frame is UTF-8 JSON, any further
// frames are Arrow IPC bytes. Decoding validates the version and the message type so a
// malformed or foreign message becomes an error reply, never a crash.
import { PROTOCOL_VERSION, type ErrorInfo, type Reply, type Request } from "./messages.js";
import { checkRequestFields } from "./validate-request.js";

const REQUEST_TYPES = new Set<Request["type"]>(["hello", "run", "cancel", "fetch", "has", "diff", "status", "ping", "release", "bye"]);
const REPLY_TYPES = new Set<Reply["type"]>([
  "welcome", "event", "preview", "run-finished", "batch", "fetch-finished", "has", "diff", "status", "pong", "ok", "error",
]);

/** The message as frames, stamped with the protocol's version. */
export function encodeMessage(message: Request | Reply, data: Uint8Array[] = []): Uint8Array[] {
  return [Buffer.from(JSON.stringify({ v: PROTOCOL_VERSION, ...message })), ...data];
}

export type Decoded<T> = { ok: true; message: T; data: Uint8Array[] } | { ok: false; id: string; error: ErrorInfo };

function decode<T extends { type: string }>(frames: Uint8Array[], types: Set<string>, what: string): Decoded<T> {
  const [head, ...data] = frames;
  if (!head) return { ok: false, id: "", error: { code: "PROTOCOL_MALFORMED", message: `empty ${what}` } };
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(head.buffer, head.byteOffset, head.byteLength).toString("utf8"));
  } catch {
    return { ok: false, id: "", error: { code: "PROTOCOL_MALFORMED", message: `${what} is not JSON (first frame, ${head.byteLength} bytes)` } };
  }
  if (typeof parsed !== "object" || parsed === null) {
    return { ok: false, id: "", error: { code: "PROTOCOL_MALFORMED", message: `${what} is not a JSON object` } };
  }
  const record = parsed as Record<string, unknown>;
  const id = typeof record.id === "string" ? record.id : "";
  if (record.v !== PROTOCOL_VERSION) {
    return { ok: false, id, error: { code: "PROTOCOL_VERSION", message: `unsupported protocol version ${JSON.stringify(record.v)}; this side speaks version ${PROTOCOL_VERSION}` } };
  }
  if (typeof record.type !== "string" || !types.has(record.type)) {
    return { ok: false, id, error: { code: "PROTOCOL_UNKNOWN_TYPE", message: `unknown ${what} type ${JSON.stringify(record.type)}` } };
  }
  if (!id) return { ok: false, id, error: { code: "PROTOCOL_MALFORMED", message: `${what} '${record.type}' has no string id` } };
  const { v: _, ...message } = record;
  return { ok: true, message: message as unknown as T, data };
}

export function decodeRequest(frames: Uint8Array[]): Decoded<Request> {
  const decoded = decode<Request>(frames, REQUEST_TYPES as Set<string>, "request");
  if (!decoded.ok) return decoded;
  const wrong = checkRequestFields(decoded.message.type, decoded.message as unknown as Record<string, unknown>);
  return wrong ? { ok: false, id: decoded.message.id, error: { code: "PROTOCOL_MALFORMED", message: wrong } } : decoded;
}

export function decodeReply(frames: Uint8Array[]): Decoded<Reply> {
  return decode<Reply>(frames, REPLY_TYPES as Set<string>, "reply");
}
