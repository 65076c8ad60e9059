// The list of `lakeloop` subcommands, in the order `lakeloop --help` shows them.
import type { Command } from "../command.js";

export const commands: Command[] = [];
