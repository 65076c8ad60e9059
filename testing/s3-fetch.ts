// `fetch` for readers that turn s3://bucket/key into https://bucket.s3.amazonaws.com/key
// (icebird): those requests go to a test's own S3 server (path-style), every other URL to
// the real fetch. Returns the function that puts the real fetch back.
export function sendS3ToLocal(endpoint: string): () => void {
  const real = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    const match = /^https:\/\/([^.]+)\.s3\.amazonaws\.com(\/.*)$/.exec(url);
    return real(match ? `${endpoint}/${match[1]}${match[2]}` : input, init);
  }) as typeof fetch;
  return () => { globalThis.fetch = real; };
}
