// Runs one WorkerPlan: every needed node in topological order, independent nodes side
// by side (bounded), resident outputs reused, failures contained to their dependents,
// and a cancel that stops scheduling at once and aborts what is running.
//
// Inputs are shared memory. A TypeScript model borrows its inputs' memory alone: no node
// reading any of the same buffers runs beside it, so a model that wrote to an input (it
// fails, see run-ts-model.ts) damaged nothing another node read; the damaged outputs are
// dropped (`onDamaged`) and whatever needed them is skipped.
//
// A node is "needed" when a target depends on it through nodes that must run: a node
// whose output is resident is reused and its own inputs are not needed at all. A node
// the planner marked "reuse" whose output was evicted since planning simply runs. A plan
// with the cache off reuses nothing.
//
// A materialization that must wait for the model's blocking expectations is written
// here, once they pass (materialize-gates.ts), instead of by the node's runner.
import { redact, secretsOf } from "../secrets/redact.js";
import type { Table } from "apache-arrow";
import type { ErrorInfo, NodeEvent, NodeProfile, ReadStats, RunSummary } from "../protocol/messages.js";
import type { PlanNode, WorkerPlan } from "../protocol/plan.js";
import { tableBuffers, type ResidentStore } from "./resident.js";
import { MaterializeGates } from "./materialize-gates.js";

export interface NodeResult {
  table: Table;
  read?: ReadStats;
  /** Milliseconds by phase (see NodeProfile). */
  profile?: NodeProfile;
  materialized?: { table: string; snapshotId: number };
}

export interface NodeContext {
  signal: AbortSignal;
  emit(event: NodeEvent): void;
}

/** Runs one node on its inputs (by the names the node's code uses). */
export type RunNode = (node: PlanNode, inputs: Record<string, Table>, ctx: NodeContext) => Promise<NodeResult>;

export interface ExecuteOptions {
  resident: ResidentStore;
  runNode: RunNode;
  emit(event: NodeEvent): void;
  signal?: AbortSignal;
  /** Nodes running at once (default 2: DuckDB and the sandbox are multi-threaded themselves). */
  concurrency?: number;
  /** Turns a thrown value into the error reported for the node. */
  describeError?: (err: unknown, node: PlanNode) => ErrorInfo;
  /**
   * Writes a reused output to its table unless the table holds it already; what it wrote,
   * if anything. Given, it also writes the outputs whose materialization waited for the
   * model's blocking expectations; without it, the node runner writes as it runs.
   */
  materializeReused?: (node: PlanNode, output: Table) => Promise<NodeResult["materialized"]>;
  /** A model wrote to these buffers: drop everything held in them; returns the resident nodes dropped. */
  onDamaged?: (buffers: Set<ArrayBufferLike>) => string[];
}

export const emptyReadStats = (): ReadStats => ({
  memoryBytes: 0, diskBytes: 0, objectStoreBytes: 0, memoryFragments: 0, diskFragments: 0, fetchedFragments: 0,
});

export function addReadStats(into: ReadStats, more: ReadStats): void {
  into.memoryBytes += more.memoryBytes;
  into.diskBytes += more.diskBytes;
  into.objectStoreBytes += more.objectStoreBytes;
  into.memoryFragments += more.memoryFragments;
  into.diskFragments += more.diskFragments;
  into.fetchedFragments += more.fetchedFragments;
}

function defaultDescribeError(err: unknown): ErrorInfo {
  // A model's error carries the stack of the model's own code; anything else, its own.
  // What leaves the worker never carries a credential (an S3 error may quote one).
  const e = err as Error & { code?: unknown; modelStack?: string };
  const secrets = secretsOf(process.env);
  const stack = e?.modelStack ?? e?.stack;
  return { code: typeof e?.code === "string" ? e.code : "NODE_FAILED", message: redact(e?.message ?? String(err), secrets), stack: stack === undefined ? undefined : redact(stack, secrets) };
}

/**
 * The plan's actions as the worker takes them: the planner decided, from fingerprints and
 * what this worker held, which nodes run and which are reused; the worker does not decide
 * again. It checks the plan holds together (every input of a node that runs is in the
 * plan) and that each output to reuse is still here: one evicted since the plan was made
 * cannot be rebuilt (the planner left its inputs out), so the run is refused as stale and
 * the session plans again (engine/session.ts).
 */
