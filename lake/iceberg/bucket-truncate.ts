// The value transforms bucket[N] and truncate[W] as the Iceberg spec defines them, in
// lakeloop's Scalar representation: bucket hashes a value's canonical bytes (ints,
// longs, dates, times and timestamps as an 8-byte little-endian long; strings as UTF-8;
// decimals as their unscaled value's minimal big-endian bytes; uuids as their 16 bytes)
// and takes it modulo N; truncate keeps W code points of a string, W bytes of binary,
// or the multiple of W at or below a number.
import type { PrimitiveType, Scalar } from "../schema.js";
import { uuidToBytes } from "../uuid-text.js";
import { decimalTypeOf } from "../value-text.js";
import { encodeBigEndian } from "./bounds.js";
import { murmur3x86 } from "./murmur3.js";

/** The Iceberg hash of a value (for bucketing), or undefined for a type the spec does not bucket. */
export function icebergHash(value: Exclude<Scalar, null>, type: PrimitiveType): number | undefined {
  switch (type) {
    case "int": case "long": case "date": case "time": case "timestamp": case "timestamptz": {
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigInt64(0, BigInt(value as number | bigint), true);
      return murmur3x86(bytes);
    }
    case "timestamp_ns": case "timestamptz_ns": {
      // The spec hashes nanosecond timestamps by their microseconds.
      const nanos = BigInt(value as bigint);
      const micros = nanos / 1000n - (nanos % 1000n < 0n ? 1n : 0n);
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setBigInt64(0, micros, true);
      return murmur3x86(bytes);
    }
    case "string": return murmur3x86(new TextEncoder().encode(String(value)));
    case "uuid": return murmur3x86(uuidToBytes(String(value)));
    case "binary": return murmur3x86(value as Uint8Array);
    case "boolean": case "float": case "double": return undefined;
    default:
      if (decimalTypeOf(type)) return murmur3x86(encodeBigEndian(BigInt(value as bigint)));
      return value instanceof Uint8Array ? murmur3x86(value) : undefined; // fixed[L]
  }
}

export function bucketOf(value: Scalar, type: PrimitiveType, buckets: number): number | null | undefined {
  if (value === null) return null;
  const hash = icebergHash(value, type);
  return hash === undefined ? undefined : (hash & 0x7fffffff) % buckets;
}

/** truncate[W] of a value; undefined for a type the spec does not truncate. */
export function truncateOf(value: Scalar, type: PrimitiveType, width: number): Scalar | undefined {
  if (value === null) return null;
  if (type === "int") {
    const v = Number(value);
    return v - (((v % width) + width) % width);
  }
  if (type === "long" || decimalTypeOf(type)) {
    const v = BigInt(value as bigint);
    const w = BigInt(width);
    return v - (((v % w) + w) % w);
  }
  if (type === "string") return [...String(value)].slice(0, width).join("");
  if (type === "binary") return (value as Uint8Array).slice(0, width);
  return undefined;
}
