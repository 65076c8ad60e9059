// The list of `lakeloop` subcommands, in the order `lakeloop --help` shows them.
import type { Command } from "../command.js";
import { catalogCommand } from "./catalog.js";
import { describeCommand } from "./describe.js";
import { dropCommand } from "./drop.js";
import { importCommand } from "./import.js";
import { kernelCommand } from "./kernel.js";
import { mergeCommand } from "./merge.js";
import { queryCommand } from "./query.js";
import { branchCommand, tagCommand } from "./refs.js";
import { registerCommand } from "./register.js";
import { replCommand } from "./repl.js";
import { rollbackCommand } from "./rollback.js";
import { runCommand } from "./run.js";
import { sampleCommand } from "./sample.js";
import { tablesCommand } from "./tables.js";
import { tourCommand } from "./tour.js";
import { workerCommand } from "./worker.js";

export const commands: Command[] = [replCommand, tourCommand, runCommand, queryCommand, sampleCommand, tablesCommand, describeCommand, importCommand, registerCommand, dropCommand, rollbackCommand, branchCommand, tagCommand, mergeCommand, catalogCommand, kernelCommand, workerCommand];
