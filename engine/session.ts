// A session: the definitions of every cell so far, the DAG rebuilt from them on each
// edit, and a worker that runs plans. Running a cell runs the models it defined plus
// the models downstream of them that already ran in the session, so what the user has
// seen stays consistent with the code. Shared by the CLI, the kernel and the REPL.
import { Duck } from "../columnar/duckdb.js";
import { Catalog } from "../lake/iceberg/catalog.js";
import { LakeView } from "../lake/iceberg/branches/lake-view.js";
import { MAIN } from "../lake/iceberg/branches/ref-names.js";
import { openStore } from "../lake/store/open-store.js";
import type { ObjectStore } from "../lake/store/object-store.js";
import type { NodeEvent, NodeProfile, Reply } from "../protocol/messages.js";
import { parseMagicCell } from "./cells/cell-magic.js";
import { ParameterSet } from "./params/parameter-set.js";
import { withChecks } from "./expect/check-targets.js";
import { blockingFailures, reportExpectations, type ExpectationResult } from "./expect/expectation-results.js";
import { TsCellContext } from "./cells/ts-cell.js";
import { CellRegistry, type CellSnapshot } from "./cells/cell-registry.js";
import { buildDag, type BuiltDag } from "./dag/build-dag.js";
import { emptyReadStats, foldNodeEvents, plannedStates, type NodeState } from "./run/node-state.js";
import { modelKey, type Graph, type ScanNode } from "./dag/graph.js";
import { DefinitionError, type ModelDefinition } from "./model/definition.js";
import { fingerprintAll, type NodeParts } from "./plan/fingerprint.js";
import { formatLogicalPlan, formatPhysicalPlan, formatWorkerPlan } from "./plan/format-plan.js";
import { planRun, type Plan } from "./plan/plan-run.js";
import { scanSpecOf, toWorkerPlan } from "./plan/to-worker-plan.js";
import type { LocalWorker } from "./link/local-worker.js";
import { WorkerError, type WorkerClient, type RunOutcome } from "./link/worker-client.js";
import { WorkerLink } from "./link/worker-link.js";
import { remoteWorkerFrom } from "./link/remote-worker.js";
import { retryAfterWorkerLoss } from "./link/retry-after-loss.js";
import { DEFAULT_LAKE } from "./default-lake.js";
import { openCatalog } from "../lake/open-catalog.js";

export interface SessionOptions {
  /** Lake URI (default $LAKELOOP_LAKE or file://./.lakeloop/lake). */
  lake?: string;
  /** A running worker's endpoint (default $LAKELOOP_WORKER); without one a local worker is spawned. */
  worker?: string;
  /** The remote worker's CURVE public key, inline or a .pub file (default $LAKELOOP_WORKER_KEY): pinned. */
  workerKey?: string;
  /** This client's CURVE key file from `lakeloop worker keygen` (default $LAKELOOP_CLIENT_KEY). */
  clientKey?: string;
  env?: NodeJS.ProcessEnv;
  /** Globals of the cells' context besides the API (a front end's console, display helpers). */
  cellGlobals?: Record<string, unknown>;
  /**
   * A model defined again in another cell: "replace" moves it there (notebooks and the
   * REPL, where a new cell is how one edits), "error" refuses it (project files).
   */
  redefine?: "replace" | "error";
  /** Things a user should know that are not errors (the worker was lost and replaced). */
  onNotice?: (message: string) => void;
  /** The lake branch (or tag, read-only) to read and materialize to (default main). */
  branch?: string;
}

export interface PlannedRun {
  graph: Graph;
  parts: Map<string, NodeParts>;
  plan: Plan;
  /** Models left out because their definitions fail now (a table they read was dropped): when no targets were named. */
  excluded: { name: string; error: DefinitionError }[];
}

/** A node of a finished run: its state as the run's events left it (engine/run/node-state.ts). */
export type NodeReport = NodeState;

