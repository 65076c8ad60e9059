// Small helpers shared by the benchmarks: timing with medians, sizes, progress lines,
// table printing, and the bytes this process read from files.
import { readFile } from "node:fs/promises";

export async function timeIt<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function median(xs: number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

export function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/** Bytes with a unit that keeps small figures readable (B, KB, MB, GB). */
export function bytes(n: number): string {
  if (n < 1e3) return `${Math.round(n)} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} KB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/** A row count as the tables print it (10,000,000). */
export function count(n: number): string {
  return n.toLocaleString("en-US");
}

/** Milliseconds with one decimal below 100 ms, none above. */
export function ms(n: number): string {
  return n < 100 ? n.toFixed(1) : n.toFixed(0);
}

/** A ratio "a / b" as "12.3x" (or "-" when it cannot be formed). */
export function ratio(a: number, b: number): string {
  if (!(b > 0) || !Number.isFinite(a)) return "-";
  const r = a / b;
  return `${r >= 100 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toPrecision(2)}x`;
}

/** A progress line while a bench runs (stdout, indented under the bench's name). */
export function progress(line: string): void {
  process.stdout.write(`  · ${line}\n`);
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (cells: (string | number)[]) => `| ${cells.map((c, i) => String(c).padEnd(widths[i]!)).join(" | ")} |`;
  const text = [`### ${title}`, "", line(header), `| ${widths.map((w) => "-".repeat(w)).join(" | ")} |`, ...rows.map(line), ""].join("\n");
  process.stdout.write(text + "\n");
  return text;
}

/** Bytes this process has read through read(2) and friends so far (Linux; 0 elsewhere). */
export async function bytesReadByThisProcess(): Promise<number> {
  try {
    const io = await readFile("/proc/self/io", "utf8");
    return Number(/rchar: (\d+)/.exec(io)![1]);
  } catch {
    return 0;
  }
}
