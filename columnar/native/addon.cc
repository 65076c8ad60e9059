// The N-API face of lakeloop's DuckDB bridge: a database of lakeloop's own opened through
// DuckDB's C API, connections, Arrow tables registered in place (the description's
// buffers are read where they lie and kept alive by a reference until released),
// queries run off the JavaScript thread with their results returned as Arrow buffers,
// and zstd decompression for the Parquet page decoder.
//
// Exports: open(path, config) -> db; close(db); connect(db) -> conn; disconnect(conn);
// register(conn, name, description) -> id; release(conn, name, id);
// query(conn, sql, allocate) -> Promise<{rows, columns}>; interrupt(conn);
// zstdDecompress(src, dst) -> bytes written; registrations() -> count.
#include <node_api.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "arrow-scan.h"
#include "decode-chunk.h"
#include "duckdb-api.h"
#include "result-to-arrow.h"

using namespace lakeloop;

namespace {

#define CHECK(call)                                      \
  do {                                                   \
    if ((call) != napi_ok) return throw_last(env);       \
  } while (0)

napi_value throw_last(napi_env env) {
  const napi_extended_error_info *info = nullptr;
  napi_get_last_error_info(env, &info);
  bool pending = false;
  napi_is_exception_pending(env, &pending);
  if (!pending) napi_throw_error(env, "NATIVE", info && info->error_message ? info->error_message : "N-API call failed");
  return nullptr;
}

napi_value throw_message(napi_env env, const std::string &message) {
  napi_throw_error(env, "NATIVE", message.c_str());
  return nullptr;
}

struct Database {
  duckdb_database db = nullptr;
  bool scan_registered = false;  // lakeloop_arrow is registered once per database
};

struct Connection {
  duckdb_connection conn = nullptr;
  // Registrations made on this connection: their references keep the JavaScript
  // buffers alive until released (or the connection closes).
  std::unordered_map<uint64_t, napi_ref> refs;
};

template <typename T>
T *unwrap(napi_env env, napi_value value) {
  void *data = nullptr;
  if (napi_get_value_external(env, value, &data) != napi_ok || !data) return nullptr;
  return static_cast<T *>(data);
}

std::string string_of(napi_env env, napi_value value) {
  size_t length = 0;
  napi_get_value_string_utf8(env, value, nullptr, 0, &length);
  std::string out(length, '\0');
  napi_get_value_string_utf8(env, value, out.data(), length + 1, &length);
  return out;
}

napi_value prop(napi_env env, napi_value object, const char *name) {
  napi_value v = nullptr;
  napi_get_named_property(env, object, name, &v);
  return v;
}

bool is_present(napi_env env, napi_value v) {
  napi_valuetype t;
  return v && napi_typeof(env, v, &t) == napi_ok && t != napi_undefined && t != napi_null;
}

int64_t int_of(napi_env env, napi_value v, int64_t fallback = 0) {
  if (!is_present(env, v)) return fallback;
  double d = 0;
  napi_get_value_double(env, v, &d);
  return static_cast<int64_t>(d);
}

// The bytes of a typed array (over an ArrayBuffer or a SharedArrayBuffer).
const uint8_t *bytes_of(napi_env env, napi_value v, size_t *length = nullptr) {
  if (!is_present(env, v)) return nullptr;
  bool is_typed = false;
  napi_is_typedarray(env, v, &is_typed);
  if (!is_typed) return nullptr;
  napi_typedarray_type type;
  size_t count = 0, offset = 0;
  void *data = nullptr;
  napi_value buffer;
  if (napi_get_typedarray_info(env, v, &type, &count, &data, &buffer, &offset) != napi_ok) return nullptr;
  if (length) {
    size_t width = type == napi_int8_array || type == napi_uint8_array || type == napi_uint8_clamped_array ? 1
                 : type == napi_int16_array || type == napi_uint16_array ? 2
                 : type == napi_int32_array || type == napi_uint32_array || type == napi_float32_array ? 4 : 8;
    *length = count * width;
  }
  return static_cast<const uint8_t *>(data);
}

napi_value make_external(napi_env env, void *data, napi_finalize finalize) {
  napi_value out;
  napi_create_external(env, data, finalize, nullptr, &out);
  return out;
}

// open(path, config: Record<string, string>) -> db
napi_value Open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  std::string path = argc > 0 && is_present(env, args[0]) ? string_of(env, args[0]) : ":memory:";
  duckdb_config config;
  if (duckdb_create_config(&config) != DuckDBSuccess) return throw_message(env, "DuckDB could not create a configuration");
  if (argc > 1 && is_present(env, args[1])) {
    napi_value keys;
    CHECK(napi_get_property_names(env, args[1], &keys));
    uint32_t n = 0;
    napi_get_array_length(env, keys, &n);
    for (uint32_t i = 0; i < n; i++) {
      napi_value key, value;
      napi_get_element(env, keys, i, &key);
      napi_get_property(env, args[1], key, &value);
      std::string k = string_of(env, key), v = string_of(env, value);
      if (duckdb_set_config(config, k.c_str(), v.c_str()) != DuckDBSuccess) {
        duckdb_destroy_config(&config);
        return throw_message(env, "DuckDB refused the setting " + k + " = " + v);
      }
    }
  }
  auto *db = new Database();
  char *error = nullptr;
  duckdb_state state = duckdb_open_ext(path.c_str(), &db->db, config, &error);
  duckdb_destroy_config(&config);
  if (state != DuckDBSuccess) {
    std::string message = error ? error : "DuckDB could not open the database";
    if (error) duckdb_free(error);
    delete db;
    return throw_message(env, message);
  }
  return make_external(env, db, nullptr);
}

