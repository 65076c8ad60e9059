// Avro object container files in memory, through avsc: encode records with file
// metadata (Iceberg puts its schema and partition spec there), decode them back.
import avro from "avsc";
import { Readable } from "node:stream";

/**
 * Avro longs as numbers while they are exact, as bigints beyond 2^53. Other engines
 * pick 63-bit random snapshot ids, which avsc's own long type refuses to decode.
 */
const EXACT_LONG = (avro.types.LongType as unknown as { __with(methods: object): avro.Type }).__with({
  fromBuffer: (buf: Buffer) => exactLong(buf.readBigInt64LE(0)),
  toBuffer: (value: number | bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(value));
    return buf;
  },
  fromJSON: (value: number | string | bigint) => exactLong(BigInt(value)),
  toJSON: (value: number | bigint) => (typeof value === "bigint" ? value.toString() : value),
  isValid: (value: unknown) => typeof value === "bigint" || Number.isSafeInteger(value),
  compare: (a: number | bigint, b: number | bigint) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0),
});

function exactLong(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

export async function encodeAvroFile(schema: object, records: object[], metadata: Record<string, string>): Promise<Buffer> {
  const type = avro.Type.forSchema(schema as avro.Schema);
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
  const decoder = new avro.streams.BlockDecoder({ parseHook: (schema: avro.Schema) => avro.Type.forSchema(schema, { wrapUnions: false, registry: { long: EXACT_LONG } } as never) } as never);
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
