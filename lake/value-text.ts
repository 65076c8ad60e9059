// Exact text of the values whose JavaScript forms are not their text: decimals (an
// unscaled integer and a scale), dates (days since 1970-01-01) and timestamps
// (microseconds since 1970-01-01T00:00:00Z), in ISO 8601. The filter printer, the
// partition paths and every front end's output use these, so a value reads the same
// everywhere.

/** "decimal(38, 18)" -> { precision: 38, scale: 18 }; undefined for any other type. */
export function decimalTypeOf(type: string): { precision: number; scale: number } | undefined {
  const m = /^decimal\(\s*(\d+)\s*,\s*(\d+)\s*\)$/i.exec(type);
  return m ? { precision: Number(m[1]), scale: Number(m[2]) } : undefined;
}

/** 125n at scale 2 is "1.25"; -5n at scale 2 is "-0.05". */
export function formatDecimal(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString();
  if (scale === 0) return (negative ? "-" : "") + digits;
  const padded = digits.padStart(scale + 1, "0");
  return `${negative ? "-" : ""}${padded.slice(0, -scale)}.${padded.slice(-scale)}`;
}

/**
 * "1.25" at scale 2 is 125n; "1.5e1" at scale 0 is 15n. Undefined when the text is not
 * a number or holds more fractional digits than the scale (it would need rounding).
 */
export function parseDecimal(text: string, scale: number): bigint | undefined {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text.trim());
  if (!m || (m[2] === "" && (m[3] ?? "") === "")) return undefined;
  const [, sign, whole, fraction = "", exponent = "0"] = m;
  // Shift the decimal point by the exponent, then to the column's scale.
  let digits = whole + fraction;
  let point = whole.length + Number(exponent);
  if (point < 0) { digits = "0".repeat(-point) + digits; point = 0; }
  const wanted = point + scale;
  if (digits.length > wanted) {
    if (/[^0]/.test(digits.slice(wanted))) return undefined;
    digits = digits.slice(0, wanted);
  }
  const unscaled = BigInt((digits.padEnd(wanted, "0")) || "0");
  return sign === "-" ? -unscaled : unscaled;
}

/** Largest unscaled magnitude of a decimal of this precision: 10^precision - 1. */
export function decimalLimit(precision: number): bigint {
  return 10n ** BigInt(precision) - 1n;
}

const pad = (n: number | bigint, width = 2) => String(n).padStart(width, "0");

/** Days since the epoch as "2023-01-04". */
export function formatIsoDate(days: number): string {
  const d = new Date(days * 86_400_000);
  const year = d.getUTCFullYear();
  const y = year >= 0 && year <= 9999 ? pad(year, 4) : (year < 0 ? "-" : "+") + pad(Math.abs(year), 6);
  return `${y}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/**
 * Microseconds since the epoch as "2023-01-01T00:00:12.148082", with a "Z" for an
 * instant (timestamptz) and none for a local date-time; the fraction only when there is one.
 */
export function formatIsoTimestamp(micros: bigint, utc: boolean): string {
  const days = micros / 86_400_000_000n - (micros % 86_400_000_000n < 0n ? 1n : 0n);
  const inDay = micros - days * 86_400_000_000n;
  const seconds = inDay / 1_000_000n;
  const fraction = inDay % 1_000_000n;
  const time = `${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}${fraction ? "." + pad(fraction, 6) : ""}`;
  return `${formatIsoDate(Number(days))}T${time}${utc ? "Z" : ""}`;
}