napi_value Close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  auto *db = unwrap<Database>(env, args[0]);
  if (db && db->db) duckdb_close(&db->db);
  return nullptr;
}

napi_value Connect(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  auto *db = unwrap<Database>(env, args[0]);
  if (!db || !db->db) return throw_message(env, "the database is closed");
  auto *conn = new Connection();
  if (duckdb_connect(db->db, &conn->conn) != DuckDBSuccess) {
    delete conn;
    return throw_message(env, "DuckDB could not open a connection");
  }
  if (!db->scan_registered) {
    if (register_arrow_scan(conn->conn) != DuckDBSuccess) {
      duckdb_disconnect(&conn->conn);
      delete conn;
      return throw_message(env, "DuckDB refused the lakeloop_arrow table function");
    }
    db->scan_registered = true;
  }
  return make_external(env, conn, nullptr);
}

bool run(duckdb_connection conn, const std::string &sql, std::string &error) {
  duckdb_result result;
  bool ok = duckdb_query(conn, sql.c_str(), &result) == DuckDBSuccess;
  if (!ok) error = duckdb_result_error(&result) ? duckdb_result_error(&result) : "query failed";
  duckdb_destroy_result(&result);
  return ok;
}

std::string quote_ident(const std::string &name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

void release_all(napi_env env, Connection *conn) {
  for (auto &[id, ref] : conn->refs) {
    remove_registration(id);
    napi_delete_reference(env, ref);
  }
  conn->refs.clear();
}

napi_value Disconnect(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  auto *conn = unwrap<Connection>(env, args[0]);
  if (conn && conn->conn) {
    duckdb_disconnect(&conn->conn);
    release_all(env, conn);
  }
  return nullptr;
}

napi_value Interrupt(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  auto *conn = unwrap<Connection>(env, args[0]);
  if (conn && conn->conn) duckdb_interrupt(conn->conn);
  return nullptr;
}

// The kinds the JavaScript side names in a description (see columnar/native/*.ts).
bool column_of(napi_env env, napi_value c, InColumn &out, std::string &error) {
  out.name = string_of(env, prop(env, c, "name"));
  std::string kind = string_of(env, prop(env, c, "kind"));
  out.duck_type = static_cast<int32_t>(int_of(env, prop(env, c, "duckType")));
  out.width = static_cast<int>(int_of(env, prop(env, c, "width")));
  if (kind == "fixed") out.kind = InKind::Fixed;
  else if (kind == "scaled") {
    out.kind = InKind::Scaled;
    out.multiply = int_of(env, prop(env, c, "multiply"), 1);
    out.divide = int_of(env, prop(env, c, "divide"), 1);
  } else if (kind == "bool") out.kind = InKind::Bool;
  else if (kind == "utf8") out.kind = InKind::Utf8;
  else if (kind == "enum" || kind == "dict-utf8") {
    out.kind = kind == "enum" ? InKind::Enum : InKind::DictUtf8;
    out.key_width = static_cast<int>(int_of(env, prop(env, c, "keyWidth"), 4));
    if (out.kind == InKind::Enum) {
      napi_value values = prop(env, c, "values");
      uint32_t n = 0;
      napi_get_array_length(env, values, &n);
      out.enum_values.reserve(n);
      for (uint32_t i = 0; i < n; i++) {
        napi_value v;
        napi_get_element(env, values, i, &v);
        out.enum_values.push_back(string_of(env, v));
      }
      out.enum_width = n <= 0xff ? 1 : n <= 0xffff ? 2 : 4;
    }
  } else if (kind == "decimal") {
    out.kind = InKind::Decimal;
    out.decimal_width = static_cast<uint8_t>(int_of(env, prop(env, c, "precision")));
    out.decimal_scale = static_cast<uint8_t>(int_of(env, prop(env, c, "scale")));
    out.width = out.decimal_width <= 4 ? 2 : out.decimal_width <= 9 ? 4 : out.decimal_width <= 18 ? 8 : 16;
  } else {
    error = "column \"" + out.name + "\": unknown kind " + kind;
    return false;
  }
  return true;
}

// register(conn, name, { columns: [...], batches: [{ length, columns: [...] }] }) -> id
napi_value Register(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  auto *conn = unwrap<Connection>(env, args[0]);
  if (!conn || !conn->conn) return throw_message(env, "the connection is closed");
  std::string name = string_of(env, args[1]);
  napi_value description = args[2];
  auto registration = std::make_shared<Registration>();
  std::string error;

  napi_value columns = prop(env, description, "columns");
  uint32_t ncol = 0;
  napi_get_array_length(env, columns, &ncol);
  registration->columns.resize(ncol);
  for (uint32_t i = 0; i < ncol; i++) {
    napi_value c;
    napi_get_element(env, columns, i, &c);
    if (!column_of(env, c, registration->columns[i], error)) return throw_message(env, error);
  }
  napi_value batches = prop(env, description, "batches");
  uint32_t nbatch = 0;
  napi_get_array_length(env, batches, &nbatch);
  registration->batches.resize(nbatch);
  for (uint32_t b = 0; b < nbatch; b++) {
    napi_value batch;
    napi_get_element(env, batches, b, &batch);
    InBatch &in = registration->batches[b];
    in.length = int_of(env, prop(env, batch, "length"));
    napi_value slices = prop(env, batch, "columns");
    in.columns.resize(ncol);
    for (uint32_t i = 0; i < ncol; i++) {
      napi_value s;
      napi_get_element(env, slices, i, &s);
      InSlice &slice = in.columns[i];
      slice.offset = int_of(env, prop(env, s, "offset"));
      slice.validity = bytes_of(env, prop(env, s, "validity"));
      slice.values = bytes_of(env, prop(env, s, "values"));
      slice.offsets = reinterpret_cast<const int32_t *>(bytes_of(env, prop(env, s, "offsets")));
      size_t remap_bytes = 0;
      slice.remap = reinterpret_cast<const int32_t *>(bytes_of(env, prop(env, s, "remap"), &remap_bytes));
      slice.remap_size = static_cast<int64_t>(remap_bytes / 4);
      slice.dict_offsets = reinterpret_cast<const int32_t *>(bytes_of(env, prop(env, s, "dictionaryOffsets")));
      slice.dict_bytes = bytes_of(env, prop(env, s, "dictionaryBytes"));
      const InColumn &c = registration->columns[i];
      bool missing = in.length > 0 && (!slice.values || (c.kind == InKind::Utf8 && !slice.offsets) ||
                                       (c.kind == InKind::DictUtf8 && (!slice.dict_offsets || !slice.dict_bytes)));
      if (missing) return throw_message(env, "column \"" + c.name + "\" of batch " + std::to_string(b) + " has no buffers");
    }
  }
  bool batch_column = false;
  napi_get_value_bool(env, prop(env, description, "batchColumn"), &batch_column);
  registration->batch_column = batch_column;
  registration->plan_chunks();
  uint64_t id = add_registration(registration);
  std::string sql = "CREATE OR REPLACE TEMP VIEW " + quote_ident(name) + " AS SELECT * FROM lakeloop_arrow(" + std::to_string(id) + "::UBIGINT)";
  if (!run(conn->conn, sql, error)) {
    remove_registration(id);
    return throw_message(env, error);
  }
  napi_ref ref;
  CHECK(napi_create_reference(env, description, 1, &ref));
  conn->refs[id] = ref;
  napi_value out;
  napi_create_double(env, static_cast<double>(id), &out);
  return out;
}

// release(conn, name, id): the view goes, and with it the reference to the buffers.
napi_value Release(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  auto *conn = unwrap<Connection>(env, args[0]);
  auto id = static_cast<uint64_t>(int_of(env, args[2]));
  if (conn && conn->conn) {
    std::string error;
    run(conn->conn, "DROP VIEW IF EXISTS " + quote_ident(string_of(env, args[1])), error);
  }
  remove_registration(id);
  if (conn) {
    auto it = conn->refs.find(id);
    if (it != conn->refs.end()) {
      napi_delete_reference(env, it->second);
      conn->refs.erase(it);
    }
  }
  return nullptr;
}

struct QueryWork {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  napi_ref allocate = nullptr;
  duckdb_connection conn = nullptr;
  std::string sql;
  bool ok = false;
  std::string error;
  OutTable table;
  double execute_ms = 0, convert_ms = 0;
};

double ms_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

void execute_query(napi_env, void *data) {
  auto *w = static_cast<QueryWork *>(data);
  duckdb_result result;
  auto t0 = std::chrono::steady_clock::now();
  if (duckdb_query(w->conn, w->sql.c_str(), &result) != DuckDBSuccess) {
    const char *e = duckdb_result_error(&result);
    w->error = e ? e : "query failed";
    duckdb_destroy_result(&result);
    return;
  }
  w->execute_ms = ms_since(t0);
  auto t1 = std::chrono::steady_clock::now();
  w->ok = result_to_arrow(result, w->table, w->error);
  duckdb_destroy_result(&result);
  w->convert_ms = ms_since(t1);
}

// A JavaScript Uint8Array (from the caller's allocator: shared memory) holding `bytes`.
napi_value copy_out(napi_env env, napi_value allocate, const void *bytes, size_t length) {
  napi_value global, size, array;
  napi_get_global(env, &global);
  napi_create_double(env, static_cast<double>(length), &size);
  if (napi_call_function(env, global, allocate, 1, &size, &array) != napi_ok) return nullptr;
  size_t got = 0;
  auto *target = const_cast<uint8_t *>(bytes_of(env, array, &got));
  if (!target || got < length) return nullptr;
  if (length) std::memcpy(target, bytes, length);
  return array;
}

void complete_query(napi_env env, napi_status status, void *data) {
  auto *w = static_cast<QueryWork *>(data);
  napi_value allocate;
  napi_get_reference_value(env, w->allocate, &allocate);
  auto fail = [&](const std::string &message) {
    napi_value text, error;
    napi_create_string_utf8(env, message.c_str(), message.size(), &text);
    napi_create_error(env, nullptr, text, &error);
    napi_reject_deferred(env, w->deferred, error);
  };
  if (status != napi_ok) fail("the query was cancelled");
  else if (!w->ok) fail(w->error);
  else {
    napi_value result, columns, rows;
    napi_create_object(env, &result);
    napi_create_array_with_length(env, w->table.columns.size(), &columns);
    napi_create_double(env, static_cast<double>(w->table.rows), &rows);
    napi_set_named_property(env, result, "rows", rows);
    napi_value timing;
    napi_create_double(env, w->execute_ms, &timing);
    napi_set_named_property(env, result, "executeMs", timing);
    napi_create_double(env, w->convert_ms, &timing);
    napi_set_named_property(env, result, "convertMs", timing);
    bool ok = true;
    for (size_t i = 0; i < w->table.columns.size() && ok; i++) {
      OutColumn &c = w->table.columns[i];
      napi_value col, v;
      napi_create_object(env, &col);
      napi_create_string_utf8(env, c.name.c_str(), c.name.size(), &v);
      napi_set_named_property(env, col, "name", v);
      napi_create_string_utf8(env, c.type.c_str(), c.type.size(), &v);
      napi_set_named_property(env, col, "type", v);
      napi_create_double(env, c.precision, &v);
      napi_set_named_property(env, col, "precision", v);
      napi_create_double(env, c.scale, &v);
      napi_set_named_property(env, col, "scale", v);
      napi_create_double(env, static_cast<double>(c.null_count), &v);
      napi_set_named_property(env, col, "nullCount", v);
      auto put = [&](const char *key, const void *bytes, size_t length) {
        napi_value array = copy_out(env, allocate, bytes, length);
        if (!array) ok = false;
        else napi_set_named_property(env, col, key, array);
      };
      put("values", c.values.data(), c.values.size());
      if (!c.validity.empty()) put("validity", c.validity.data(), c.validity.size());
      if (!c.offsets.empty()) put("offsets", c.offsets.data(), c.offsets.size() * 4);
      if (c.type == "dictionary") {
        put("dictionaryOffsets", c.dictionary_offsets.data(), c.dictionary_offsets.size() * 4);
        put("dictionaryBytes", c.dictionary_bytes.data(), c.dictionary_bytes.size());
      }
      // The native copy is no longer needed once JavaScript holds its own.
      std::vector<uint8_t>().swap(c.values);
      napi_set_element(env, columns, static_cast<uint32_t>(i), col);
    }
    napi_set_named_property(env, result, "columns", columns);
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value exception;
      napi_get_and_clear_last_exception(env, &exception);
      napi_reject_deferred(env, w->deferred, exception);
    } else if (!ok) fail("could not allocate memory for the result");
    else napi_resolve_deferred(env, w->deferred, result);
  }
  napi_delete_reference(env, w->allocate);
  napi_delete_async_work(env, w->work);
  delete w;
}

