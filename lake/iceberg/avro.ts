// Avro object container files in memory, through avsc: encode records with file
// metadata (Iceberg puts its schema and partition spec there), decode them back.
// Avro longs are 64-bit: one beyond 2^53 (a long partition value) reads as a bigint and
// writes from one, where avsc's own long type would refuse it.
import avro from "avsc";
import { Readable } from "node:stream";

const EXACT_LONG = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => {
    const n = buf.readBigInt64LE();
    return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n;
  },
  toBuffer: (n: number | bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (json: unknown) => (typeof json === "string" ? BigInt(json) : json),
  toJSON: (n: number | bigint) => (typeof n === "bigint" ? n.toString() : n),
  isValid: (n: unknown) => (typeof n === "number" && Number.isSafeInteger(n)) || (typeof n === "bigint" && BigInt.asIntN(64, n) === n),
  compare: (a: number | bigint, b: number | bigint) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0),
});

// Every long, also one spelled as an object with a logical type (timestamp-micros).
const longHook = (schema: unknown) =>
  schema === "long" || (typeof schema === "object" && schema !== null && (schema as { type?: unknown }).type === "long") ? EXACT_LONG : undefined;
const typeOptions = () => ({ typeHook: longHook, wrapUnions: false }) as never;

export async function encodeAvroFile(schema: object, records: object[], metadata: Record<string, string>): Promise<Buffer> {
  const type = avro.Type.forSchema(schema as avro.Schema, typeOptions());
  const meta: Record<string, Buffer> = {};
  for (const [key, value] of Object.entries(metadata)) meta[key] = Buffer.from(value);
  const encoder = new avro.streams.BlockEncoder(type, { codec: "deflate", metadata: meta, writeHeader: true } as never);
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    encoder.on("data", (chunk: Buffer) => chunks.push(chunk));
    encoder.on("end", resolve);
    encoder.on("error", reject);
  });
  for (const record of records) encoder.write(record);
  encoder.end();
  await done;
  return Buffer.concat(chunks);
}

export interface AvroFile {
  records: Record<string, unknown>[];
  metadata: Record<string, string>;
}

export async function decodeAvroFile(bytes: Uint8Array): Promise<AvroFile> {
  const decoder = new avro.streams.BlockDecoder({ parseHook: (schema: avro.Schema) => avro.Type.forSchema(schema, typeOptions()) } as never);
  const records: Record<string, unknown>[] = [];
  const metadata: Record<string, string> = {};
  await new Promise<void>((resolve, reject) => {
    decoder.on("metadata", (_type: unknown, _codec: unknown, header: { meta: Record<string, Buffer> }) => {
      for (const [key, value] of Object.entries(header.meta)) metadata[key] = value.toString("utf8");
    });
    decoder.on("data", (record: Record<string, unknown>) => records.push(record));
    decoder.on("end", resolve);
    decoder.on("error", reject);
    Readable.from([Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)]).pipe(decoder);
  });
  return { records, metadata };
}
