// Progress of long work on stderr: one line rewritten in place on a terminal, a line
// per step otherwise (so logs stay readable), nothing at all when quiet.
export interface Progress {
  update(line: string): void;
  done(line?: string): void;
}

export function progressOn(stream: NodeJS.WritableStream & { isTTY?: boolean }, quiet = false): Progress {
  let last = 0;
  return {
    update(line) {
      if (quiet) return;
      if (stream.isTTY) stream.write(`\r\x1b[2K${line}`);
      else if (Date.now() - last > 1000) {
        stream.write(line + "\n");
        last = Date.now();
      }
    },
    done(line) {
      if (quiet) return;
      if (stream.isTTY) stream.write("\r\x1b[2K");
      if (line) stream.write(line + "\n");
    },
  };
}