export function actionsOf(plan: WorkerPlan, isResident: (id: string) => boolean): { run: Set<string>; reuse: Set<string> } {
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  for (const id of plan.targets) if (!byId.has(id)) throw new Error(`plan ${plan.planId} names node ${id} but does not define it`);
  const run = new Set<string>();
  const reuse = new Set<string>();
  for (const node of plan.nodes) {
    if (node.action === "reuse") {
      if (!isResident(node.id)) throw Object.assign(new Error(`plan ${plan.planId} reuses ${node.name} (${node.id}), which this worker no longer holds (evicted since the plan was made); plan again`), { code: "PLAN_STALE" });
      reuse.add(node.id);
      continue;
    }
    for (const input of Object.values(node.inputs)) {
      if (!byId.has(input)) throw new Error(`plan ${plan.planId} names node ${input} (an input of ${node.name}) but does not define it`);
    }
    run.add(node.id);
  }
  return { run, reuse };
}

export async function executePlan(plan: WorkerPlan, options: ExecuteOptions): Promise<RunSummary & { cancelled: boolean }> {
  const { resident, runNode, emit } = options;
  const describeError = options.describeError ?? defaultDescribeError;
  const concurrency = Math.max(1, options.concurrency ?? 2);
  const started = performance.now();
  const byId = new Map(plan.nodes.map((n) => [n.id, n]));
  const { run, reuse } = actionsOf(plan, (id) => resident.has(id));
  const summary: RunSummary = { ran: 0, reused: 0, failed: 0, skipped: 0, ms: 0, read: emptyReadStats() };
  const pinned = [...run, ...reuse];
  pinned.forEach((id) => resident.pin(id));

  try {
    const done = new Set<string>(reuse);
    const failed = new Map<string, string>(); // node id -> name of the failed node that blocks it
    const gates = options.materializeReused ? new MaterializeGates(plan, new Set([...run, ...reuse])) : undefined;
    for (const id of reuse) {
      const output = resident.get(id);
      const node = byId.get(id)!;
      let materialized: NodeResult["materialized"];
      if (node.materialize && output && options.materializeReused && !gates?.waits(id)) {
        // A reused output is written to its table when the table (on the run's branch) does not hold it.
        const t0 = performance.now();
        try {
          materialized = await options.materializeReused(node, output.table);
        } catch (err) {
          summary.failed++;
          failed.set(id, node.name);
          done.delete(id);
          emit({ type: "node-failed", node: id, name: node.name, ms: performance.now() - t0, error: describeError(err, node) });
          continue;
        }
      }
      emit({ type: "node-reused", node: id, name: node.name, rows: output?.table.numRows ?? 0, ...(materialized ? { materialized } : {}) });
      summary.reused++;
    }

    const pending = new Set(run);
    const running = new Map<string, Promise<void>>();
    // The memory each running node reads, and whether it is a TypeScript model.
    const reading = new Map<string, { ts: boolean; buffers: Set<ArrayBufferLike> }>();
    const buffersOf = (node: PlanNode) => new Set(Object.values(node.inputs).flatMap((input) => {
      const table = resident.get(input)?.table;
      return table ? tableBuffers(table) : [];
    }));
    const conflicts = (node: PlanNode): boolean => {
      const ts = node.kind === "ts";
      let mine: Set<ArrayBufferLike> | undefined;
      for (const other of reading.values()) {
        if (!ts && !other.ts) continue;
        mine ??= buffersOf(node);
        for (const b of mine) if (other.buffers.has(b)) return true;
      }
      return false;
    };

    // Inputs dropped because a model wrote to them: input id -> that model's name.
    const discarded = new Map<string, string>();
    const settle = (id: string, node: PlanNode, blocked: string): void => {
      pending.delete(id);
      failed.set(id, node.name);
      const input = byId.get(blocked)!.name;
      const because = discarded.has(blocked) ? `input ${input} was discarded: model ${discarded.get(blocked)} wrote to it` : `input ${input} failed`;
      emit({ type: "node-skipped", node: id, name: node.name, because });
      summary.skipped++;
      openGates();
    };

    const outcome = (id: string) => failed.has(id) ? { state: "failed" as const }
      : done.has(id) ? { state: reuse.has(id) ? "reused" as const : "ran" as const, rows: resident.get(id)?.table.numRows ?? 0 } : undefined;
    // Materializations whose model and expectations have all settled: written, or held back.
    const openGates = (): void => {
      if (!gates || options.signal?.aborted) return;
      for (const { node, write, failed: stoppedBy } of gates.decide(outcome)) {
        const table = node.materialize!.table;
        if (!write) {
          emit({ type: "materialize-skipped", node: node.id, name: node.name, table, because: `expectation ${stoppedBy.join(", ")} failed`, expectations: stoppedBy });
          continue;
        }
        const t0 = performance.now();
        const task = options.materializeReused!(node, resident.get(node.id)!.table)
          .then((materialized) => {
            if (materialized) emit({ type: "node-materialized", node: node.id, name: node.name, materialized, ms: performance.now() - t0 });
          })
          .catch((err: unknown) => {
            summary[reuse.has(node.id) ? "reused" : "ran"]--;
            summary.failed++;
            emit({ type: "node-failed", node: node.id, name: node.name, ms: performance.now() - t0, error: describeError(err, node) });
          })
          .finally(() => running.delete(`materialize:${node.id}`));
        running.set(`materialize:${node.id}`, task);
      }
    };
    openGates();

    const start = (node: PlanNode): void => {
      pending.delete(node.id);
      const t0 = performance.now();
      emit({ type: "node-started", node: node.id, name: node.name, at: Date.now() });
      const inputs: Record<string, Table> = {};
      for (const [param, input] of Object.entries(node.inputs)) inputs[param] = resident.get(input)!.table;
      reading.set(node.id, { ts: node.kind === "ts", buffers: buffersOf(node) });
      const signal = options.signal ?? new AbortController().signal;
      // A gated model's runner leaves the write to openGates.
      const task = runNode(gates?.waits(node.id) ? { ...node, materialize: undefined } : node, inputs, { signal, emit })
        .then((result) => {
          resident.put(node.id, node.name, result.table);
          const read = result.read ?? emptyReadStats();
          addReadStats(summary.read, read);
          summary.ran++;
          done.add(node.id);
          emit({
            type: "node-finished", node: node.id, name: node.name, rows: result.table.numRows,
            ms: performance.now() - t0, read, ...(result.materialized ? { materialized: result.materialized } : {}),
            ...(result.profile ? { profile: result.profile } : {}),
          });
        })
        .catch((err: unknown) => {
          summary.failed++;
          failed.set(node.id, node.name);
          emit({ type: "node-failed", node: node.id, name: node.name, ms: performance.now() - t0, error: describeError(err, node) });
          const damaged = (err as { damaged?: Set<ArrayBufferLike> }).damaged;
          if (damaged && options.onDamaged) {
            // What the model damaged is dropped; nodes of this run that still need it are skipped.
            for (const dropped of options.onDamaged(damaged)) {
              if (!byId.has(dropped) || failed.has(dropped)) continue;
              failed.set(dropped, node.name);
              discarded.set(dropped, node.name);
              done.delete(dropped);
            }
          }
        })
        .finally(() => {
          running.delete(node.id);
          reading.delete(node.id);
          openGates();
        });
      running.set(node.id, task);
    };

    while (pending.size > 0 || running.size > 0) {
      if (options.signal?.aborted) break;
      for (const id of [...pending]) {
        if (running.size >= concurrency) break;
        const node = byId.get(id)!;
        const inputs = Object.values(node.inputs);
        const blocked = inputs.find((input) => failed.has(input));
        if (blocked !== undefined) settle(id, node, blocked);
        else if (inputs.every((input) => done.has(input)) && !conflicts(node)) start(node);
      }
      if (running.size === 0) {
        // Nothing runs and nothing can start: the remaining nodes wait on skipped ones.
        const progressed = [...pending].some((id) => Object.values(byId.get(id)!.inputs).some((i) => failed.has(i)));
        if (!progressed) break;
        continue;
      }
      await Promise.race([...running.values(), abortPromise(options.signal)]);
    }
    if (options.signal?.aborted) await Promise.allSettled(running.values());
    summary.ms = performance.now() - started;
    return { ...summary, cancelled: options.signal?.aborted ?? false };
  } finally {
    pinned.forEach((id) => resident.unpin(id));
  }
}

function abortPromise(signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return new Promise(() => {});
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