// query(conn, sql, allocate: (bytes) => Uint8Array) -> Promise<{ rows, columns, executeMs, convertMs }>
napi_value Query(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  auto *conn = unwrap<Connection>(env, args[0]);
  if (!conn || !conn->conn) return throw_message(env, "the connection is closed");
  auto *w = new QueryWork();
  w->conn = conn->conn;
  w->sql = string_of(env, args[1]);
  napi_value promise, name;
  CHECK(napi_create_reference(env, args[2], 1, &w->allocate));
  CHECK(napi_create_promise(env, &w->deferred, &promise));
  napi_create_string_utf8(env, "lakeloop.duckdb.query", NAPI_AUTO_LENGTH, &name);
  CHECK(napi_create_async_work(env, nullptr, name, execute_query, complete_query, w, &w->work));
  CHECK(napi_queue_async_work(env, w->work));
  return promise;
}

// zstdDecompress(src: Uint8Array, dst: Uint8Array) -> bytes written (throws on corrupt input)
napi_value ZstdDecompress(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value args[2];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  size_t src_length = 0, dst_length = 0;
  const uint8_t *src = bytes_of(env, args[0], &src_length);
  auto *dst = const_cast<uint8_t *>(bytes_of(env, args[1], &dst_length));
  if (!src || !dst) return throw_message(env, "zstdDecompress takes two typed arrays");
  size_t written = duckdb_zstd::ZSTD_decompress(dst, dst_length, src, src_length);
  if (duckdb_zstd::ZSTD_isError(written)) return throw_message(env, "corrupt zstd data");
  napi_value out;
  napi_create_double(env, static_cast<double>(written), &out);
  return out;
}

