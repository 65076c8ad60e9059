// The worker's resident outputs: every node's result table, keyed by fingerprint,
// held in memory within a byte budget and evicted least-recently-used first. A node
// whose fingerprint is resident is reused instead of run; eviction is why a node that
// ran before may have to run again (reason "evicted").
import type { Table } from "apache-arrow";

export interface ResidentOutput {
  node: string;
  name: string;
  table: Table;
  bytes: number;
}

/** Bytes held by a table's buffers (shared buffers of sliced batches counted once). */
export function tableBytes(table: Table): number {
  const seen = new Set<ArrayBufferLike>();
  let total = 0;
  const visit = (data: { buffers: unknown[]; children: unknown[]; dictionary?: unknown }): void => {
    for (const buffer of data.buffers) {
      if (ArrayBuffer.isView(buffer) && !seen.has(buffer.buffer)) {
        seen.add(buffer.buffer);
        total += buffer.byteLength;
      }
    }
    for (const child of data.children) visit(child as typeof data);
    const dictionary = data.dictionary as { data: (typeof data)[] } | undefined;
    dictionary?.data.forEach(visit);
  };
  for (const batch of table.batches) visit(batch.data as unknown as Parameters<typeof visit>[0]);
  return total;
}

/** The distinct memory blocks (ArrayBuffers) a table's columns live in. */
export function tableBuffers(table: Table): ArrayBufferLike[] {
  const seen = new Set<ArrayBufferLike>();
  const visit = (data: { buffers: unknown[]; children: unknown[]; dictionary?: unknown }): void => {
    for (const buffer of data.buffers) if (ArrayBuffer.isView(buffer) && buffer.byteLength > 0) seen.add(buffer.buffer);
    for (const child of data.children) visit(child as typeof data);
    (data.dictionary as { data: (typeof data)[] } | undefined)?.data.forEach(visit);
  };
  for (const batch of table.batches) visit(batch.data as unknown as Parameters<typeof visit>[0]);
  return [...seen];
}

export class ResidentStore {
  #outputs = new Map<string, ResidentOutput>();
  #bytes = 0;
  /** Nodes a running plan still needs: never evicted while pinned. */
  #pins = new Map<string, number>();

  constructor(readonly budgetBytes: number) {}

  get bytes(): number {
    return this.#bytes;
  }

  has(node: string): boolean {
    return this.#outputs.has(node);
  }

  /** The output, marked most recently used. */
  get(node: string): ResidentOutput | undefined {
    const output = this.#outputs.get(node);
    if (output) {
      this.#outputs.delete(node);
      this.#outputs.set(node, output);
    }
    return output;
  }

  put(node: string, name: string, table: Table): ResidentOutput {
    this.delete(node);
    const output = { node, name, table, bytes: tableBytes(table) };
    this.#outputs.set(node, output);
    this.#bytes += output.bytes;
    this.#evict();
    return output;
  }

  delete(node: string): void {
    const output = this.#outputs.get(node);
    if (!output) return;
    this.#outputs.delete(node);
    this.#bytes -= output.bytes;
  }

  pin(node: string): void {
    this.#pins.set(node, (this.#pins.get(node) ?? 0) + 1);
  }

  unpin(node: string): void {
    const count = (this.#pins.get(node) ?? 0) - 1;
    if (count > 0) this.#pins.set(node, count);
    else this.#pins.delete(node);
    this.#evict();
  }

  /**
   * Drops every output that holds one of `buffers` (memory a model wrote to): they are
   * no longer what their fingerprints say. Returns the nodes dropped.
   */
  deleteSharing(buffers: Set<ArrayBufferLike>): string[] {
    const dropped: string[] = [];
    for (const [node, output] of [...this.#outputs]) {
      if (tableBuffers(output.table).some((b) => buffers.has(b))) {
        this.#outputs.delete(node);
        this.#bytes -= output.bytes;
        dropped.push(node);
      }
    }
    return dropped;
  }

  list(): ResidentOutput[] {
    return [...this.#outputs.values()];
  }

  /** Oldest unpinned outputs go first until the budget holds (pinned ones may exceed it). */
  #evict(): void {
    if (this.#bytes <= this.budgetBytes) return;
    for (const [node, output] of this.#outputs) {
      if (this.#bytes <= this.budgetBytes) break;
      if (this.#pins.has(node)) continue;
      this.#outputs.delete(node);
      this.#bytes -= output.bytes;
    }
  }
}
