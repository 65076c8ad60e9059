// Global flags every subcommand accepts without declaring them (--lake, --catalog):
// pulled out of argv, before or after the subcommand, as `--flag VALUE` or `--flag=VALUE`.

export interface PulledFlag {
  value?: string;
  /** argv without the flag and its value. */
  rest: string[];
}

/** `needs` completes the error "--flag needs …" when the value is missing. */
export function pullFlag(argv: string[], flag: string, needs: string): PulledFlag {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === flag) {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith("--")) throw new Error(`${flag} needs ${needs}`);
      value = next;
      i++;
    } else if (arg.startsWith(`${flag}=`)) {
      value = arg.slice(flag.length + 1);
    } else {
      rest.push(arg);
    }
  }
  return { value, rest };
}