// A 64-bit checksum of bytes at memory speed: four independent lanes of multiply-xor
// over 8-byte words, folded with the length. Sorting values in place changes it (unlike
// a plain sum), which is what it is for: telling whether a model wrote to memory it was
// only lent.
uint64_t checksum_of(const uint8_t *bytes, size_t length) {
  const uint64_t k = 0x9E3779B97F4A7C15ull;
  uint64_t lanes[4] = {1, 2, 3, 4};
  size_t words = length / 8, i = 0;
  for (; i + 4 <= words; i += 4) {
    for (int l = 0; l < 4; l++) {
      uint64_t w;
      std::memcpy(&w, bytes + (i + l) * 8, 8);
      lanes[l] = (lanes[l] ^ w) * k;
      lanes[l] ^= lanes[l] >> 29;
    }
  }
  uint64_t h = length;
  for (; i < words; i++) {
    uint64_t w;
    std::memcpy(&w, bytes + i * 8, 8);
    h = (h ^ w) * k;
  }
  for (size_t j = words * 8; j < length; j++) h = (h ^ bytes[j]) * k;
  for (int l = 0; l < 4; l++) h = (h ^ lanes[l]) * k + static_cast<uint64_t>(l);
  return h;
}

// checksum(view) -> the checksum of the view's bytes, as a BigInt.
napi_value Checksum(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  size_t length = 0;
  const uint8_t *bytes = bytes_of(env, args[0], &length);
  if (!bytes && length) return throw_message(env, "checksum takes a typed array");
  napi_value out;
  napi_create_bigint_uint64(env, checksum_of(bytes, length), &out);
  return out;
}

