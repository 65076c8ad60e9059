// Avro object container files in memory, through avsc: encode records with file
// metadata (Iceberg puts its schema and partition spec there), decode them back.
import avro from "avsc";
import { Readable } from "node:stream";

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
  const decoder = new avro.streams.BlockDecoder({ parseHook: (schema: avro.Schema) => avro.Type.forSchema(schema, { wrapUnions: false } as never) } as never);
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
