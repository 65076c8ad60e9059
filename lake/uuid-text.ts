// Iceberg's uuid as lakeloop shows it: the 36-character lower-case text
// (8-4-4-4-12 hex digits). Its 16 bytes (big-endian, as Parquet and Iceberg's bounds
// store them) sort in the same order as this text, so statistics stay comparable.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function uuidFromBytes(bytes: Uint8Array, at = 0): string {
  let hex = "";
  for (let i = 0; i < 16; i++) hex += bytes[at + i]!.toString(16).padStart(2, "0");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The canonical text of a uuid written in any case, or undefined when it is not one. */
export function normalizeUuid(text: string): string | undefined {
  const lower = text.trim().toLowerCase();
  return UUID.test(lower) ? lower : undefined;
}

export function uuidToBytes(text: string): Uint8Array {
  const hex = text.replace(/-/g, "");
  const out = new Uint8Array(16);
  for (let i = 0; i < 16; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
