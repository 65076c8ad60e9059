// The key decoder: a burst of bytes in one read is split into keys, control bytes are
// never text, a bracketed paste is text with its line breaks.
import { describe, expect, it } from "vitest";
import { KeyDecoder, type Key } from "./keys.js";

const k = (name: string, mods: Partial<{ ctrl: boolean; meta: boolean; shift: boolean }> = {}): Key => ({ kind: "key", name, ctrl: false, meta: false, shift: false, ...mods });
const t = (text: string): Key => ({ kind: "text", text });
const decode = (input: string) => new KeyDecoder().decode(input);

describe("KeyDecoder", () => {
  it("splits a burst of backspaces into keys, never text", () => {
    const keys = decode("\x7f".repeat(325));
    expect(keys).toHaveLength(325);
    expect(keys.every((key) => key.kind === "key" && key.name === "backspace")).toBe(true);
    expect(decode("ab\x7f\x7fcd\r")).toEqual([t("ab"), k("backspace"), k("backspace"), t("cd"), k("enter")]);
  });

  it("reads control keys, arrows with modifiers, Home/End/Delete and Alt chords", () => {
    expect(decode("\x01\x05\x15\x0b\x17\x03\x04")).toEqual(["a", "e", "u", "k", "w", "c", "d"].map((n) => k(n, { ctrl: true })));
    expect(decode("\x1b[D\x1b[C\x1b[A\x1b[B")).toEqual([k("left"), k("right"), k("up"), k("down")]);
    expect(decode("\x1b[1;5D\x1b[1;5C\x1b[1;3D")).toEqual([k("left", { ctrl: true }), k("right", { ctrl: true }), k("left", { meta: true })]);
    expect(decode("\x1b[H\x1b[F\x1b[1~\x1b[4~\x1bOH\x1bOF\x1b[3~")).toEqual([k("home"), k("end"), k("home"), k("end"), k("home"), k("end"), k("delete")]);
    expect(decode("\x1bb\x1bf\x1b\x7f\x1b\r")).toEqual([k("b", { meta: true }), k("f", { meta: true }), k("backspace", { meta: true }), k("enter", { meta: true })]);
    expect(decode("\x1b[1;5H\x1b[1;5F\x1b<\x1b>")).toEqual([k("home", { ctrl: true }), k("end", { ctrl: true }), k("<", { meta: true }), k(">", { meta: true })]);
    expect(decode("\x1b")).toEqual([k("escape")]);
  });

  it("drops unknown sequences and bytes instead of inserting them", () => {
    expect(decode("a\x1b[99zb\x1c")).toEqual([t("a"), t("b")]);
  });

  it("reads lines typed faster than they are read as text and Enters (CR, LF or both)", () => {
    expect(decode("}\rtotal()\r")).toEqual([t("}"), k("enter"), t("total()"), k("enter")]);
    expect(decode("\r\r")).toEqual([k("enter"), k("enter")]);
    expect(decode("a\r\nb")).toEqual([t("a"), k("enter"), t("b")]);
    expect(decode("%%sql t\nSELECT 1")).toEqual([t("%%sql t"), k("enter"), t("SELECT 1")]);
    expect(decode("x.\t")).toEqual([t("x."), k("tab")]);
  });

  it("reads a bracketed paste as text, also across reads, control bytes included", () => {
    const decoder = new KeyDecoder();
    expect(decoder.decode("\x1b[200~line one\r")).toEqual([]);
    expect(decoder.decode("line two\x7f\x1b[201~\r")).toEqual([t("line one\nline two\x7f"), k("enter")]);
  });
});
