// Decoding one Parquet column chunk (dictionary page and data pages, v1 and v2) into
// Arrow buffers that JavaScript allocated in shared memory, off the JavaScript thread:
// the native twin of cache/decode/decode-column-chunk.ts for the common encodings
// (PLAIN and dictionary, RLE definition levels, uncompressed / snappy / zstd through
// DuckDB's own codecs). Anything else is reported unsupported, and the caller falls
// back to the JavaScript decoder.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace lakeloop {

enum class Physical : int { Boolean = 0, Int32 = 1, Int64 = 2, Float = 4, Double = 5, ByteArray = 6 };
enum class Codec : int { None = 0, Snappy = 1, Zstd = 6 };
enum class Target : int { Fixed = 0, Bool = 1, Strings = 2, Bytes = 3 };

struct ChunkSpec {
  Physical physical;
  Codec codec;
  bool optional;
  int64_t rows;
  Target target;
  int width;            // Fixed: bytes per value (4 or 8)
  int64_t multiply = 1;  // Fixed 8-byte timestamps in another unit
  int64_t divide = 1;
};

// Where the decoder writes; every buffer is JavaScript's (shared memory), with its size.
struct ChunkOut {
  uint8_t *values = nullptr;  // fixed values, bool bits, or plain string bytes
  size_t values_cap = 0;
  uint8_t *validity = nullptr;  // ceil(rows / 8) bytes, zeroed
  int32_t *offsets = nullptr;   // rows + 1 (Bytes, or Strings that turn plain)
  int32_t *keys = nullptr;      // rows (Strings)
  int32_t *dict_offsets = nullptr;
  size_t dict_offsets_cap = 0;  // entries + 1 it can hold
  uint8_t *dict_bytes = nullptr;
  size_t dict_bytes_cap = 0;
};

struct ChunkResult {
  bool ok = false;
  bool unsupported = false;  // not an error: the JavaScript decoder takes the chunk
  std::string error;
  int64_t null_count = 0;
  bool dictionary = false;   // Strings: the keys and dictionary hold the column
  size_t values_length = 0;  // bytes of `values` used (plain strings)
  size_t dict_count = 0;
  size_t dict_bytes_length = 0;
};

ChunkResult decode_chunk(const uint8_t *chunk, size_t length, const ChunkSpec &spec, const ChunkOut &out);

}  // namespace lakeloop
