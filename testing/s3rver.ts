// Test harness: a real S3-protocol server (s3rver) on 127.0.0.1 with a random port and
// a temp directory, one bucket, and the environment that `openStore` reads. s3rver
// predates S3 conditional writes, so the harness adds AWS's documented semantics of
// `If-None-Match: *` on PUT (412 PreconditionFailed when the key exists), serialized
// per key, so the real S3Store code path for commits is what the tests exercise. It
// also mends one s3rver bug (a one-byte range at offset 0) where S3's answer is clear.
import { mkdtemp, rm } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import S3rver from "s3rver";

export interface S3rverHandle {
  endpoint: string;
  bucket: string;
  /** Variables that make `openStore("s3://bucket/...", env)` reach this server. */
  env: NodeJS.ProcessEnv;
  uri(prefix?: string): string;
  stop(): Promise<void>;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

interface StoredObject {
  content: NodeJS.ReadableStream | null;
  range?: { start: number; end: number };
}

interface S3rverInstance {
  callback(): Handler;
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
  store: {
    existsObject(bucket: string, key: string): Promise<boolean>;
    getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<StoredObject | null>;
  };
}

export async function startS3rver(options: { bucket?: string } = {}): Promise<S3rverHandle> {
  const bucket = options.bucket ?? "lake";
  const directory = await mkdtemp(path.join(tmpdir(), "lakeloop-s3rver-"));
  const server = new (S3rver as unknown as new (o: object) => S3rverInstance)({
    address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: bucket }],
  });
  fixFirstByteRange(server);
  const inner = server.callback.bind(server);
  server.callback = () => withConditionalPut(inner(), server);
  const address = await server.run();
  const endpoint = `http://127.0.0.1:${address.port}`;
  return {
    endpoint,
    bucket,
    env: {
      LAKELOOP_S3_ENDPOINT: endpoint,
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_REGION: "us-east-1",
    },
    uri: (prefix = "") => `s3://${bucket}${prefix ? "/" + prefix.replace(/^\/+/, "") : ""}`,
    stop: async () => {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}

/** s3rver reads `Range: bytes=0-0` as "from 0 to the end"; S3 answers with one byte. */
function fixFirstByteRange(server: S3rverInstance): void {
  const original = server.store.getObject.bind(server.store);
  server.store.getObject = async (bucket, key, options) => {
    if (options?.end !== 0) return original(bucket, key, options);
    const object = await original(bucket, key, { start: 0, end: 1 });
    if (object?.content) {
      const chunks: Buffer[] = [];
      for await (const chunk of object.content) chunks.push(chunk as Buffer);
      object.content = Readable.from([Buffer.concat(chunks).subarray(0, 1)]);
      object.range = { start: 0, end: 0 };
    }
    return object;
  };
}

function withConditionalPut(handler: Handler, server: S3rverInstance): Handler {
  const locks = new Map<string, Promise<void>>();
  return (req, res) => {
    if (req.method !== "PUT" || req.headers["if-none-match"] !== "*") return handler(req, res);
    const url = new URL(req.url ?? "/", "http://localhost");
    const [, bucket = "", ...rest] = url.pathname.split("/");
    const key = decodeURIComponent(rest.join("/"));
    const id = `${bucket}/${key}`;
    const previous = locks.get(id) ?? Promise.resolve();
    const turn = previous.then(async () => {
      if (await server.store.existsObject(bucket, key)) {
        req.resume();
        res.writeHead(412, { "content-type": "application/xml" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>PreconditionFailed</Code><Message>At least one of the pre-conditions you specified did not hold</Message><Key>${key}</Key></Error>`);
        return;
      }
      await new Promise<void>((resolve) => {
        res.on("finish", resolve);
        res.on("close", resolve);
        handler(req, res);
      });
    });
    const settled = turn.catch(() => {});
    locks.set(id, settled);
    void settled.then(() => { if (locks.get(id) === settled) locks.delete(id); });
  };
}
