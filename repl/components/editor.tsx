// The multi-line input: Enter runs a complete cell (the kernel's rule) or adds a line;
// a paste arrives whole and is inserted, never run line by line; Tab completes (one
// match is inserted, several are listed); Up/Down walk the history when the input is
// one line; Ctrl-C is the app's.
import { Box, Text, useInput } from "ink";
import { useRef, useState } from "react";
import { shouldRun } from "../cell-input.js";

export interface EditorProps {
  history: string[];
  onSubmit(text: string): void;
  complete?(text: string, cursor: number): Promise<{ matches: string[]; start: number; end: number }>;
  onInterrupt?(text: string): void;
  active: boolean;
  prompt?: string;
}

export function Editor({ history, onSubmit, complete, onInterrupt, active, prompt = "lakeloop" }: EditorProps) {
  // Keys can arrive faster than React re-renders: read and write the text through a ref.
  const current = useRef("");
  const [text, setShown] = useState("");
  const setText = (value: string) => { current.current = value; setShown(value); };
  const [back, setBack] = useState(-1); // index into history from the end, -1 = editing
  const [hint, setHint] = useState("");

  const submitOrBreak = (value: string) => {
    if (shouldRun(value)) {
      onSubmit(value);
      setText("");
      setBack(-1);
      setHint("");
    } else setText(value + "\n");
  };

  useInput((input, key) => {
    const text = current.current;
    if (key.ctrl && input === "c") return onInterrupt?.(text);
    // Text typed (or sent) faster than it is read arrives with its Enter in one chunk:
    // a single trailing carriage return is still Enter. A multi-line paste is inserted.
    if (!key.return && input.length > 1 && input.endsWith("\r") && !/[\r\n]/.test(input.slice(0, -1))) {
      return submitOrBreak(text + input.slice(0, -1));
    }
    if (key.return) return submitOrBreak(text);
    if (key.tab && complete) {
      void complete(text, text.length).then((c) => {
        if (c.matches.length === 1) setText(text.slice(0, c.start) + c.matches[0] + text.slice(c.end));
        setHint(c.matches.length > 1 ? c.matches.slice(0, 12).join("  ") + (c.matches.length > 12 ? "  …" : "") : c.matches.length ? "" : "(no completion)");
      });
      return;
    }
    if (key.backspace || key.delete) return setText(text.slice(0, -1));
    if ((key.upArrow || key.downArrow) && !text.includes("\n")) {
      const next = key.upArrow ? Math.min(history.length - 1, back + 1) : Math.max(-1, back - 1);
      setBack(next);
      return setText(next < 0 ? "" : history[history.length - 1 - next]!);
    }
    if (key.escape) return setHint("");
    if (input && !key.ctrl && !key.meta) setText(text + input.replace(/\r\n?/g, "\n")); // a paste is one input
  }, { isActive: active });

  const lines = text.split("\n");
  return (
    <Box flexDirection="column">
      {lines.map((line, i) => (
        <Text key={i}>
          <Text color="blue">{i === 0 ? `${prompt}> ` : " ".repeat(prompt.length) + "| "}</Text>
          {line}
          {i === lines.length - 1 && active ? <Text inverse> </Text> : null}
        </Text>
      ))}
      {hint ? <Text color="gray">{hint}</Text> : null}
    </Box>
  );
}
