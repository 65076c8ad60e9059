// Converts a DuckDB result to Arrow column buffers (see result-to-arrow.h): one pass over
// the result's chunks, each vector appended to its column with bulk copies.
#include "result-to-arrow.h"

#include <cstring>

namespace lakeloop {

namespace {

enum class OutKind { Fixed, Scaled, Bool, String, Enum, Decimal, HugeToInt64, Uuid };

struct Converter {
  OutKind kind = OutKind::Fixed;
  int width = 0;          // Fixed, Scaled: bytes per value; Decimal: DuckDB's physical width; Enum: code width
  int64_t multiply = 1;   // Scaled
  bool is_unsigned = false;  // HugeToInt64
};

bool plan_column(duckdb_logical_type type, OutColumn &col, Converter &conv, std::string &error) {
  int32_t id = duckdb_get_type_id(type);
  auto fixed = [&](const char *arrow, int width) { col.type = arrow; conv.kind = OutKind::Fixed; conv.width = width; return true; };
  switch (id) {
    case DUCK_BOOLEAN: col.type = "bool"; conv.kind = OutKind::Bool; return true;
    case DUCK_TINYINT: return fixed("int8", 1);
    case DUCK_SMALLINT: return fixed("int16", 2);
    case DUCK_INTEGER: return fixed("int32", 4);
    case DUCK_BIGINT: return fixed("int64", 8);
    case DUCK_UTINYINT: return fixed("uint8", 1);
    case DUCK_USMALLINT: return fixed("uint16", 2);
    case DUCK_UINTEGER: return fixed("uint32", 4);
    case DUCK_UBIGINT: return fixed("uint64", 8);
    case DUCK_FLOAT: return fixed("float32", 4);
    case DUCK_DOUBLE: return fixed("float64", 8);
    case DUCK_DATE: return fixed("date32", 4);
    case DUCK_TIME: return fixed("time_us", 8);
    case DUCK_TIMESTAMP: return fixed("timestamp_us", 8);
    case DUCK_TIMESTAMP_TZ: return fixed("timestamp_us_tz", 8);
    case DUCK_TIMESTAMP_NS: return fixed("timestamp_ns", 8);
    case DUCK_TIMESTAMP_MS: col.type = "timestamp_us"; conv.kind = OutKind::Scaled; conv.width = 8; conv.multiply = 1000; return true;
    case DUCK_TIMESTAMP_S: col.type = "timestamp_us"; conv.kind = OutKind::Scaled; conv.width = 8; conv.multiply = 1000000; return true;
    case DUCK_VARCHAR: col.type = "utf8"; conv.kind = OutKind::String; return true;
    case DUCK_BLOB: col.type = "binary"; conv.kind = OutKind::String; return true;
    case DUCK_UUID: col.type = "utf8"; conv.kind = OutKind::Uuid; return true;
    case DUCK_HUGEINT: col.type = "int64"; conv.kind = OutKind::HugeToInt64; return true;
    case DUCK_UHUGEINT: col.type = "uint64"; conv.kind = OutKind::HugeToInt64; conv.is_unsigned = true; return true;
    case DUCK_DECIMAL: {
      col.type = "decimal128";
      col.precision = duckdb_decimal_width(type);
      col.scale = duckdb_decimal_scale(type);
      int32_t physical = duckdb_decimal_internal_type(type);
      conv.kind = OutKind::Decimal;
      conv.width = physical == DUCK_SMALLINT ? 2 : physical == DUCK_INTEGER ? 4 : physical == DUCK_BIGINT ? 8 : 16;
      return true;
    }
    case DUCK_ENUM: {
      col.type = "dictionary";
      conv.kind = OutKind::Enum;
      int32_t physical = duckdb_enum_internal_type(type);
      conv.width = physical == DUCK_UTINYINT ? 1 : physical == DUCK_USMALLINT ? 2 : 4;
      uint32_t size = duckdb_enum_dictionary_size(type);
      col.dictionary_offsets.push_back(0);
      for (uint32_t i = 0; i < size; i++) {
        char *value = duckdb_enum_dictionary_value(type, i);
        size_t length = std::strlen(value);
        col.dictionary_bytes.insert(col.dictionary_bytes.end(), value, value + length);
        col.dictionary_offsets.push_back(static_cast<int32_t>(col.dictionary_bytes.size()));
        duckdb_free(value);
      }
      return true;
    }
    default: {
      static const char *names[] = {"", "BOOLEAN", "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT",
        "UINTEGER", "UBIGINT", "FLOAT", "DOUBLE", "TIMESTAMP", "DATE", "TIME", "INTERVAL", "HUGEINT", "VARCHAR", "BLOB",
        "DECIMAL", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "ENUM", "LIST", "STRUCT", "MAP", "UUID", "UNION", "BIT",
        "TIME WITH TIME ZONE", "TIMESTAMP WITH TIME ZONE", "UHUGEINT", "ARRAY"};
      std::string name = id >= 0 && id < static_cast<int32_t>(sizeof(names) / sizeof(names[0])) ? names[id] : "type " + std::to_string(id);
      error = "column \"" + col.name + "\" has type " + name + ", which lakeloop cannot hand to Arrow; cast it in SQL (e.g. CAST(\"" +
              col.name + "\" AS VARCHAR))";
      return false;
    }
  }
}

inline void set_bit(std::vector<uint8_t> &bits, int64_t i) { bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7)); }

