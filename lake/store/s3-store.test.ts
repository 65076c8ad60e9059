import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BucketNotFoundError, CredentialsError } from "./errors.js";
import { describeObjectStore } from "./object-store.suite.js";
import { openStore } from "./open-store.js";
import { RetriesExhaustedError } from "./retry.js";
import { S3Store } from "./s3-store.js";
import { startFaultProxy, type FaultProxy } from "../../testing/fault-proxy.js";
import { startS3rver, type S3rverHandle } from "../../testing/s3rver.js";

let s3: S3rverHandle;
beforeAll(async () => { s3 = await startS3rver(); });
afterAll(async () => { await s3?.stop(); });

describeObjectStore("S3Store on s3rver", async () => {
  const store = await openStore(s3.uri("suite"), s3.env, { multipartThreshold: 6 * 1024 * 1024, partSize: 5 * 1024 * 1024, listPageSize: 2 });
  return { store, close: () => store.close() };
});

describe("S3Store", () => {
  let proxy: FaultProxy;
  let store: S3Store;
  beforeAll(async () => {
    proxy = await startFaultProxy(s3.endpoint);
    store = (await openStore(s3.uri("faults"), { ...s3.env, LAKELOOP_S3_ENDPOINT: proxy.endpoint }, {
      retry: { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 }, requestTimeoutMs: 500,
    })) as S3Store;
    await store.put("k", "value");
  });
  afterAll(async () => { await store?.close(); await proxy?.stop(); });

  it("retries through throttling and resets, and returns the right bytes", async () => {
    proxy.inject({ kind: "status", status: 503 }, 2);
    const before = proxy.counts.requests;
    expect(new TextDecoder().decode(await store.get("k"))).toBe("value");
    expect(proxy.counts.requests - before).toBe(3);

    proxy.inject({ kind: "reset" }, 1);
    expect(new TextDecoder().decode(await store.get("k"))).toBe("value");

    proxy.inject({ kind: "delay", ms: 1500 }, 1);
    expect(new TextDecoder().decode(await store.get("k"))).toBe("value");
  });

  it("ends a persistent 500 with a clear error after the configured attempts", async () => {
    proxy.inject({ kind: "status", status: 500 }, Infinity);
    const before = proxy.counts.requests;
    const failure = store.get("k");
    await expect(failure).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(failure).rejects.toThrow(/get 'k' on s3:\/\/lake\/faults .* failed after 4 attempts: HTTP 500/);
    expect(proxy.counts.requests - before).toBe(4);
    proxy.clear();
  });

  it("names a missing bucket", async () => {
    const missing = await openStore("s3://no-such-bucket/x", s3.env);
    await expect(missing.get("k")).rejects.toBeInstanceOf(BucketNotFoundError);
    await expect(missing.get("k")).rejects.toThrow(/bucket 'no-such-bucket' does not exist at http:\/\/127\.0\.0\.1/);
    await missing.close();
  });

  it("names bad credentials without revealing the secret", async () => {
    const secret = "VERY-SECRET-VALUE-1234";
    const bad = await openStore(s3.uri("x"), { ...s3.env, AWS_ACCESS_KEY_ID: "WRONGKEY", AWS_SECRET_ACCESS_KEY: secret });
    const failure = bad.get("k");
    await expect(failure).rejects.toBeInstanceOf(CredentialsError);
    const message = await failure.catch((e: Error) => e.message);
    expect(message).toMatch(/refused the credentials \(access key WRON…\)/);
    expect(message).not.toContain(secret);
    expect(message).not.toContain("WRONGKEY");
    await bad.close();
  });
});