struct ChecksumWork {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  napi_ref keep = nullptr;
  std::vector<std::pair<const uint8_t *, size_t>> views;
  std::vector<uint64_t> sums;
};

// checksumAll(views) -> Promise<BigInt[]>, on a thread of the pool (callers split the
// views over several calls to use several cores).
napi_value ChecksumAll(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value args[1];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  auto *w = new ChecksumWork();
  uint32_t n = 0;
  napi_get_array_length(env, args[0], &n);
  for (uint32_t i = 0; i < n; i++) {
    napi_value v;
    napi_get_element(env, args[0], i, &v);
    size_t length = 0;
    const uint8_t *bytes = bytes_of(env, v, &length);
    w->views.emplace_back(bytes, bytes ? length : 0);
  }
  napi_value promise, name;
  CHECK(napi_create_reference(env, args[0], 1, &w->keep));
  CHECK(napi_create_promise(env, &w->deferred, &promise));
  napi_create_string_utf8(env, "lakeloop.checksum", NAPI_AUTO_LENGTH, &name);
  CHECK(napi_create_async_work(env, nullptr, name,
    [](napi_env, void *data) {
      auto *w = static_cast<ChecksumWork *>(data);
      for (auto &[bytes, length] : w->views) w->sums.push_back(checksum_of(bytes, length));
    },
    [](napi_env env, napi_status, void *data) {
      auto *w = static_cast<ChecksumWork *>(data);
      napi_value out;
      napi_create_array_with_length(env, w->sums.size(), &out);
      for (size_t i = 0; i < w->sums.size(); i++) {
        napi_value v;
        napi_create_bigint_uint64(env, w->sums[i], &v);
        napi_set_element(env, out, static_cast<uint32_t>(i), v);
      }
      napi_resolve_deferred(env, w->deferred, out);
      napi_delete_reference(env, w->keep);
      napi_delete_async_work(env, w->work);
      delete w;
    }, w, &w->work));
  CHECK(napi_queue_async_work(env, w->work));
  return promise;
}

