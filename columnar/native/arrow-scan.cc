// The table function that lets DuckDB read registered Arrow memory in place. Each call
// claims the next 2,048-row chunk (an atomic counter, so DuckDB's threads share the
// work) and fills the output vectors of the projected columns straight from the Arrow
// buffers: one memcpy per fixed-width column, bits unpacked for booleans, dictionary
// keys remapped to ENUM codes, strings assigned value by value from their bytes.
#include "arrow-scan.h"

#include <cstring>
#include <mutex>
#include <unordered_map>

namespace lakeloop {

static constexpr int64_t CHUNK = 2048;

void Registration::plan_chunks() {
  chunks.clear();
  rows = 0;
  for (uint32_t b = 0; b < batches.size(); b++) {
    for (int64_t at = 0; at < batches[b].length; at += CHUNK) chunks.emplace_back(b, at);
    rows += batches[b].length;
  }
}

static std::mutex registry_mutex;
static std::unordered_map<uint64_t, std::shared_ptr<Registration>> registry;
static uint64_t next_id = 1;

uint64_t add_registration(std::shared_ptr<Registration> registration) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  uint64_t id = next_id++;
  registry[id] = std::move(registration);
  return id;
}

void remove_registration(uint64_t id) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  registry.erase(id);
}

std::shared_ptr<Registration> find_registration(uint64_t id) {
  std::lock_guard<std::mutex> lock(registry_mutex);
  auto it = registry.find(id);
  return it == registry.end() ? nullptr : it->second;
}

static duckdb_logical_type logical_type_of(const InColumn &c) {
  switch (c.kind) {
    case InKind::Enum: {
      std::vector<const char *> names;
      names.reserve(c.enum_values.size());
      for (auto &v : c.enum_values) names.push_back(v.c_str());
      return duckdb_create_enum_type(names.data(), names.size());
    }
    case InKind::Decimal: return duckdb_create_decimal_type(c.decimal_width, c.decimal_scale);
    default: return duckdb_create_logical_type(c.duck_type);
  }
}

struct BindData {
  std::shared_ptr<Registration> registration;
};

struct ScanState {
  std::atomic<size_t> next{0};
  std::vector<idx_t> projection;
};

static void bind(duckdb_bind_info info) {
  duckdb_value param = duckdb_bind_get_parameter(info, 0);
  uint64_t id = duckdb_get_uint64(param);
  duckdb_destroy_value(&param);
  auto registration = find_registration(id);
  if (!registration) {
    duckdb_bind_set_error(info, "lakeloop_arrow: no Arrow table is registered under this id (it was released)");
    return;
  }
  for (auto &c : registration->columns) {
    duckdb_logical_type type = logical_type_of(c);
    duckdb_bind_add_result_column(info, c.name.c_str(), type);
    duckdb_destroy_logical_type(&type);
  }
  if (registration->batch_column) {
    duckdb_logical_type type = duckdb_create_logical_type(DUCK_INTEGER);
    duckdb_bind_add_result_column(info, "__lakeloop_batch", type);
    duckdb_destroy_logical_type(&type);
  }
  duckdb_bind_set_cardinality(info, static_cast<idx_t>(registration->rows), true);
  duckdb_bind_set_bind_data(info, new BindData{registration}, [](void *p) { delete static_cast<BindData *>(p); });
}

static void init(duckdb_init_info info) {
  auto *bind_data = static_cast<BindData *>(duckdb_init_get_bind_data(info));
  auto *state = new ScanState();
  idx_t n = duckdb_init_get_column_count(info);
  for (idx_t i = 0; i < n; i++) state->projection.push_back(duckdb_init_get_column_index(info, i));
  size_t chunks = bind_data->registration->chunks.size();
  // A thread per 16 chunks at most: tiny inputs stay on one thread.
  duckdb_init_set_max_threads(info, chunks / 16 + 1);
  duckdb_init_set_init_data(info, state, [](void *p) { delete static_cast<ScanState *>(p); });
}

static inline bool bit_at(const uint8_t *bits, int64_t i) { return (bits[i >> 3] >> (i & 7)) & 1; }

static void copy_validity(duckdb_vector out, const InSlice &s, int64_t from, int64_t n) {
  if (!s.validity) return;
  duckdb_vector_ensure_validity_writable(out);
  uint64_t *mask = duckdb_vector_get_validity(out);
  int64_t at = s.offset + from;
  if ((at & 7) == 0) {
    std::memcpy(mask, s.validity + (at >> 3), static_cast<size_t>((n + 7) >> 3));
    return;
  }
  for (int64_t j = 0; j < n; j += 64) mask[j >> 6] = 0;
  for (int64_t j = 0; j < n; j++) {
    if (bit_at(s.validity, at + j)) mask[j >> 6] |= (uint64_t{1} << (j & 63));
  }
}

template <typename K>
static void fill_enum_codes(uint8_t *out, int enum_width, const K *keys, const int32_t *remap, int64_t remap_size, int64_t n) {
  // remap_size bounds the keys: with no remap it is the ENUM's size.
  for (int64_t j = 0; j < n; j++) {
    int64_t k = static_cast<int64_t>(keys[j]);
    uint32_t code = remap ? static_cast<uint32_t>(k >= 0 && k < remap_size ? remap[k] : 0) : static_cast<uint32_t>(k >= 0 && k < remap_size ? k : 0);
    if (enum_width == 1) out[j] = static_cast<uint8_t>(code);
    else if (enum_width == 2) reinterpret_cast<uint16_t *>(out)[j] = static_cast<uint16_t>(code);
    else reinterpret_cast<uint32_t *>(out)[j] = code;
  }
}