// Appends n validity bits of `mask` (null: all valid) at row `at` of the column.
void append_validity(OutColumn &col, const uint64_t *mask, int64_t at, int64_t n) {
  size_t need = static_cast<size_t>((at + n + 7) >> 3);
  if (!mask) {
    if (!col.validity.empty()) {
      col.validity.resize(need, 0);
      for (int64_t j = 0; j < n; j++) set_bit(col.validity, at + j);
    }
    return;
  }
  int64_t nulls = 0;
  for (int64_t j = 0; j < n; j++) nulls += !((mask[j >> 6] >> (j & 63)) & 1);
  if (nulls == 0 && col.validity.empty()) return;
  if (col.validity.empty()) {
    // The first null: every earlier row was valid.
    col.validity.assign(need, 0);
    for (int64_t j = 0; j < at; j++) set_bit(col.validity, j);
  }
  col.validity.resize(need, 0);
  if ((at & 7) == 0) {
    std::memcpy(col.validity.data() + (at >> 3), mask, static_cast<size_t>((n + 7) >> 3));
    // Clear bits past n in the last byte copied (they are not rows).
    if (n & 7) col.validity[(at + n - 1) >> 3] &= static_cast<uint8_t>((1u << ((at + n) & 7)) - 1);
  } else {
    for (int64_t j = 0; j < n; j++) if ((mask[j >> 6] >> (j & 63)) & 1) set_bit(col.validity, at + j);
  }
  col.null_count += nulls;
}

inline bool valid_at(const uint64_t *mask, int64_t j) { return !mask || ((mask[j >> 6] >> (j & 63)) & 1); }

void append_uuid(std::vector<uint8_t> &bytes, const uint8_t *v) {
  // DuckDB keeps a UUID as a hugeint with its top bit flipped (so they sort as text).
  uint64_t lower, upper;
  std::memcpy(&lower, v, 8);
  std::memcpy(&upper, v + 8, 8);
  upper ^= uint64_t{1} << 63;
  static const char *hex = "0123456789abcdef";
  char text[36];
  int k = 0;
  for (int i = 0; i < 32; i++) {
    if (i == 8 || i == 12 || i == 16 || i == 20) text[k++] = '-';
    uint64_t word = i < 16 ? upper : lower;
    int shift = 60 - 4 * (i % 16);
    text[k++] = hex[(word >> shift) & 15];
  }
  bytes.insert(bytes.end(), text, text + 36);
}