struct DecodeWork {
  napi_async_work work = nullptr;
  napi_deferred deferred = nullptr;
  napi_ref keep = nullptr;  // the chunk and output buffers, alive until complete
  const uint8_t *chunk = nullptr;
  size_t length = 0;
  ChunkSpec spec{};
  ChunkOut out{};
  ChunkResult result;
};

void execute_decode(napi_env, void *data) {
  auto *w = static_cast<DecodeWork *>(data);
  w->result = decode_chunk(w->chunk, w->length, w->spec, w->out);
}

void complete_decode(napi_env env, napi_status status, void *data) {
  auto *w = static_cast<DecodeWork *>(data);
  const ChunkResult &r = w->result;
  if (status != napi_ok || (!r.ok && !r.unsupported)) {
    std::string message = status != napi_ok ? "the decode was cancelled" : r.error;
    napi_value text, error;
    napi_create_string_utf8(env, message.c_str(), message.size(), &text);
    napi_create_error(env, nullptr, text, &error);
    napi_reject_deferred(env, w->deferred, error);
  } else {
    napi_value out, v;
    napi_create_object(env, &out);
    auto num = [&](const char *key, double x) { napi_create_double(env, x, &v); napi_set_named_property(env, out, key, v); };
    if (r.unsupported) {
      napi_create_string_utf8(env, r.error.c_str(), r.error.size(), &v);
      napi_set_named_property(env, out, "unsupported", v);
    } else {
      num("nullCount", static_cast<double>(r.null_count));
      num("valuesLength", static_cast<double>(r.values_length));
      num("dictCount", static_cast<double>(r.dict_count));
      num("dictBytesLength", static_cast<double>(r.dict_bytes_length));
      napi_get_boolean(env, r.dictionary, &v);
      napi_set_named_property(env, out, "dictionary", v);
    }
    napi_resolve_deferred(env, w->deferred, out);
  }
  napi_delete_reference(env, w->keep);
  napi_delete_async_work(env, w->work);
  delete w;
}

