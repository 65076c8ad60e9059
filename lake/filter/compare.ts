// Ordering of two Scalars of one column type: numbers and bigints by value, strings and
// bytes by their UTF-8 bytes (the order Parquet statistics use), booleans false < true.
import type { Scalar } from "../schema.js";

export function compareScalars(a: Scalar, b: Scalar): number {
  if (typeof a === "bigint" || typeof b === "bigint") {
    const x = BigInt(a as bigint | number);
    const y = BigInt(b as bigint | number);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  const x = typeof a === "string" ? new TextEncoder().encode(a) : (a as Uint8Array);
  const y = typeof b === "string" ? new TextEncoder().encode(b) : (b as Uint8Array);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
