// `%param` / `.param`: the session's parameters. With no argument it lists them; with a
// name, that one; with a name and a value it gives the parameter that value (read as its
// type; `--default` goes back to the default) and brings the models shown so far up to
// date — the planner runs only the nodes whose fingerprints the value is part of.
import type { NodeEvent } from "../../protocol/messages.js";
import type { RunReport, Session } from "../session.js";

export const PARAM_USAGE = "param [name [value | --default]]";
export const PARAM_SUMMARY = "list parameters, or give one a value (and re-run what uses it)";

/** `'2023-01-01 10:00'` or `"a b"` as the text inside the quotes; anything else as it is. */
function unquote(text: string): string {
  const m = /^(['"])(.*)\1$/s.exec(text);
  return m ? m[2]! : text;
}

export async function runParamCommand(session: Session, args: string, onEvent?: (e: NodeEvent) => void): Promise<{ text: string; report?: RunReport }> {
  const m = /^(\S+)(?:\s+([\s\S]*))?$/.exec(args.trim());
  if (!m) return { text: session.params.describe() };
  const name = m[1]!;
  const raw = m[2]?.trim();
  if (raw === undefined) return { text: session.params.describe(name) };
  if (raw === "--default") session.params.reset(name);
  else session.params.set(name, unquote(raw));
  const value = session.params.resolve().get(name)!.value;
  const text = `${name} = ${value ?? "(no value)"}`;
  const seen = session.seenModels();
  if (seen.length === 0) return { text };
  return { text, report: await session.run(seen, onEvent) };
}
