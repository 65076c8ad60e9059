// The list of `lakeloop` subcommands, in the order `lakeloop --help` shows them.
import type { Command } from "../command.js";
import { describeCommand } from "./describe.js";
import { importCommand } from "./import.js";
import { sampleCommand } from "./sample.js";
import { tablesCommand } from "./tables.js";
import { tourCommand } from "./tour.js";

export const commands: Command[] = [tourCommand, sampleCommand, tablesCommand, describeCommand, importCommand];
