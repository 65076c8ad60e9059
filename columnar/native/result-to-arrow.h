// A DuckDB result as Arrow column buffers, built off the JavaScript thread: fixed-width
// vectors copied whole, validity copied as bits, strings copied as bytes, ENUM codes
// kept as dictionary keys with the ENUM's values as the dictionary. JavaScript then
// moves each buffer into shared memory once.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "duckdb-api.h"

namespace lakeloop {

struct OutColumn {
  std::string name;
  // The Arrow type, as the JavaScript side names it: int8..int64, uint8..uint64, float32,
  // float64, bool, date32, time_us, timestamp_us, timestamp_us_tz, timestamp_ns, utf8,
  // binary, dictionary (int32 keys, utf8 values), decimal128.
  std::string type;
  int precision = 0, scale = 0;  // decimal128
  int64_t null_count = 0;
  std::vector<uint8_t> validity;  // bits; empty when there are no nulls
  std::vector<uint8_t> values;    // fixed values, bool bits, string bytes or dictionary keys
  std::vector<int32_t> offsets;   // utf8, binary
  std::vector<int32_t> dictionary_offsets;  // dictionary
  std::vector<uint8_t> dictionary_bytes;    // dictionary
};

struct OutTable {
  std::vector<OutColumn> columns;
  int64_t rows = 0;
};

// Fills `out` from every chunk of `result`; false with `error` set when a column has a
// type lakeloop cannot hand to Arrow exactly (the error names it and says what to do).
bool result_to_arrow(duckdb_result &result, OutTable &out, std::string &error);

}  // namespace lakeloop
