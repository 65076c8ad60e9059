// Every key the terminal sends, for as long as the component is mounted (also while a
// run is in flight: the terminal stays in raw mode, so Ctrl-C reaches the REPL instead
// of killing it and typed keys are never echoed raw). Ink's useInput hands over one
// parsed key per read and passes a burst of bytes (325 backspaces in one read) through
// as text; this hook takes Ink's raw input events instead and splits them with
// KeyDecoder.
import { useStdin } from "ink";
import { useEffect, useRef } from "react";
import { KeyDecoder, type Key } from "../keys.js";

export function useRawKeys(onKeys: (keys: Key[]) => void): void {
  const { setRawMode, isRawModeSupported, internal_eventEmitter: events } = useStdin();
  const handler = useRef(onKeys);
  handler.current = onKeys;
  useEffect(() => {
    if (!isRawModeSupported) return;
    const decoder = new KeyDecoder();
    const onInput = (input: string) => {
      const keys = decoder.decode(input);
      if (keys.length) handler.current(keys);
    };
    setRawMode(true);
    events.on("input", onInput);
    return () => {
      events.off("input", onInput);
      setRawMode(false);
    };
  }, [events, isRawModeSupported, setRawMode]);
}
