// The bucket and truncate transforms against the Iceberg spec's own examples
// (appendix B: hashes of int, long, decimal, date, time, timestamp, string, uuid and
// binary values; truncate of ints, longs, decimals and strings), and pruning by them:
// a file is dropped only when no value it may hold can match.
import { describe, expect, it } from "vitest";
import { statsOfPartition } from "../filter/partition-range.js";
import { mightMatch } from "../filter/prune.js";
import { parseFilter } from "../filter/parse-filter.js";
import type { PrimitiveField, Schema } from "../schema.js";
import { bucketOf, icebergHash, truncateOf } from "./bucket-truncate.js";
import { transformResultType, transformValue } from "./partition.js";

describe("bucket[N]", () => {
  it("hashes like the spec's examples", () => {
    expect(icebergHash(34, "int")).toBe(2017239379);
    expect(icebergHash(34n, "long")).toBe(2017239379);
    expect(icebergHash(1420n, "decimal(4, 2)")).toBe(-500754589); // 14.20
    expect(icebergHash(17486, "date")).toBe(-653330422); // 2017-11-16
    expect(icebergHash(81068000000n, "time")).toBe(-662762989); // 22:31:08
    expect(icebergHash(1510871468000000n, "timestamp")).toBe(-2047944441); // 2017-11-16T22:31:08
    expect(icebergHash(1510871468000000n, "timestamptz")).toBe(-2047944441);
    expect(icebergHash(1510871468000000001n, "timestamp_ns")).toBe(-2047944441); // by its microseconds
    expect(icebergHash("iceberg", "string")).toBe(1210000089);
    expect(icebergHash("f79c3e09-677c-4bbd-a479-3f349cb785e7", "uuid")).toBe(1488055340);
    expect(icebergHash(Uint8Array.of(0, 1, 2, 3), "binary")).toBe(-188683207);
    expect(icebergHash(Uint8Array.of(0, 1, 2, 3), "fixed[4]")).toBe(-188683207);
    expect(icebergHash(1.5, "double")).toBeUndefined();
  });

  it("puts values in buckets, nulls in none", () => {
    expect(bucketOf(34, "int", 16)).toBe(2017239379 % 16);
    expect(bucketOf(1420n, "decimal(4, 2)", 7)).toBe((-500754589 & 0x7fffffff) % 7);
    expect(bucketOf(null, "int", 16)).toBeNull();
    expect(transformValue("bucket[4]", 1, "int")).toBe(0);
    expect(transformResultType("bucket[4]", "string")).toBe("int");
  });
});

describe("truncate[W]", () => {
  it("truncates like the spec's examples", () => {
    expect(truncateOf(1, "int", 10)).toBe(0);
    expect(truncateOf(-1, "int", 10)).toBe(-10);
    expect(truncateOf(1n, "long", 10)).toBe(0n);
    expect(truncateOf(-1n, "long", 10)).toBe(-10n);
    expect(truncateOf(1065n, "decimal(9, 2)", 50)).toBe(1050n); // 10.65 -> 10.50
    expect(truncateOf("iceberg", "string", 3)).toBe("ice");
    expect(truncateOf("🐇🐇🐇", "string", 2)).toBe("🐇🐇"); // code points, not UTF-16 units
    expect(transformResultType("truncate[3]", "string")).toBe("string");
  });
});

describe("pruning by bucket and truncate partitions", () => {
  const schema: Schema = { "schema-id": 0, type: "struct", fields: [
    { id: 1, name: "id", required: false, type: "long" },
    { id: 2, name: "name", required: false, type: "string" },
    { id: 3, name: "amount", required: false, type: "int" },
  ] };
  const field = (id: number) => schema.fields[id - 1] as PrimitiveField;
  const may = (filter: string, id: number, transform: Parameters<typeof statsOfPartition>[0], value: Parameters<typeof statsOfPartition>[1]) =>
    mightMatch(parseFilter(filter, schema).expr, (fid) => (fid === id ? statsOfPartition(transform, value, field(id)) : undefined));

  it("keeps a bucket's file only for values of that bucket", () => {
    const b = bucketOf(42n, "long", 8)!;
    expect(may("id = 42", 1, "bucket[8]", b)).toBe(true);
    expect(may("id = 42", 1, "bucket[8]", (b + 1) % 8)).toBe(false);
    expect(may("id IN (42, 43)", 1, "bucket[8]", bucketOf(43n, "long", 8)!)).toBe(true);
    expect(may("id <> 42", 1, "bucket[8]", b)).toBe(true);
    expect(may("id > 42", 1, "bucket[8]", (b + 1) % 8)).toBe(true); // ranges say nothing about buckets
    expect(may("id IS NULL", 1, "bucket[8]", b)).toBe(false);
    expect(may("id IS NULL", 1, "bucket[8]", null)).toBe(true);
    expect(may("id = 42", 1, "bucket[8]", null)).toBe(false);
  });

  it("keeps a truncate partition's file for values it may hold", () => {
    expect(may("amount = 17", 3, "truncate[10]", 10)).toBe(true);
    expect(may("amount = 20", 3, "truncate[10]", 10)).toBe(false);
    expect(may("amount BETWEEN 0 AND 9", 3, "truncate[10]", 10)).toBe(false);
    expect(may("name = 'icebird'", 2, "truncate[3]", "ice")).toBe(true);
    expect(may("name = 'ice'", 2, "truncate[3]", "ice")).toBe(true);
    expect(may("name = 'icf'", 2, "truncate[3]", "ice")).toBe(false);
    expect(may("name = 'ic'", 2, "truncate[3]", "ice")).toBe(false);
    expect(may("name = 'ice\u{10FFFF}\u{10FFFF}'", 2, "truncate[3]", "ice")).toBe(true);
    expect(may("name > 'icez'", 2, "truncate[3]", "ice")).toBe(true);
  });
});
