// Installing the kernelspec Jupyter uses to start lakeloop: kernel.json (argv with
// {connection_file}, display name, language, interrupt by message) and two logos.
import { mkdir, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import * as path from "node:path";
import { deflateSync } from "node:zlib";
import { binPath } from "../engine/package-root.js";

export interface InstallOptions {
  /** Install under PREFIX/share/jupyter/kernels (a virtualenv, a test's temp dir). */
  prefix?: string;
  /** Kernel name (default "lakeloop"). */
  name?: string;
  /** What Jupyter shows in its kernel list (default "NAME (TypeScript)"). */
  displayName?: string;
  /** Lake URI the kernel opens (default: the kernel's own environment decides). */
  lake?: string;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A square logo: a lake-blue tile with a lighter wave band. */
export function logoPng(size: number): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const wave = Math.abs(y - size * (0.55 + 0.12 * Math.sin((x / size) * Math.PI * 2))) < size * 0.1;
      row.set(wave ? [120, 200, 240] : [20, 90, 160], 1 + x * 3);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

export async function installKernelSpec(options: InstallOptions = {}): Promise<string> {
  const name = options.name ?? "lakeloop";
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new Error(`kernel name '${name}' may hold only letters, digits, '.', '_' and '-'`);
  const base = options.prefix ? path.join(path.resolve(options.prefix), "share", "jupyter", "kernels") : path.join(homedir(), ".local", "share", "jupyter", "kernels");
  const dir = path.join(base, name);
  await mkdir(dir, { recursive: true });
  const spec = {
    argv: [process.execPath, binPath(), "kernel", "--connection-file", "{connection_file}"],
    display_name: options.displayName ?? `${name} (TypeScript)`,
    language: "typescript",
    interrupt_mode: "message",
    ...(options.lake ? { env: { LAKELOOP_LAKE: options.lake } } : {}),
    metadata: { debugger: false },
  };
  await writeFile(path.join(dir, "kernel.json"), JSON.stringify(spec, null, 2) + "\n");
  await writeFile(path.join(dir, "logo-32x32.png"), logoPng(32));
  await writeFile(path.join(dir, "logo-64x64.png"), logoPng(64));
  return dir;
}