/** How a run goes: `lakeloop run`'s controls. */
export interface RunControls {
  /** Every expectation blocks and counts as a failure, warnings included. */
  strict?: boolean;
  /** Reuse nothing resident and read every scan from the object store. */
  cacheOff?: boolean;
  /** Which rows of each result the worker previews (default the first). */
  previewFrom?: "head" | "tail";
}

export interface RunReport extends RunOutcome {
  nodes: NodeReport[];
  planned: PlannedRun;
  /** Milliseconds planning here (DAG, fingerprints, asking the worker) and running there. */
  timing: { plan: number; run: number };
  /** The expectations of the models the run involved (see blockingFailures). */
  expectations: ExpectationResult[];
}

/** The cell line of the first frame of a model's stack ("model:3:11" in the worker). */
function mapModelStack(planned: PlannedRun, key: string, stack: string | undefined): string | undefined {
  const node = planned.graph.nodes.get(key);
  const frame = stack ? /\bmodel:(\d+):(\d+)/.exec(stack) : null;
  if (!node || node.kind !== "ts" || !frame) return undefined;
  const d = node.definition;
  return `${d.at.cell}:${d.sourceLines?.[Number(frame[1]) - 1] ?? (d.sourceLine ?? d.at.line) + Number(frame[1]) - 1}`;
}

/**
 * Runs `attempt` again when the worker refuses its plan as stale: an output the plan
 * reuses was evicted between planning and running (another session's run needed the
 * memory). Planning again sees what the worker holds now; a few tries, then the refusal.
 */
async function replanWhenStale<T>(attempt: () => Promise<T>, tries = 3): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (err) {
      if (!(err instanceof WorkerError && err.code === "PLAN_STALE") || i >= tries) throw err;
    }
  }
}

export class Session {
  readonly #cells: CellRegistry;
  readonly #context: TsCellContext;
  /** What each node was when it last ran, to say why it runs again. */
  readonly #previous = new Map<string, NodeParts>();
  /** Ids of the worker runs in flight, for cancel(). */
  readonly #running = new Set<string>();
  /** What cells started and did not await (settled before the session closes). */
  readonly #inFlight = new Set<Promise<void>>();
  /** Models whose outputs the user has seen in this session. */
  readonly #seen = new Set<string>();
  /** Each expectation's latest result in this session, on whatever branch (what a merge asks). */
  readonly #checks = new Map<string, ExpectationResult>();
  /** The report of the session's last run that computed something (what `%profile` / `.profile` show). */
  lastRun: RunReport | undefined;
  #branch = MAIN;
  /** Parameters the cells declared, and the values given since. */
  readonly params = new ParameterSet();

  private constructor(
    readonly lake: string,
    readonly store: ObjectStore,
    readonly catalog: Catalog,
    readonly duck: Duck,
    private readonly link: WorkerLink,
    cellGlobals: Record<string, unknown> = {},
    readonly redefine: "replace" | "error" = "error",
    readonly onNotice: (message: string) => void = () => {},
  ) {
    this.#cells = new CellRegistry(redefine);
    // `result(name)`: a model's output in a cell (brought up to date first), e.g. for a chart.
    this.#context = new TsCellContext({ result: (name: string) => this.#cellWork(this.result(name)), ...cellGlobals });
  }

