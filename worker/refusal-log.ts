// Refusals are logged, but a client that keeps retrying (zeromq reconnects every few
// hundred milliseconds, and a refused handshake is retried like a dropped connection)
// must not flood the log: one line per host and reason per window, and the next line
// says how many were left out.
export function createRefusalLog(log: (line: string) => void, windowMs = 30_000): (host: string, reason: string) => void {
  const last = new Map<string, { at: number; skipped: number }>();
  return (host, reason) => {
    const key = `${host} ${reason}`;
    const now = Date.now();
    const seen = last.get(key);
    if (seen && now - seen.at < windowMs) {
      seen.skipped++;
      return;
    }
    const more = seen?.skipped ? ` (and ${seen.skipped} more like it since the last report)` : "";
    last.set(key, { at: now, skipped: 0 });
    // Old entries go, so a long-lived worker keeps no memory of every host it ever refused.
    if (last.size > 1000) for (const [k, v] of last) if (now - v.at >= windowMs) last.delete(k);
    log(`refused a connection from ${host}: ${reason}${more}`);
  };
}

/** "tcp://10.0.0.7:51234" -> "10.0.0.7": reconnects come from new ports, the host is who it is. */
export function hostOf(address: string): string {
  return /^(?:tcp:\/\/)?(\[[^\]]+\]|[^:]+)/.exec(address)?.[1] ?? (address || "?");
}
