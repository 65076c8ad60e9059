// The sample table with its progress as lines of text, for every front end that writes
// it: `lakeloop sample`, and the first use of the embedded default lake by the REPL, the
// CLI and the Jupyter kernel (each shows the same lines its own way).
import type { Catalog } from "../lake/iceberg/catalog.js";
import { formatBytes } from "../lake/ingest/describe.js";
import { SAMPLE_TABLE, writeSample, type SampleOptions } from "../lake/ingest/sample.js";

/**
 * Writes the sample table, calling `onLine` with "sample: month 3/12, 250,000 rows,
 * 3.1 MB" as it goes; returns the closing "wrote default.transactions: …" line.
 */
export async function writeSampleReporting(catalog: Catalog, options: Omit<SampleOptions, "onProgress">, onLine: (line: string) => void): Promise<string> {
  const started = performance.now();
  // Progress counts restart every month; keep the finished months' totals.
  const finished = { rows: 0, bytes: 0 };
  const current = { month: 0, rows: 0, bytes: 0 };
  const table = await writeSample(catalog, {
    ...options,
    onProgress: (p) => {
      if (p.month !== current.month) {
        finished.rows += current.rows;
        finished.bytes += current.bytes;
        current.month = p.month;
      }
      current.rows = p.rows;
      current.bytes = p.bytes;
      onLine(`sample: month ${p.month}/${p.months}, ${(finished.rows + p.rows).toLocaleString("en-US")} rows, ${formatBytes(finished.bytes + p.bytes)}`);
    },
  });
  const files = await table.dataFiles();
  const rows = files.reduce((s, f) => s + f.recordCount, 0);
  const bytes = files.reduce((s, f) => s + f.fileSizeBytes, 0);
  return `wrote ${table.name}: ${rows.toLocaleString("en-US")} rows in ${files.length} files (${formatBytes(bytes)}), ` +
    `snapshot ${table.currentSnapshot()!["snapshot-id"]}, in ${((performance.now() - started) / 1000).toFixed(1)} s`;
}

/**
 * The embedded default lake's sample data, written on first use (a lake the user chose
 * is never written unasked: callers only call this for the default one). Undefined
 * when it is there already; else the notice first, then progress, and the closing line.
 */
export async function writeSampleOnFirstUse(catalog: Catalog, onLine: (line: string) => void): Promise<string | undefined> {
  if (await catalog.tableExists(SAMPLE_TABLE)) return undefined;
  onLine(`The default lake (${catalog.store.root}) has no sample data yet: writing it once.`);
  return writeSampleReporting(catalog, {}, onLine);
}
