// The Jupyter wire protocol (messaging 5.3): a message on a ROUTER socket is the
// sender's identities, the "<IDS|MSG>" delimiter, an HMAC-SHA256 signature over the
// next four frames, then header, parent header, metadata and content as JSON, then
// binary buffers. Signatures are checked in constant time; a bad one is refused.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const DELIMITER = "<IDS|MSG>";
export const PROTOCOL_VERSION = "5.3";

export interface Header {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface Message<C = Record<string, unknown>> {
  identities: Buffer[];
  header: Header;
  parent_header: Partial<Header>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Buffer[];
}

export class Signer {
  constructor(readonly key: string, readonly scheme = "hmac-sha256") {
    if (scheme !== "hmac-sha256" && key) throw new Error(`unsupported signature scheme ${scheme}; lakeloop signs with hmac-sha256`);
  }

  sign(frames: Buffer[]): string {
    if (!this.key) return "";
    const hmac = createHmac("sha256", this.key);
    for (const f of frames) hmac.update(f);
    return hmac.digest("hex");
  }

  verify(signature: string, frames: Buffer[]): boolean {
    if (!this.key) return true;
    const expected = Buffer.from(this.sign(frames), "utf8");
    const given = Buffer.from(signature, "utf8");
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

export class WireError extends Error {
  override name = "WireError";
}

export function decodeMessage(frames: Buffer[], signer: Signer): Message {
  const at = frames.findIndex((f) => f.toString() === DELIMITER);
  if (at < 0 || frames.length < at + 6) throw new WireError("malformed message: no <IDS|MSG> delimiter or too few frames");
  const signature = frames[at + 1]!.toString();
  const parts = frames.slice(at + 2, at + 6);
  if (!signer.verify(signature, parts)) throw new WireError("invalid message signature");
  const [header, parent, metadata, content] = parts.map((p) => JSON.parse(p.toString() || "{}") as Record<string, unknown>);
  return {
    identities: frames.slice(0, at),
    header: header as unknown as Header,
    parent_header: parent as Partial<Header>,
    metadata: metadata!,
    content: content!,
    buffers: frames.slice(at + 6),
  };
}

export function newHeader(msgType: string, session: string): Header {
  return { msg_id: randomUUID(), session, username: "lakeloop", date: new Date().toISOString(), msg_type: msgType, version: PROTOCOL_VERSION };
}

export function encodeMessage(signer: Signer, identities: Buffer[], header: Header, parent: Partial<Header>, content: unknown, metadata: Record<string, unknown> = {}, buffers: Buffer[] = []): Buffer[] {
  const parts = [header, parent, metadata, content].map((p) => Buffer.from(JSON.stringify(p)));
  return [...identities, Buffer.from(DELIMITER), Buffer.from(signer.sign(parts)), ...parts, ...buffers];
}
