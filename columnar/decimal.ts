// Exact text of an Arrow decimal128 value (four little-endian 32-bit words, two's
// complement) at its scale: what previews, CSV and JSON print, never a rounded double.
export function decimalToString(words: Uint32Array, scale: number): string {
  let value = 0n;
  for (let i = 3; i >= 0; i--) value = (value << 32n) | BigInt(words[i]!);
  value = BigInt.asIntN(128, value);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, "0");
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}
