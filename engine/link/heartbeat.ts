// The client's half of the heartbeat: a ping every `everyMs`, which also tells the
// worker this client is alive (the worker cancels the runs of clients it stops hearing
// from). The worker counts as lost when a ping went out and nothing at all came back
// for `timeoutMs` since — not when "nothing was heard lately": a client whose own event
// loop was busy may simply not have listened, and must not blame the worker for it.
export interface HeartbeatOptions {
  everyMs: number;
  timeoutMs: number;
  ping(): void;
  /** When anything (a reply, an event, a pong) last arrived from the worker. */
  lastHeard(): number;
  onSilent(reason: string): void;
}

export function startHeartbeat(options: HeartbeatOptions): { stop(): void } {
  let unanswered: number | undefined;
  const timer = setInterval(() => {
    const now = Date.now();
    const heard = options.lastHeard();
    if (unanswered !== undefined && heard < unanswered && now - unanswered > options.timeoutMs) {
      clearInterval(timer);
      options.onSilent(`no answer to heartbeats for ${(options.timeoutMs / 1000).toFixed(0)} s`);
      return;
    }
    if (unanswered === undefined || heard >= unanswered) unanswered = now;
    options.ping();
  }, options.everyMs);
  // A heartbeat alone must not keep a finished process alive.
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
