// A tiny npm registry on 127.0.0.1 for tests that need to control the network: it
// serves packuments and tarballs built from in-memory packages, counts tarball
// downloads, and can serve a tarball that does not match its integrity.
import { createHash } from "node:crypto";
import { mkdtemp, mkdir, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as tar from "tar";

export interface FakePackage {
  name: string;
  version: string;
  files: Record<string, string>;
  dependencies?: Record<string, string>;
  /** Serve bytes that do not match the advertised integrity. */
  corrupt?: boolean;
}

export interface FakeRegistry {
  url: string;
  downloads: Map<string, number>;
  close(): Promise<void>;
}

async function tarballOf(pkg: FakePackage): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), "fake-pkg-"));
  try {
    await mkdir(path.join(dir, "package"));
    const files = { "package.json": JSON.stringify({ name: pkg.name, version: pkg.version, main: "index.js", dependencies: pkg.dependencies ?? {} }), ...pkg.files };
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, "package", name), text);
    const chunks: Buffer[] = [];
    for await (const chunk of tar.c({ cwd: dir, gzip: true, portable: true }, ["package"]) as AsyncIterable<Buffer>) chunks.push(chunk);
    return Buffer.concat(chunks);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function startFakeRegistry(packages: FakePackage[]): Promise<FakeRegistry> {
  const tarballs = new Map<string, Buffer>();
  const integrity = new Map<string, string>();
  for (const pkg of packages) {
    const bytes = await tarballOf(pkg);
    const id = `${pkg.name}-${pkg.version}.tgz`;
    integrity.set(id, `sha512-${createHash("sha512").update(bytes).digest("base64")}`);
    tarballs.set(id, pkg.corrupt ? Buffer.concat([bytes, Buffer.from("tampered")]) : bytes);
  }
  const downloads = new Map<string, number>();
  let url = "";
  const server: Server = createServer((req, res) => {
    const name = decodeURIComponent((req.url ?? "/").slice(1));
    if (name.startsWith("-/")) {
      const id = name.slice(2);
      const bytes = tarballs.get(id);
      if (!bytes) return void res.writeHead(404).end();
      downloads.set(id, (downloads.get(id) ?? 0) + 1);
      return void res.writeHead(200, { "content-type": "application/octet-stream" }).end(bytes);
    }
    const versions = packages.filter((p) => p.name === name);
    if (!versions.length) return void res.writeHead(404).end(JSON.stringify({ error: "Not found" }));
    const doc = {
      name,
      "dist-tags": { latest: versions.at(-1)!.version },
      versions: Object.fromEntries(versions.map((p) => {
        const id = `${p.name}-${p.version}.tgz`;
        return [p.version, { name, version: p.version, dependencies: p.dependencies ?? {}, dist: { tarball: `${url}/-/${id}`, integrity: integrity.get(id) } }];
      })),
    };
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, downloads, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
