// The rooms and the one direction between them (docs/architecture-notes.md, "Rooms"):
// checked in CI by `npm run check:rooms`. Tests, benches and scripts may reach anywhere.
const ROOMS = ["cli", "kernel", "repl", "engine", "protocol", "worker", "sandbox", "cache", "lake", "columnar", "secrets"];
const room = (name) => `^${name}/`;
const only = (from, allowed) => ({
  name: `${from}-imports-${allowed.join("-") || "nothing"}`,
  comment: `${from}/ may import ${allowed.length ? allowed.map((r) => r + "/").join(", ") : "no other room"} (and itself)`,
  severity: "error",
  from: { path: room(from), pathNot: "\\.test\\.tsx?$" },
  to: { path: `^(${ROOMS.filter((r) => r !== from && !allowed.includes(r)).join("|")})/` },
});

module.exports = {
  forbidden: [
    {
      name: "no-circular",
      comment: "no file imports itself through others (type-only imports count)",
      severity: "error",
      from: { pathNot: "^node_modules" },
      to: { circular: true },
    },
    // Front ends: the engine only.
    only("kernel", ["engine"]),
    only("repl", ["engine"]),
    // The control plane: the protocol to talk to a worker, the lake to plan on metadata,
    // the ground floor. Never a front end, never the worker's inside.
    only("engine", ["protocol", "lake", "columnar", "secrets"]),
    only("protocol", []),
    // The data plane and its parts, each above the ones it uses.
    only("worker", ["protocol", "sandbox", "cache", "lake", "columnar", "secrets"]),
    only("sandbox", ["columnar", "secrets"]),
    only("cache", ["lake", "columnar"]),
    only("lake", ["columnar", "secrets"]),
    only("columnar", []),
    only("secrets", []),
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "^(dist|node_modules|\\.lakeloop|\\.scratch)/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default"], extensions: [".ts", ".tsx", ".js", ".cjs", ".mjs"] },
  },
};
