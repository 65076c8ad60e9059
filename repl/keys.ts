// Terminal input bytes to keys. Whatever arrives in one read (a burst of backspaces, a
// line and its Enter and the next line typed faster than they are read) is split into
// keys: control bytes and escape sequences are always keys, never text, and unknown
// sequences are dropped. CR is Enter, and so is LF (what Enter becomes in keys typed
// before the terminal went raw). A paste is told from typing by bracketed paste
// (ESC[200~ … ESC[201~, which the REPL turns on): it is text, line breaks included,
// inserted in one piece.

export type KeyName =
  | "enter" | "tab" | "backtab" | "backspace" | "delete" | "escape"
  | "up" | "down" | "left" | "right" | "home" | "end" | "pageup" | "pagedown"
  | string; // a letter or symbol with ctrl or meta: "a" for Ctrl-A, "b" for Alt-B

export type Key =
  | { kind: "text"; text: string }
  | { kind: "key"; name: KeyName; ctrl: boolean; meta: boolean; shift: boolean };

const ESC = "\u001b";
const PASTE_START = `${ESC}[200~`;
const PASTE_END = `${ESC}[201~`;

const key = (name: KeyName, mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean }> = {}): Key =>
  ({ kind: "key", name, ctrl: mods.ctrl ?? false, meta: mods.meta ?? false, shift: mods.shift ?? false });

/** CSI/SS3 final bytes and `~` codes to key names. */
const FINAL: Record<string, KeyName> = { A: "up", B: "down", C: "right", D: "left", H: "home", F: "end", Z: "backtab", M: "enter" };
const TILDE: Record<string, KeyName> = { "1": "home", "7": "home", "4": "end", "8": "end", "3": "delete", "5": "pageup", "6": "pagedown" };

/** Control bytes (other than CR, LF and Tab, which depend on context) to keys. */
function controlKey(code: number): Key | undefined {
  if (code === 0x7f || code === 0x08) return key("backspace");
  if (code === 0x00) return key("space", { ctrl: true });
  if (code >= 0x01 && code <= 0x1a) return key(String.fromCharCode(code + 0x60), { ctrl: true });
  if (code === 0x1f) return key("_", { ctrl: true });
  return undefined; // FS, GS, RS: nothing an editor needs
}

/** xterm's modifier parameter (1 + shift 1, alt 2, ctrl 4, meta 8). */
function modifiers(param: string | undefined): { ctrl: boolean; meta: boolean; shift: boolean } {
  const m = Math.max(0, Number(param ?? 1) - 1);
  return { shift: (m & 1) !== 0, meta: (m & 2) !== 0 || (m & 8) !== 0, ctrl: (m & 4) !== 0 };
}

/** One escape sequence at `at`: the key (undefined for an unknown one) and its length. */
function escapeSequence(input: string, at: number): { key?: Key; length: number } {
  const rest = input.slice(at + 1);
  if (rest === "") return { key: key("escape"), length: 1 };
  const csi = /^\[([0-9;]*)([@-~])/.exec(rest);
  if (csi) {
    const [, params, final] = csi;
    const parts = params!.split(";");
    const name = final === "~" ? TILDE[parts[0]!] : FINAL[final!];
    const raw = params === "200" || params === "201" ? key(params === "200" ? "paste-start" : "paste-end") : undefined;
    return { key: raw ?? (name ? key(name, modifiers(final === "~" ? parts[1] : parts[1] ?? (parts[0] || undefined))) : undefined), length: 1 + csi[0].length };
  }
  const ss3 = /^O([A-Z])/.exec(rest);
  if (ss3) return { key: FINAL[ss3[1]!] ? key(FINAL[ss3[1]!]!) : undefined, length: 3 };
  if (rest.startsWith(ESC)) {
    // ESC ESC [ C and the like: Alt with an arrow on some terminals.
    const inner = escapeSequence(input, at + 1);
    return { key: inner.key?.kind === "key" ? { ...inner.key, meta: true } : inner.key ?? key("escape"), length: 1 + inner.length };
  }
  const next = String.fromCodePoint(rest.codePointAt(0)!);
  const code = next.codePointAt(0)!;
  if (next === "\r" || next === "\n") return { key: key("enter", { meta: true }), length: 1 + next.length };
  if (code === 0x7f || code === 0x08) return { key: key("backspace", { meta: true }), length: 2 };
  if (code < 0x20) {
    const k = controlKey(code);
    return { key: k?.kind === "key" ? { ...k, meta: true } : undefined, length: 2 };
  }
  return { key: key(next.toLowerCase(), { meta: true, shift: next !== next.toLowerCase() }), length: 1 + next.length };
}

export class KeyDecoder {
  #pasting = false;
  #pasted = "";

  /** The keys in one read from the terminal. */
  decode(input: string): Key[] {
    const keys: Key[] = [];
    let text = "";
    const flush = () => { if (text) keys.push({ kind: "text", text }); text = ""; };
    let i = 0;
    while (i < input.length) {
      if (this.#pasting) {
        const end = input.indexOf(PASTE_END, i);
        this.#pasted += input.slice(i, end < 0 ? input.length : end);
        if (end < 0) break;
        const body = this.#pasted.replace(/\r\n?/g, "\n");
        if (body) keys.push({ kind: "text", text: body });
        this.#pasting = false;
        this.#pasted = "";
        i = end + PASTE_END.length;
        continue;
      }
      if (input.startsWith(PASTE_START, i)) {
        flush();
        this.#pasting = true;
        i += PASTE_START.length;
        continue;
      }
      const ch = input[i]!;
      const code = ch.charCodeAt(0);
      if (ch === ESC) {
        flush();
        const seq = escapeSequence(input, i);
        if (seq.key && !(seq.key.kind === "key" && seq.key.name === "paste-end")) keys.push(seq.key);
        i += seq.length;
        continue;
      }
      if (ch === "\r" || ch === "\n" || ch === "\t") {
        flush();
        keys.push(key(ch === "\t" ? "tab" : "enter"));
        i += ch === "\r" && input[i + 1] === "\n" ? 2 : 1; // CR LF is one Enter
        continue;
      }
      if (code < 0x20 || code === 0x7f) {
        flush();
        const k = controlKey(code);
        if (k) keys.push(k);
        i++;
        continue;
      }
      text += ch;
      i++;
    }
    flush();
    return keys;
  }
}
