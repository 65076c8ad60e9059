// The public API of the `lakeloop` package.
export { model, Model } from "./model/api.js";
export type { InputRef, ModelOptions } from "./model/definition.js";
export type { ModelContext } from "./model/api.js";
export { Parameter, type ParameterHandle } from "./params/declare.js";
export type { ParamType } from "./params/param-value.js";
export { expect, type ExpectOptions, type CheckOptions } from "./expect/declare.js";
export { blockingFailures, type ExpectationResult } from "./expect/expectation-results.js";
export { Session, type SessionOptions, type RunReport, type NodeReport, type RunControls } from "./session.js";
// What front ends read of a run: the worker's node events and the state they fold into.
export type { NodeEvent, NodeProfile, ReadStats } from "../protocol/messages.js";
export { applyNodeEvent, cachedBytes, type NodeAction, type NodeState } from "./run/node-state.js";
