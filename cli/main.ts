// Entry point of the `lakeloop` command: dispatches a subcommand.
export async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h") {
    process.stdout.write("lakeloop — iterate on data pipelines over an Iceberg lake\n");
    return 0;
  }
  process.stderr.write(`lakeloop: unknown command '${argv[0]}'. Run 'lakeloop --help'.\n`);
  return 2;
}
