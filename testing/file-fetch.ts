// `fetch` for file:// URLs, for readers that only speak HTTP (icebird, hyparquet): the
// whole file, a `Range: bytes=a-b` of it, or a HEAD with its length; every other URL
// goes to the real fetch. Installed for the length of one call.
import { open, readFile, stat } from "node:fs/promises";
import { fileURLToPath } from "node:url";

async function fileResponse(url: string, init?: RequestInit): Promise<Response> {
  const file = fileURLToPath(url);
  const size = (await stat(file).catch(() => undefined))?.size;
  if (size === undefined) return new Response(null, { status: 404 });
  if (init?.method === "HEAD") return new Response(null, { status: 200, headers: { "content-length": String(size) } });
  const range = new Headers(init?.headers).get("range");
  const m = range ? /^bytes=(\d+)-(\d*)$/.exec(range) : null;
  if (!m) return new Response(await readFile(file), { status: 200, headers: { "content-length": String(size) } });
  const start = Number(m[1]);
  const end = Math.min(m[2] ? Number(m[2]) : size - 1, size - 1);
  const handle = await open(file);
  try {
    const bytes = Buffer.alloc(Math.max(0, end - start + 1));
    await handle.read(bytes, 0, bytes.length, start);
    return new Response(bytes, { status: 206, headers: { "content-length": String(bytes.length), "content-range": `bytes ${start}-${end}/${size}` } });
  } finally {
    await handle.close();
  }
}

export async function withFileFetch<T>(work: () => Promise<T>): Promise<T> {
  const real = globalThis.fetch;
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    return url.startsWith("file://") ? fileResponse(url, init) : real(input, init);
  }) as typeof fetch;
  try {
    return await work();
  } finally {
    globalThis.fetch = real;
  }
}
