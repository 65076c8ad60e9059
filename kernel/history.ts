// The kernel's input history for history_request: tail, range and search (glob
// patterns, unique, last n), each entry [session, line, input] or with its output.
export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`, "s");
}

export class History {
  readonly entries: HistoryEntry[] = [];
  constructor(readonly session: number) {}

  add(input: string, output: string | null): void {
    this.entries.push({ session: this.session, line: this.entries.length + 1, input, output });
  }

  query(request: { hist_access_type?: string; n?: number; start?: number; stop?: number; pattern?: string; unique?: boolean; output?: boolean }): unknown[] {
    let selected: HistoryEntry[];
    switch (request.hist_access_type) {
      case "range":
        selected = this.entries.filter((e) => e.line >= (request.start ?? 1) && (request.stop === undefined || request.stop === null || e.line < request.stop));
        break;
      case "search": {
        const re = globToRegExp(request.pattern ?? "*");
        selected = this.entries.filter((e) => re.test(e.input));
        if (request.unique) {
          const seen = new Set<string>();
          selected = selected.reverse().filter((e) => !seen.has(e.input) && seen.add(e.input)).reverse();
        }
        if (request.n) selected = selected.slice(-request.n);
        break;
      }
      default:
        selected = this.entries.slice(-(request.n ?? 10));
    }
    return selected.map((e) => [e.session, e.line, request.output ? [e.input, e.output] : e.input]);
  }
}
