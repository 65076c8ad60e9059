// The Ink app, loaded so that it draws live on a terminal even where CI or
// CONTINUOUS_INTEGRATION is set. Ink reads those once, as it loads, and then draws only
// the last frame (for CI logs): a REPL that someone types into (a person, or tmux in a
// test) would show no editor and no progress. The variables are hidden only while Ink
// loads; the session, its worker and models see the environment as it was.
const CI_VARIABLES = ["CI", "CONTINUOUS_INTEGRATION"] as const;

export async function loadApp(): Promise<{ render: typeof import("ink").render; App: typeof import("./components/app.js").App }> {
  const saved = CI_VARIABLES.map((name) => [name, process.env[name]] as const);
  for (const [name] of saved) delete process.env[name];
  try {
    const [{ render }, { App }] = await Promise.all([import("ink"), import("./components/app.js")]);
    return { render, App };
  } finally {
    for (const [name, value] of saved) if (value !== undefined) process.env[name] = value;
  }
}
