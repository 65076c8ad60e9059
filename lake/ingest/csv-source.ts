// The DuckDB query that reads a CSV file for import, after making sure DuckDB will
// read it the way lakeloop promises: the first line is the header and every line has
// as many fields as the header. DuckDB's dialect sniffer may otherwise take a ragged
// line for the header (a last line with one extra field made every row above it
// "preamble" and imported 0 rows), so a sniff that skips lines or disagrees with the
// header's field count sends us looking for the ragged line, which is refused by name.
// Numbers with more digits than a double keeps become exact decimals.
import { createReadStream } from "node:fs";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { quoteIdent, quoteLiteral, type Duck } from "../../columnar/duckdb.js";
import { countFields, findRaggedLine } from "./csv-errors.js";
import { ImportError } from "./errors.js";

interface Sniffed {
  Delimiter: string;
  SkipRows: number | bigint;
  Columns: { name: string; type: string }[];
}

/** The first non-empty line of a text file (the CSV header). */
async function firstLine(file: string): Promise<string | undefined> {
  const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  try {
    for await (const text of lines) if (text.trim() !== "") return text;
  } finally {
    lines.close();
  }
  return undefined;
}

/** SQL selecting the rows of a CSV file, or an ImportError naming the line at fault. */
export async function csvSourceSql(duck: Duck, file: string, hivePartitioning = false): Promise<string> {
  const lit = quoteLiteral(path.resolve(file));
  let sniffed: Sniffed | undefined;
  try {
    sniffed = (await duck.rows(`SELECT Delimiter, SkipRows, Columns FROM sniff_csv(${lit}, hive_partitioning = false)`))[0] as unknown as Sniffed;
  } catch { /* reported below */ }
  // A sniffer that found one column whose name holds a delimiter gave up on the dialect.
  const single = sniffed?.Columns.length === 1 ? sniffed.Columns[0]!.name : undefined;
  const gaveUp = !sniffed || (single !== undefined && /[,;\t|]/.test(single));
  const delimiter = gaveUp ? (single?.includes(";") ? ";" : single?.includes("\t") ? "\t" : single?.includes("|") ? "|" : ",") : sniffed!.Delimiter;
  const header = await firstLine(file);
  const headerFields = header === undefined ? 0 : countFields(header, delimiter);
  if (gaveUp || Number(sniffed!.SkipRows) > 0 || sniffed!.Columns.length !== headerFields) {
    const ragged = await findRaggedLine(file, delimiter);
    if (ragged) {
      throw new ImportError("BAD_CSV", `${path.basename(file)} line ${ragged.line}: expected ${ragged.expected} fields like the header, found ${ragged.found}`);
    }
    if (gaveUp) throw new ImportError("BAD_CSV", `${path.basename(file)} is not a CSV file lakeloop can read (no consistent delimiter found)`);
  }
  // skip = 0: the first line is the header, whatever the sniffer thought.
  const options = `delim = ${quoteLiteral(delimiter)}, header = true, skip = 0, hive_partitioning = ${hivePartitioning}`;
  const types = await exactNumberTypes(duck, file, `${lit}, ${options}`);
  const override = Object.entries(types).map(([name, type]) => `${quoteLiteral(name)}: ${quoteLiteral(type)}`).join(", ");
  return `SELECT * FROM read_csv(${lit}, ${options}, strict_mode = true${override ? `, types = {${override}}` : ""})`;
}

/**
 * Decimal types for the columns the sniffer made DOUBLE but whose numbers have more
 * digits than a double keeps (15): "18446744073709551615" or "1.000000000000000001"
 * would be rounded. Written in plain notation, they become decimal(P, S) exactly;
 * beyond 38 digits they are refused.
 */
async function exactNumberTypes(duck: Duck, file: string, readArgs: string): Promise<Record<string, string>> {
  const doubles = (await duck.rows(`DESCRIBE SELECT * FROM read_csv(${readArgs})`).catch(() => []))
    .filter((r) => r.column_type === "DOUBLE").map((r) => String(r.column_name));
  if (doubles.length === 0) return {};
  const measures = doubles.flatMap((c, i) => {
    const v = `trim(${quoteIdent(c)})`;
    return [
      `max(length(regexp_extract(${v}, '^[+-]?0*(\\d*)', 1))) AS i${i}`,
      `max(length(regexp_extract(${v}, '\\.(\\d*)$', 1))) AS s${i}`,
      `bool_and(${quoteIdent(c)} IS NULL OR regexp_full_match(${v}, '[+-]?\\d*(\\.\\d*)?')) AS plain${i}`,
    ];
  });
  const [row] = await duck.rows(`SELECT ${measures.join(", ")} FROM read_csv(${readArgs}, all_varchar = true)`);
  const types: Record<string, string> = {};
  doubles.forEach((column, i) => {
    const digits = Number(row![`i${i}`] ?? 0) + Number(row![`s${i}`] ?? 0);
    const scale = Number(row![`s${i}`] ?? 0);
    if (row![`plain${i}`] !== true || digits <= 15) return; // a double holds every digit written
    if (digits > 38) {
      throw new ImportError("NUMBER_TOO_WIDE", `${path.basename(file)} column ${column} holds numbers of ${digits} digits; ` +
        `a table keeps at most 38 digits exactly (decimal(38)) and lakeloop does not round them into a double`);
    }
    types[column] = `DECIMAL(${digits},${scale})`;
  });
  return types;
}