bool append_vector(duckdb_vector vector, OutColumn &col, const Converter &conv, int64_t at, int64_t n, std::string &error) {
  const uint64_t *mask = duckdb_vector_get_validity(vector);
  append_validity(col, mask, at, n);
  auto *data = static_cast<const uint8_t *>(duckdb_vector_get_data(vector));
  switch (conv.kind) {
    case OutKind::Fixed:
      col.values.insert(col.values.end(), data, data + n * conv.width);
      break;
    case OutKind::Scaled: {
      size_t start = col.values.size();
      col.values.resize(start + static_cast<size_t>(n) * 8);
      auto *out = reinterpret_cast<int64_t *>(col.values.data() + start);
      auto *in = reinterpret_cast<const int64_t *>(data);
      for (int64_t j = 0; j < n; j++) out[j] = in[j] * conv.multiply;
      break;
    }
    case OutKind::Bool:
      col.values.resize(static_cast<size_t>((at + n + 7) >> 3), 0);
      for (int64_t j = 0; j < n; j++) if (data[j]) set_bit(col.values, at + j);
      break;
    case OutKind::String:
    case OutKind::Uuid:
      if (col.offsets.empty()) col.offsets.push_back(0);
      for (int64_t j = 0; j < n; j++) {
        if (valid_at(mask, j)) {
          if (conv.kind == OutKind::Uuid) {
            append_uuid(col.values, data + j * 16);
          } else {
            const uint8_t *s = data + j * 16;
            uint32_t length;
            std::memcpy(&length, s, 4);
            const uint8_t *chars;
            if (length <= 12) chars = s + 4;
            else std::memcpy(&chars, s + 8, sizeof(chars));
            col.values.insert(col.values.end(), chars, chars + length);
          }
          if (col.values.size() > 0x7fffffffu) {
            error = "column \"" + col.name + "\" holds more than 2 GB of text in one result; select fewer rows or columns";
            return false;
          }
        }
        col.offsets.push_back(static_cast<int32_t>(col.values.size()));
      }
      break;
    case OutKind::Enum: {
      size_t start = col.values.size();
      col.values.resize(start + static_cast<size_t>(n) * 4);
      auto *out = reinterpret_cast<int32_t *>(col.values.data() + start);
      for (int64_t j = 0; j < n; j++) {
        out[j] = conv.width == 1 ? data[j] : conv.width == 2 ? reinterpret_cast<const uint16_t *>(data)[j]
                                                               : static_cast<int32_t>(reinterpret_cast<const uint32_t *>(data)[j]);
        if (!valid_at(mask, j)) out[j] = 0;
      }
      break;
    }
    case OutKind::Decimal: {
      size_t start = col.values.size();
      col.values.resize(start + static_cast<size_t>(n) * 16);
      uint8_t *out = col.values.data() + start;
      for (int64_t j = 0; j < n; j++) {
        int64_t low;
        switch (conv.width) {
          case 2: low = reinterpret_cast<const int16_t *>(data)[j]; break;
          case 4: low = reinterpret_cast<const int32_t *>(data)[j]; break;
          case 8: low = reinterpret_cast<const int64_t *>(data)[j]; break;
          default: std::memcpy(out + j * 16, data + j * 16, 16); continue;
        }
        int64_t high = low < 0 ? -1 : 0;
        std::memcpy(out + j * 16, &low, 8);
        std::memcpy(out + j * 16 + 8, &high, 8);
      }
      break;
    }
    case OutKind::HugeToInt64: {
      size_t start = col.values.size();
      col.values.resize(start + static_cast<size_t>(n) * 8);
      uint8_t *out = col.values.data() + start;
      for (int64_t j = 0; j < n; j++) {
        uint64_t lower;
        int64_t upper;
        std::memcpy(&lower, data + j * 16, 8);
        std::memcpy(&upper, data + j * 16 + 8, 8);
        bool fits = conv.is_unsigned ? upper == 0 : upper == (static_cast<int64_t>(lower) < 0 ? -1 : 0);
        if (!fits && valid_at(mask, j)) {
          error = "column \"" + col.name + "\" has a value beyond 64 bits (a 128-bit integer, e.g. a sum of longs); cast it in SQL " +
                  "to DECIMAL(38, 0) or DOUBLE";
          return false;
        }
        std::memcpy(out + j * 8, &lower, 8);
      }
      break;
    }
  }
  return true;
}

}  // namespace

bool result_to_arrow(duckdb_result &result, OutTable &out, std::string &error) {
  idx_t count = duckdb_column_count(&result);
  std::vector<Converter> converters(count);
  out.columns.resize(count);
  for (idx_t i = 0; i < count; i++) {
    out.columns[i].name = duckdb_column_name(&result, i);
    duckdb_logical_type type = duckdb_column_logical_type(&result, i);
    bool ok = plan_column(type, out.columns[i], converters[i], error);
    duckdb_destroy_logical_type(&type);
    if (!ok) return false;
  }
  for (;;) {
    duckdb_data_chunk chunk = duckdb_fetch_chunk(result);
    if (!chunk) break;
    auto n = static_cast<int64_t>(duckdb_data_chunk_get_size(chunk));
    bool ok = true;
    for (idx_t i = 0; i < count && ok; i++) {
      ok = append_vector(duckdb_data_chunk_get_vector(chunk, i), out.columns[i], converters[i], out.rows, n, error);
    }
    duckdb_destroy_data_chunk(&chunk);
    if (!ok) return false;
    out.rows += n;
    if (n == 0) break;
  }
  for (auto &col : out.columns) {
    if ((col.type == "utf8" || col.type == "binary") && col.offsets.empty()) col.offsets.push_back(0);
  }
  return true;
}

}  // namespace lakeloop
