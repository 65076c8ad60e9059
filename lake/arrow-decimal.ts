// Arrow Decimal values as lakeloop's decimal Scalar (the unscaled bigint): Arrow keeps
// each value as a little-endian two's-complement integer of bitWidth/32 32-bit words.
import type { Data } from "apache-arrow";

/** The unscaled value of row `index` of an Arrow Decimal chunk. */
export function unscaledDecimalAt(data: Data, index: number): bigint {
  const words = (data.type as unknown as { bitWidth: number }).bitWidth / 32;
  const values = data.values as Uint32Array;
  let n = 0n;
  for (let w = words - 1; w >= 0; w--) n = (n << 32n) | BigInt(values[index * words + w]!);
  return BigInt.asIntN(words * 32, n);
}
