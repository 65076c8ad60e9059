// Fetching byte ranges of one object with as few requests as makes sense: ranges that
// touch or lie within `gap` bytes of each other are read as one request (up to
// `maxRequest` bytes), requests run with bounded concurrency, and each range gets its
// exact bytes back as a view of the request that carried it.
import type { ObjectStore } from "../lake/store/object-store.js";

export interface Range {
  offset: number;
  length: number;
}

export interface CoalesceOptions {
  /** Largest hole to read through rather than start a new request (default 64 KiB). */
  gap?: number;
  /** Largest single request (default 32 MiB). */
  maxRequest?: number;
}

/** Groups ranges (any order) into requests; each request lists the ranges it covers. */
export function coalesceRanges<T extends Range>(ranges: T[], options: CoalesceOptions = {}): { offset: number; length: number; parts: T[] }[] {
  const gap = options.gap ?? 64 * 1024;
  const maxRequest = options.maxRequest ?? 32 * 1024 * 1024;
  const sorted = [...ranges].sort((a, b) => a.offset - b.offset);
  const requests: { offset: number; length: number; parts: T[] }[] = [];
  for (const range of sorted) {
    const last = requests[requests.length - 1];
    const end = range.offset + range.length;
    if (last && range.offset <= last.offset + last.length + gap && end - last.offset <= maxRequest) {
      last.length = Math.max(last.length, end - last.offset);
      last.parts.push(range);
    } else {
      requests.push({ offset: range.offset, length: range.length, parts: [range] });
    }
  }
  return requests;
}

/** Runs `tasks` with at most `limit` in flight. */
export async function runBounded<T>(tasks: (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, tasks.length) }, async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]!();
    }
  });
  await Promise.all(workers);
  return results;
}

export interface Fetched<T> {
  range: T;
  bytes: Uint8Array;
}

export interface FetchResult<T> {
  parts: Fetched<T>[];
  /** Bytes actually transferred (holes read through included) and requests made. */
  bytes: number;
  requests: number;
}

export async function fetchRanges<T extends Range>(store: ObjectStore, key: string, ranges: T[], options: CoalesceOptions & { concurrency?: number } = {}): Promise<FetchResult<T>> {
  const requests = coalesceRanges(ranges, options);
  const answers = await runBounded(requests.map((r) => () => store.get(key, { offset: r.offset, length: r.length })), options.concurrency ?? 8);
  const parts: Fetched<T>[] = [];
  requests.forEach((request, i) => {
    const bytes = answers[i]!;
    for (const range of request.parts) parts.push({ range, bytes: bytes.subarray(range.offset - request.offset, range.offset - request.offset + range.length) });
  });
  return { parts, bytes: requests.reduce((s, r) => s + r.length, 0), requests: requests.length };
}
