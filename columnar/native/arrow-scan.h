// Arrow tables that live in JavaScript memory, registered with DuckDB so that SQL scans
// them where they lie: the table function `lakeloop_arrow(id)` reads the registered
// buffers chunk by chunk (2,048 rows), only the columns the query uses (projection
// pushdown), on as many DuckDB threads as there are chunks to share.
#pragma once
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>
#include "duckdb-api.h"

namespace lakeloop {

// How one Arrow column becomes one DuckDB column.
enum class InKind {
  Fixed,      // same bytes in Arrow and DuckDB (ints, floats, dates, microsecond timestamps)
  Scaled,     // 64-bit timestamps in another unit: multiplied or divided to microseconds
  Bool,       // Arrow bits -> DuckDB bytes
  Utf8,       // offsets + bytes -> string_t, value by value
  Enum,       // dictionary keys -> ENUM codes (through a per-batch remap to the merged dictionary)
  DictUtf8,   // dictionary keys -> VARCHAR through the dictionary (high-cardinality fallback)
  Decimal,    // Arrow decimal128 -> DuckDB's decimal of its physical width
};

struct InColumn {
  std::string name;
  InKind kind = InKind::Fixed;
  int32_t duck_type = 0;
  int width = 0;              // bytes per value (Fixed, Scaled; Decimal: DuckDB's physical width)
  int64_t multiply = 1;       // Scaled
  int64_t divide = 1;         // Scaled
  int key_width = 4;          // Enum, DictUtf8: bytes per dictionary key (signed)
  int enum_width = 1;         // Enum: bytes per ENUM code in DuckDB
  std::vector<std::string> enum_values;
  uint8_t decimal_width = 0, decimal_scale = 0;
};

// One column of one record batch: pointers into JavaScript memory, kept alive by the
// registration's reference to the JavaScript description they came from. Value
// buffers start at the batch's first row; bit buffers count from `offset`.
struct InSlice {
  int64_t offset = 0;                  // the Arrow data's offset: where its bit buffers start counting
  const uint8_t *validity = nullptr;   // null when the column has no nulls
  const uint8_t *values = nullptr;     // fixed values, bool bits, utf8 bytes or dictionary keys
  const int32_t *offsets = nullptr;    // Utf8
  const int32_t *remap = nullptr;      // Enum: batch dictionary index -> ENUM code (null: identity)
  int64_t remap_size = 0;              // entries of remap (a key beyond it, only under a null, reads 0)
  const int32_t *dict_offsets = nullptr;  // DictUtf8
  const uint8_t *dict_bytes = nullptr;    // DictUtf8
};

struct InBatch {
  int64_t length = 0;
  std::vector<InSlice> columns;
};

struct Registration {
  std::vector<InColumn> columns;
  // A last column "__lakeloop_batch" holding each row's batch number: a filter over
  // several batches can give every batch back its own rows, in order.
  bool batch_column = false;
  std::vector<InBatch> batches;
  // (batch, first row) of every 2,048-row chunk, in table order.
  std::vector<std::pair<uint32_t, int64_t>> chunks;
  int64_t rows = 0;
  void plan_chunks();
};

// The process-wide table of registrations, by id (thread-safe).
uint64_t add_registration(std::shared_ptr<Registration> registration);
void remove_registration(uint64_t id);
std::shared_ptr<Registration> find_registration(uint64_t id);
size_t count_registrations();

// Registers `lakeloop_arrow(id UBIGINT)` on the connection's database.
duckdb_state register_arrow_scan(duckdb_connection connection);

}  // namespace lakeloop
