// Opening the REPL: a session on the lake (sample data created on first use of the
// default lake, with progress), then the Ink app on a terminal or the script runner on
// piped input.
import { createElement } from "react";
import { Session } from "../engine/session.js";
import { CellLanguage } from "../engine/complete/ts-language.js";
import { listTableNames } from "../engine/commands/describe-session.js";
import { loadApp } from "./load-app.js";
import { appendHistory, historyFile, loadHistory } from "./history.js";
import { runScript } from "./run-script.js";
import { seedScript } from "./seed-script.js";

const BRACKETED_PASTE_ON = "\x1b[?2004h";
const BRACKETED_PASTE_OFF = "\x1b[?2004l";

export interface ReplOptions {
  lake: string;
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
}

export async function startRepl(options: ReplOptions): Promise<number> {
  const interactive = Boolean(options.stdin.isTTY);
  let session: Session | undefined;
  const notice = (m: string) => options.stdout.write(`lakeloop: ${m}\n`);
  session = await Session.open({ lake: options.lake, env: options.env, redefine: "replace", onNotice: notice });
  try {
    if (!interactive) {
      const chunks: Buffer[] = [];
      for await (const chunk of options.stdin) chunks.push(chunk as Buffer);
      let script = Buffer.concat(chunks).toString("utf8");
      if (script.trim() === "") {
        options.stdout.write("lakeloop: no terminal and no script on stdin: running the seed example (examples/seed) as a script.\n");
        script = await seedScript();
      }
      return await runScript(session, script, (t) => options.stdout.write(t));
    }
    const file = historyFile(options.env);
    const history = loadHistory(file);
    const tables = await listTableNames(session).catch(() => [] as string[]);
    const banner = `lakeloop on ${options.lake} — tables: ${tables.join(", ") || "none"}. .help for commands; Enter runs a complete cell.`;
    // Bracketed paste: the terminal marks pasted text, so a paste is never taken for keys.
    const { render, App } = await loadApp();
    options.stdout.write(BRACKETED_PASTE_ON);
    const app = render(createElement(App, {
      session,
      language: new CellLanguage(),
      history,
      onHistory: (entry: string) => { history.push(entry); appendHistory(file, entry); },
      banner,
    }), { exitOnCtrlC: false, stdin: options.stdin, stdout: options.stdout });
    try {
      await app.waitUntilExit();
    } finally {
      options.stdout.write(BRACKETED_PASTE_OFF);
    }
    return 0;
  } finally {
    await session.close();
  }
}