static inline int64_t key_at(const uint8_t *keys, int key_width, int64_t i) {
  if (key_width == 1) return reinterpret_cast<const int8_t *>(keys)[i];
  if (key_width == 2) return reinterpret_cast<const int16_t *>(keys)[i];
  return reinterpret_cast<const int32_t *>(keys)[i];
}

// Arrow JS's convention: value buffers (values, offsets, keys) start at the slice's first
// row, while bit buffers (validity, booleans) count from the data's offset.
static void fill_column(duckdb_vector out, const InColumn &c, const InSlice &s, int64_t from, int64_t n) {
  copy_validity(out, s, from, n);
  const int64_t bit = s.offset + from;
  auto *dst = static_cast<uint8_t *>(duckdb_vector_get_data(out));
  auto valid = [&](int64_t j) { return !s.validity || bit_at(s.validity, bit + j); };
  switch (c.kind) {
    case InKind::Fixed:
      std::memcpy(dst, s.values + from * c.width, static_cast<size_t>(n * c.width));
      break;
    case InKind::Scaled: {
      auto *src = reinterpret_cast<const int64_t *>(s.values) + from;
      auto *d = reinterpret_cast<int64_t *>(dst);
      if (c.divide > 1) for (int64_t j = 0; j < n; j++) d[j] = src[j] / c.divide;
      else for (int64_t j = 0; j < n; j++) d[j] = src[j] * c.multiply;
      break;
    }
    case InKind::Bool:
      for (int64_t j = 0; j < n; j++) dst[j] = bit_at(s.values, bit + j);
      break;
    case InKind::Utf8:
      for (int64_t j = 0; j < n; j++) {
        if (!valid(j)) continue;
        int32_t a = s.offsets[from + j], b = s.offsets[from + j + 1];
        duckdb_vector_assign_string_element_len(out, j, reinterpret_cast<const char *>(s.values + a), b - a);
      }
      break;
    case InKind::Enum: {
      int64_t bound = s.remap ? s.remap_size : static_cast<int64_t>(c.enum_values.size());
      if (c.key_width == 1) fill_enum_codes(dst, c.enum_width, reinterpret_cast<const int8_t *>(s.values) + from, s.remap, bound, n);
      else if (c.key_width == 2) fill_enum_codes(dst, c.enum_width, reinterpret_cast<const int16_t *>(s.values) + from, s.remap, bound, n);
      else fill_enum_codes(dst, c.enum_width, reinterpret_cast<const int32_t *>(s.values) + from, s.remap, bound, n);
      break;
    }
    case InKind::DictUtf8:
      for (int64_t j = 0; j < n; j++) {
        if (!valid(j)) continue;
        int64_t k = key_at(s.values, c.key_width, from + j);
        int32_t a = s.dict_offsets[k], b = s.dict_offsets[k + 1];
        duckdb_vector_assign_string_element_len(out, j, reinterpret_cast<const char *>(s.dict_bytes + a), b - a);
      }
      break;
    case InKind::Decimal: {
      // Arrow decimal128: 16 bytes little-endian two's complement; DuckDB keeps the low
      // bytes of its physical width (the precision guarantees they hold the value).
      const uint8_t *src = s.values + from * 16;
      if (c.width == 16) std::memcpy(dst, src, static_cast<size_t>(n * 16));
      else for (int64_t j = 0; j < n; j++) std::memcpy(dst + j * c.width, src + j * 16, c.width);
      break;
    }
  }
}

static void scan(duckdb_function_info info, duckdb_data_chunk output) {
  auto *bind_data = static_cast<BindData *>(duckdb_function_get_bind_data(info));
  auto *state = static_cast<ScanState *>(duckdb_function_get_init_data(info));
  const Registration &r = *bind_data->registration;
  size_t index = state->next.fetch_add(1);
  if (index >= r.chunks.size()) {
    duckdb_data_chunk_set_size(output, 0);
    return;
  }
  auto [batch_index, from] = r.chunks[index];
  const InBatch &batch = r.batches[batch_index];
  int64_t n = std::min<int64_t>(CHUNK, batch.length - from);
  for (idx_t i = 0; i < state->projection.size(); i++) {
    idx_t col = state->projection[i];
    duckdb_vector vector = duckdb_data_chunk_get_vector(output, i);
    if (col == r.columns.size()) {  // the batch number column
      auto *out = static_cast<int32_t *>(duckdb_vector_get_data(vector));
      for (int64_t j = 0; j < n; j++) out[j] = static_cast<int32_t>(batch_index);
      continue;
    }
    fill_column(vector, r.columns[col], batch.columns[col], from, n);
  }
  duckdb_data_chunk_set_size(output, static_cast<idx_t>(n));
}

size_t count_registrations() {
  std::lock_guard<std::mutex> lock(registry_mutex);
  return registry.size();
}

duckdb_state register_arrow_scan(duckdb_connection connection) {
  duckdb_table_function f = duckdb_create_table_function();
  duckdb_table_function_set_name(f, "lakeloop_arrow");
  duckdb_logical_type id_type = duckdb_create_logical_type(DUCK_UBIGINT);
  duckdb_table_function_add_parameter(f, id_type);
  duckdb_destroy_logical_type(&id_type);
  duckdb_table_function_set_bind(f, bind);
  duckdb_table_function_set_init(f, init);
  duckdb_table_function_set_function(f, scan);
  duckdb_table_function_supports_projection_pushdown(f, true);
  duckdb_state state = duckdb_register_table_function(connection, f);
  duckdb_destroy_table_function(&f);
  return state;
}

}  // namespace lakeloop
