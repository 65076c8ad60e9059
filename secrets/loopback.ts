// Where plaintext is allowed: a zeromq endpoint on loopback (or a local ipc:// socket)
// never leaves the machine, so only there may a worker listen, or a client connect,
// without CurveZMQ. Anything else — a LAN address, 0.0.0.0, `*`, an interface name or a
// host name — could be reached (or impersonated) from the network.
export function isLoopbackEndpoint(endpoint: string): boolean {
  if (endpoint.startsWith("ipc://") || endpoint.startsWith("inproc://")) return true;
  const host = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):/.exec(endpoint)?.[1] ?? "";
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}