// decodeChunk(chunk, spec, out) -> Promise<{ nullCount, valuesLength, dictCount,
// dictBytesLength, dictionary } | { unsupported }>, decoded on a thread of the pool.
// spec: { physical, codec, optional, rows, target, width, multiply, divide } (the codes
// of decode-chunk.h); out: { values, validity, offsets?, keys?, dictOffsets?, dictBytes? }.
napi_value DecodeChunk(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value args[3];
  CHECK(napi_get_cb_info(env, info, &argc, args, nullptr, nullptr));
  auto *w = new DecodeWork();
  w->chunk = bytes_of(env, args[0], &w->length);
  napi_value spec = args[1], out = args[2];
  w->spec.physical = static_cast<Physical>(int_of(env, prop(env, spec, "physical")));
  w->spec.codec = static_cast<Codec>(int_of(env, prop(env, spec, "codec")));
  bool optional = false;
  napi_get_value_bool(env, prop(env, spec, "optional"), &optional);
  w->spec.optional = optional;
  w->spec.rows = int_of(env, prop(env, spec, "rows"));
  w->spec.target = static_cast<Target>(int_of(env, prop(env, spec, "target")));
  w->spec.width = static_cast<int>(int_of(env, prop(env, spec, "width")));
  w->spec.multiply = int_of(env, prop(env, spec, "multiply"), 1);
  w->spec.divide = int_of(env, prop(env, spec, "divide"), 1);
  size_t cap = 0;
  w->out.values = const_cast<uint8_t *>(bytes_of(env, prop(env, out, "values"), &cap));
  w->out.values_cap = cap;
  w->out.validity = const_cast<uint8_t *>(bytes_of(env, prop(env, out, "validity")));
  w->out.offsets = reinterpret_cast<int32_t *>(const_cast<uint8_t *>(bytes_of(env, prop(env, out, "offsets"))));
  w->out.keys = reinterpret_cast<int32_t *>(const_cast<uint8_t *>(bytes_of(env, prop(env, out, "keys"))));
  w->out.dict_offsets = reinterpret_cast<int32_t *>(const_cast<uint8_t *>(bytes_of(env, prop(env, out, "dictOffsets"), &cap)));
  w->out.dict_offsets_cap = cap / 4;
  w->out.dict_bytes = const_cast<uint8_t *>(bytes_of(env, prop(env, out, "dictBytes"), &cap));
  w->out.dict_bytes_cap = cap;
  const bool strings = w->spec.target == Target::Strings || w->spec.target == Target::Bytes;
  if (!w->chunk || !w->out.values || !w->out.validity || (strings && !w->out.offsets) ||
      (w->spec.target == Target::Strings && !w->out.keys)) {
    delete w;
    return throw_message(env, "decodeChunk: missing buffers");
  }
  napi_value holder, promise, name;
  napi_create_array_with_length(env, 3, &holder);
  for (uint32_t i = 0; i < 3; i++) napi_set_element(env, holder, i, args[i]);
  CHECK(napi_create_reference(env, holder, 1, &w->keep));
  CHECK(napi_create_promise(env, &w->deferred, &promise));
  napi_create_string_utf8(env, "lakeloop.parquet.decode", NAPI_AUTO_LENGTH, &name);
  CHECK(napi_create_async_work(env, nullptr, name, execute_decode, complete_decode, w, &w->work));
  CHECK(napi_queue_async_work(env, w->work));
  return promise;
}

// registrations() -> Arrow tables registered right now, process-wide (tests check for leaks).
napi_value Registrations(napi_env env, napi_callback_info) {
  napi_value out;
  napi_create_double(env, static_cast<double>(count_registrations()), &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"open", nullptr, Open, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"close", nullptr, Close, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"connect", nullptr, Connect, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"disconnect", nullptr, Disconnect, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"interrupt", nullptr, Interrupt, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"register", nullptr, Register, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"release", nullptr, Release, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"query", nullptr, Query, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"decodeChunk", nullptr, DecodeChunk, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"checksum", nullptr, Checksum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"checksumAll", nullptr, ChecksumAll, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"registrations", nullptr, Registrations, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"zstdDecompress", nullptr, ZstdDecompress, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
