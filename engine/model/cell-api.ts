// What cells and project files get as "lakeloop": the functions that declare models,
// inputs, parameters and expectations. The cells' context and their language service
// (completion, type warnings) both read this one list.
export { model, Model, type ModelContext, type ScanOptions } from "./api.js";
export type { InputRef, ModelOptions } from "./definition.js";
export { Parameter, type ParameterHandle } from "../params/declare.js";
export { expect, type ExpectOptions, type CheckOptions } from "../expect/declare.js";
