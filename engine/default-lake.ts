// The embedded default lake: under the folder a front end runs in (the REPL's, the
// CLI's, or the notebook's folder for the Jupyter kernel), when no lake is chosen.
export const DEFAULT_LAKE = "file://./.lakeloop/lake";
