// The public API of the `lakeloop` package.
export { model, Model } from "./model/api.js";
export type { InputRef, ModelOptions } from "./model/definition.js";
export { Session, type SessionOptions, type RunReport, type NodeReport } from "./session.js";