  /** Names defined in the cells' context (for completion). */
  contextNames(): string[] {
    return Object.keys(this.#context.context);
  }

  contextValue(name: string): unknown {
    return (this.#context.context as Record<string, unknown>)[name];
  }

  static async open(options: SessionOptions = {}): Promise<Session> {
    const env = options.env ?? process.env;
    const lake = options.lake ?? env.LAKELOOP_LAKE ?? DEFAULT_LAKE;
    const store = await openStore(lake, env);
    const catalog = await openCatalog(store, env);
    const duck = await Duck.open({ threads: 1 });
    const remote = await remoteWorkerFrom({ endpoint: options.worker, workerKey: options.workerKey, clientKey: options.clientKey }, env);
    const link = await WorkerLink.open(remote, store.root, env);
    const session = new Session(store.root, store, catalog, duck, link, options.cellGlobals, options.redefine, options.onNotice);
    if (options.branch) await session.useBranch(options.branch).catch(async (err) => { await session.close(); throw err; });
    return session;
  }

  /** The branch (or tag) the session reads, and materializes to. */
  get branch(): string {
    return this.#branch;
  }

  /** Switches the session to another branch or tag of the lake (which must exist). */
  async useBranch(name: string): Promise<void> {
    await LakeView.open(this.catalog, name);
    this.#branch = name;
  }

  /** The lake's tables as the session's branch has them now. */
  tables(): Promise<LakeView> {
    return LakeView.open(this.catalog, this.#branch);
  }

  /** The current worker connection (a new one after the worker was lost). */
  get worker(): WorkerClient {
    return this.link.client;
  }

  get local(): LocalWorker | undefined {
    return this.link.local;
  }

  /**
   * Work a cell started and may not await (`const p = result("m")` as a script's last
   * cell): the session finishes it before closing, and its failure stays the cell's to
   * see (it never surfaces as an unhandled rejection that kills the process).
   */
  #cellWork<T>(work: Promise<T>): Promise<T> {
    const settled = work.then(() => {}, () => {});
    this.#inFlight.add(settled);
    void settled.finally(() => this.#inFlight.delete(settled));
    return work;
  }

  async close(): Promise<void> {
    await Promise.all(this.#inFlight);
    await this.link.close();
    this.duck.close();
    await this.store.close();
  }

  definitions(): ModelDefinition[] {
    return this.#cells.definitions();
  }

  /**
   * Replaces the definitions a cell made before; returns the cell's value and models.
   * `sqlBodyLine`: for a %%sql header the caller added, the user's line of the SQL's start.
   * Nothing is checked against the lake (a project's files may name models defined in
   * files loaded later): `defineCell` is the checked step for notebooks and the REPL.
   */
  async applyCell(cell: string, source: string, options: { sqlBodyLine?: number } = {}): Promise<{ models: string[]; value: unknown; moved: string[] }> {
    const definitions = parseMagicCell(cell, source, options.sqlBodyLine);
    const result = definitions ? { definitions, parameters: [], value: undefined } : await this.#context.evaluate(cell, source);
    this.params.setCell(cell, result.parameters, this.redefine);
    const moved = this.#cells.set(cell, result.definitions);
    return { models: result.definitions.map((d) => d.name), value: result.value, moved };
  }

  removeCell(cell: string): void {
    this.#cells.remove(cell);
    this.params.removeCell(cell);
  }

  /** The models whose outputs the user has seen in this session (a parameter change brings them up to date). */
  seenModels(): string[] {
    return [...this.#seen].filter((name) => this.definitions().some((d) => d.name === name && !d.expect));
  }

  /** The DAG of the definitions (default: the session's), with the models that cannot be planned set apart. */
  async #build(definitions = this.definitions()): Promise<BuiltDag> {
    return buildDag(definitions, { catalog: await this.tables(), duck: this.duck, params: this.params.resolve() });
  }

  /**
   * Models that could be planned with the definitions `before` and cannot now, apart
   * from `own` (what the change itself defined). Only built again when some model
   * cannot be planned now, which is rare, so a good cell costs one build.
   */
  async #newlyBroken(built: BuiltDag, before: CellSnapshot, own: string[]): Promise<string[]> {
    const others = [...built.broken.keys()].filter((name) => !own.includes(name));
    if (others.length === 0) return [];
    const earlier = await this.#build([...before.values()].flat());
    return others.filter((name) => !earlier.broken.has(name));
  }

  /**
   * Applies a cell as one step: when a model it defines cannot be planned (a bad filter,
   * an unknown table or column, a cycle) or it breaks a model that could be planned
   * before, the session's definitions are left as they were and that error is thrown,
   * so it shows once, at this cell, and never at the cells after it.
   */
  async defineCell(cell: string, source: string): Promise<{ models: string[]; value: unknown; moved: string[]; built?: BuiltDag }> {
    const before = this.#cells.snapshot();
    const paramsBefore = this.params.snapshot();
    const applied = await this.applyCell(cell, source);
    if (applied.models.length === 0 && applied.moved.length === 0 && !before.has(cell)) return applied;
    try {
      const built = await this.#build();
      const own = applied.models.find((name) => built.broken.has(name));
      if (own) throw built.broken.get(own)!;
      const [broken] = await this.#newlyBroken(built, before, applied.models);
      if (broken) {
        const at = this.definitions().find((d) => applied.models.includes(d.name))?.at ?? { cell, line: 1 };
        throw new DefinitionError("BREAKS_MODEL", `this cell would break model "${broken}": ${built.broken.get(broken)!.message}`, at);
      }
      return { ...applied, built };
    } catch (err) {
      this.#cells.restore(before);
      this.params.restore(paramsBefore);
      throw err;
    }
  }

  /**
   * Removes models from the session. Refused, with nothing removed, when a model that
   * stays reads one of them (unless a lake table of that name takes its place).
   */
  async dropModels(names: string[]): Promise<ModelDefinition[]> {
    const defined = this.definitions();
    for (const name of names) {
      if (!defined.some((d) => d.name === name)) throw new DefinitionError("UNKNOWN_MODEL", `no model named "${name}"; models: ${defined.map((d) => d.name).join(", ") || "none yet"}`);
    }
    const before = this.#cells.snapshot();
    this.#cells.removeModels(names);
    const broken = await this.#newlyBroken(await this.#build(), before, []);
    if (broken.length) {
      this.#cells.restore(before);
      const readers = broken.map((name) => `"${name}"`).join(", ");
      throw new DefinitionError("MODEL_IN_USE", `cannot drop ${names.map((n) => `"${n}"`).join(", ")}: ${broken.length > 1 ? "models" : "model"} ${readers} ${broken.length > 1 ? "read" : "reads"} it; drop ${broken.length > 1 ? "them" : "it"} too, in the same command`);
    }
    for (const name of names) {
      this.#seen.delete(name);
      this.#previous.delete(modelKey(name));
    }
    return defined.filter((d) => names.includes(d.name));
  }

  /** Throws the first definition that cannot be planned (a project's files must all hold). */
  async check(): Promise<void> {
    const [first] = (await this.#build()).broken.values();
    if (first) throw first;
  }

  /** Plans the targets (default: every model that can be planned) against what the worker holds; `built`: the DAG if just built. */
  async plan(targets?: string[], built?: BuiltDag, controls: RunControls = {}): Promise<PlannedRun> {
    const { graph, broken } = built ?? await this.#build();
    const names = targets ?? [...graph.nodes.values()].filter((n) => n.kind !== "scan").map((n) => n.name);
    for (const name of names) {
      const error = broken.get(name);
      if (error) throw error;
      if (!graph.model(name)) throw new DefinitionError("UNKNOWN_TARGET", `no model named "${name}"; models: ${this.definitions().map((d) => d.name).join(", ") || "none yet"}`);
    }
    const excluded = targets ? [] : [...broken].map(([name, error]) => ({ name, error }));
    const parts = fingerprintAll(graph);
    // A model's expectations run with it.
    const keys = withChecks(graph, names.map(modelKey));
    const { notice } = await this.link.ready();
    if (notice) this.onNotice(notice);
    const all = graph.topological(keys);
    const reply = await this.worker.request<Extract<Reply, { type: "has" }>>({ type: "has", nodes: all.map((k) => parts.get(k)!.fingerprint) });
    const resident = new Set(reply.resident);
    return { graph, parts, plan: planRun(graph, parts, keys, (fp) => resident.has(fp), this.#previous, { cacheOff: controls.cacheOff }), excluded };
  }

  /** The plan's three views, with the worker's cache diff of each scan. */
  async explain(targets?: string[]): Promise<string> {
    const planned = await this.plan(targets);
    const scans = planned.plan.nodes.filter((p) => p.action === "run" && p.node.kind === "scan");
    const reply = scans.length ? await this.worker.request<Extract<Reply, { type: "diff" }>>({
      type: "diff",
      scans: scans.map((p) => ({ node: p.parts.fingerprint, ...scanSpecOf(p.node as ScanNode) })),
    }) : { diffs: [] };
    const diffs = new Map(reply.diffs.map((d) => [d.node, d.summary]));
    const excluded = planned.excluded.map((e) => `not planned: ${e.name}, its definition fails: ${e.error.message}`);
    return [formatLogicalPlan(planned.graph, planned.plan), formatPhysicalPlan(planned.plan), formatWorkerPlan(planned.plan, diffs), ...excluded].join("\n\n");
  }

  /** Runs the targets (default: every model), reusing what the worker holds. */
  async run(targets?: string[], onEvent: (event: NodeEvent) => void = () => {}, options: { previewRows?: number; onStart?: (runId: string) => void; built?: BuiltDag } & RunControls = {}): Promise<RunReport> {
    let built = options.built;
    // A worker lost mid-run is replaced, and the run planned and run again on the new one.
    const timing = { plan: 0, run: 0 };
    const { planned, events, outcome } = await retryAfterWorkerLoss(() => replanWhenStale(async () => {
      const t0 = performance.now();
      // The DAG the caller just built serves the first plan; a retry builds it again.
      const planned = await this.plan(targets, built, options);
      built = undefined;
      timing.plan = performance.now() - t0;
      const workerPlan = toWorkerPlan(planned.plan, planned.parts, this.#branch, { strict: options.strict, cacheOff: options.cacheOff });
      const events: NodeEvent[] = [];
      let runId: string | undefined;
      const started = (id: string) => { runId = id; this.#running.add(id); options.onStart?.(id); };
      const outcome = await this.worker.run(workerPlan, (e) => { events.push(e); onEvent(e); }, { previewRows: options.previewRows, previewFrom: options.previewFrom, onStart: started })
        .finally(() => { if (runId) this.#running.delete(runId); });
      timing.run = performance.now() - t0 - timing.plan;
      return { planned, events, outcome };
    }), (err) => this.onNotice(`${err.message}; ${this.link.remote ? `reconnecting to ${this.link.remote.endpoint}` : "starting a new local worker"} to run again`));
    const byId = new Map(planned.plan.nodes.map((p) => [p.parts.fingerprint, p]));
    const start = plannedStates(planned.plan.nodes.map((p) => ({ id: p.parts.fingerprint, name: p.node.name, kind: p.node.kind, reason: p.reason })));
    const nodes: NodeReport[] = foldNodeEvents(start, events).map((n) => {
      const p = byId.get(n.id)!;
      // A node the worker said nothing of was not needed: reused as planned, or skipped.
      if (n.action === "planned") return { ...n, action: p.action === "reuse" ? "reused" : "skipped" };
      if (n.action === "ran" || n.action === "reused") this.#previous.set(p.key, p.parts);
      if (n.action !== "failed") return n;
      const where = mapModelStack(planned, p.key, n.stack);
      return where ? { ...n, error: `${n.error}\n    at ${where}` } : n;
    });
    for (const p of planned.plan.nodes) if (p.node.kind !== "scan" && planned.plan.targets.includes(p.key)) this.#seen.add(p.node.name);
    // Models left out of a run of everything fail there with their own error.
    for (const { name, error } of planned.excluded) {
      nodes.push({ id: modelKey(name), name, kind: this.definitions().find((d) => d.name === name)?.kind ?? "ts", action: "failed", reason: "definition", read: emptyReadStats(), installs: [], error: error.message });
    }
    const checks = reportExpectations(planned.plan, nodes, events, outcome.previews, { strict: options.strict });
    this.#recordChecks(checks.expectations);
    const done: RunReport = { ...outcome, previews: checks.previews, nodes, planned, timing, expectations: checks.expectations };
    if (nodes.some((n) => n.action === "ran" || n.action === "failed")) this.lastRun = done;
    return done;
  }

  /** An expectation that did not run (its model failed or was not needed) keeps its last result. */
  #recordChecks(results: ExpectationResult[]): void {
    for (const e of results) if (e.status !== "skipped") this.#checks.set(e.name, e);
  }

  /**
   * The blocking expectations of the session's models whose latest result failed or
   * could not run, each with the tables it kept from being written (`stopped`).
   */
  failingExpectations(): ExpectationResult[] {
    const defined = new Set(this.definitions().map((d) => d.name));
    return blockingFailures({ expectations: [...this.#checks.values()].filter((e) => defined.has(e.name)) });
  }

  /**
   * Applies a cell and runs what it defined plus the models downstream of them that
   * already ran in this session.
   */
  async runCell(cell: string, source: string, onEvent?: (event: NodeEvent) => void): Promise<{ value: unknown; report?: RunReport }> {
    const { models, value, built } = await this.defineCell(cell, source);
    // A cell that only declares parameters re-plans what the user has seen: a new default is an edit.
    const declares = this.params.declarations().some((p) => p.at.cell === cell);
    if (models.length === 0 && declares && this.seenModels().length) return { value, report: await this.run(this.seenModels(), onEvent) };
    if (models.length === 0 || !built) return { value };
    const targets = new Set(models);
    for (const name of models) {
      for (const key of built.graph.descendants(modelKey(name))) {
        const node = built.graph.get(key);
        if (this.#seen.has(node.name)) targets.add(node.name);
      }
    }
    return { value, report: await this.run([...targets], onEvent, { built }) };
  }

  /** Cancels the runs in flight (a front end's interrupt); true when there was one. */
  async cancel(): Promise<boolean> {
    const runs = [...this.#running];
    await Promise.all(runs.map((id) => this.worker.cancel(id).catch(() => {})));
    return runs.length > 0;
  }

  /** A model's output as one Arrow table, running what it needs first (reusing what is resident). */
  async result(model: string): Promise<import("apache-arrow").Table> {
    if (!this.definitions().some((d) => d.name === model)) throw new Error(`result("${model}"): no model of that name; defined: ${this.definitions().map((d) => d.name).join(", ") || "none"}`);
    const batches = await retryAfterWorkerLoss(async () => {
      const report = await this.run([model]);
      const failed = report.nodes.find((n) => n.action === "failed");
      if (failed) throw new Error(`result("${model}"): ${failed.name} failed: ${failed.error}`);
      return this.fetch(model, report.planned);
    });
    const [first, ...rest] = batches;
    if (!first) throw new Error(`result("${model}"): the worker returned no table`);
    return rest.length ? first.concat(...rest) : first;
  }

  /**
   * A model's whole output, streamed from the worker. `from`: the run that made it. A
   * plan made now may see a newer snapshot of a table (another process committed one
   * since the run) and name an output the worker never made, so a caller that ran
   * first fetches what that run made: one snapshot and one plan from plan to fetch.
   */
  async fetch(model: string, from?: PlannedRun): Promise<import("apache-arrow").Table[]> {
    const planned = from ?? await this.plan([model]);
    const part = planned.parts.get(modelKey(model));
    if (!part) throw new Error(`fetch("${model}"): the run given did not plan that model`);
    return this.worker.fetch(part.fingerprint);
  }
}
