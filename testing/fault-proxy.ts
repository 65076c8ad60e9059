// Test harness: an HTTP proxy on 127.0.0.1 in front of an S3 endpoint that injects
// faults on demand — throttling (503 SlowDown), server errors, slow answers and
// dropped connections — and counts what it saw, to prove that retries recover and
// that persistent failure ends with a clear error rather than a wrong answer.
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export type Fault =
  | { kind: "status"; status: number; code?: string }
  | { kind: "reset" }
  | { kind: "delay"; ms: number };

export interface FaultRule {
  fault: Fault;
  /** How many matching requests get the fault (Infinity: all). */
  times: number;
  match?: (req: IncomingMessage) => boolean;
}

export interface FaultProxy {
  endpoint: string;
  /** Requests seen, faults injected. */
  readonly counts: { requests: number; faults: number };
  inject(fault: Fault, times?: number, match?: (req: IncomingMessage) => boolean): void;
  clear(): void;
  stop(): Promise<void>;
}

export async function startFaultProxy(target: string): Promise<FaultProxy> {
  const upstream = new URL(target);
  const rules: FaultRule[] = [];
  const counts = { requests: 0, faults: 0 };
  const server: Server = createServer((req, res) => {
    counts.requests++;
    const rule = rules.find((r) => r.times > 0 && (!r.match || r.match(req)));
    const forward = () => {
      const out = httpRequest({
        host: upstream.hostname, port: upstream.port, method: req.method, path: req.url,
        headers: { ...req.headers, host: upstream.host },
      }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      out.on("error", () => res.destroy());
      req.pipe(out);
    };
    if (!rule) return forward();
    rule.times--;
    counts.faults++;
    const { fault } = rule;
    if (fault.kind === "reset") {
      req.socket.destroy();
    } else if (fault.kind === "status") {
      req.resume();
      const code = fault.code ?? (fault.status === 503 ? "SlowDown" : "InternalError");
      res.writeHead(fault.status, { "content-type": "application/xml" });
      res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>injected fault</Message></Error>`);
    } else {
      setTimeout(forward, fault.ms);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    counts,
    inject: (fault, times = 1, match) => { rules.push({ fault, times, match }); },
    clear: () => { rules.length = 0; },
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
