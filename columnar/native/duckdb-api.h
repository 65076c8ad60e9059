// The part of DuckDB's C API (the stable `duckdb.h` ABI of DuckDB 1.x) that this addon
// calls. The npm package @duckdb/node-bindings ships libduckdb.so without its header, so
// the declarations the addon needs are written out here; every name below is exported
// by that library (the addon links it, and the version is pinned in package.json).
#pragma once
#include <cstddef>
#include <cstdint>

extern "C" {

typedef uint64_t idx_t;
typedef enum { DuckDBSuccess = 0, DuckDBError = 1 } duckdb_state;

// DuckDB's type ids (enum DUCKDB_TYPE), the ones this addon reads or makes.
enum DuckType : int32_t {
  DUCK_BOOLEAN = 1, DUCK_TINYINT = 2, DUCK_SMALLINT = 3, DUCK_INTEGER = 4, DUCK_BIGINT = 5,
  DUCK_UTINYINT = 6, DUCK_USMALLINT = 7, DUCK_UINTEGER = 8, DUCK_UBIGINT = 9, DUCK_FLOAT = 10,
  DUCK_DOUBLE = 11, DUCK_TIMESTAMP = 12, DUCK_DATE = 13, DUCK_TIME = 14, DUCK_INTERVAL = 15,
  DUCK_HUGEINT = 16, DUCK_VARCHAR = 17, DUCK_BLOB = 18, DUCK_DECIMAL = 19, DUCK_TIMESTAMP_S = 20,
  DUCK_TIMESTAMP_MS = 21, DUCK_TIMESTAMP_NS = 22, DUCK_ENUM = 23, DUCK_LIST = 24, DUCK_STRUCT = 25,
  DUCK_MAP = 26, DUCK_UUID = 27, DUCK_TIMESTAMP_TZ = 31, DUCK_UHUGEINT = 32,
};

typedef struct _duckdb_database { void *internal_ptr; } *duckdb_database;
typedef struct _duckdb_connection { void *internal_ptr; } *duckdb_connection;
typedef struct _duckdb_config { void *internal_ptr; } *duckdb_config;
typedef struct _duckdb_data_chunk { void *internal_ptr; } *duckdb_data_chunk;
typedef struct _duckdb_vector { void *internal_ptr; } *duckdb_vector;
typedef struct _duckdb_logical_type { void *internal_ptr; } *duckdb_logical_type;
typedef struct _duckdb_value { void *internal_ptr; } *duckdb_value;
typedef struct _duckdb_table_function { void *internal_ptr; } *duckdb_table_function;
typedef struct _duckdb_bind_info { void *internal_ptr; } *duckdb_bind_info;
typedef struct _duckdb_init_info { void *internal_ptr; } *duckdb_init_info;
typedef struct _duckdb_function_info { void *internal_ptr; } *duckdb_function_info;
typedef void (*duckdb_delete_callback_t)(void *data);

// Passed by value to duckdb_fetch_chunk, so its layout must match duckdb.h.
typedef struct {
  idx_t deprecated_column_count;
  idx_t deprecated_row_count;
  idx_t deprecated_rows_changed;
  void *deprecated_columns;
  char *deprecated_error_message;
  void *internal_data;
} duckdb_result;

duckdb_state duckdb_create_config(duckdb_config *out_config);
duckdb_state duckdb_set_config(duckdb_config config, const char *name, const char *option);
void duckdb_destroy_config(duckdb_config *config);
duckdb_state duckdb_open_ext(const char *path, duckdb_database *out_database, duckdb_config config, char **out_error);
void duckdb_close(duckdb_database *database);
duckdb_state duckdb_connect(duckdb_database database, duckdb_connection *out_connection);
void duckdb_disconnect(duckdb_connection *connection);
void duckdb_interrupt(duckdb_connection connection);
void duckdb_free(void *ptr);

duckdb_state duckdb_query(duckdb_connection connection, const char *query, duckdb_result *out_result);
void duckdb_destroy_result(duckdb_result *result);
const char *duckdb_result_error(duckdb_result *result);
idx_t duckdb_column_count(duckdb_result *result);
const char *duckdb_column_name(duckdb_result *result, idx_t col);
duckdb_logical_type duckdb_column_logical_type(duckdb_result *result, idx_t col);
duckdb_data_chunk duckdb_fetch_chunk(duckdb_result result);

void duckdb_destroy_data_chunk(duckdb_data_chunk *chunk);
idx_t duckdb_data_chunk_get_size(duckdb_data_chunk chunk);
void duckdb_data_chunk_set_size(duckdb_data_chunk chunk, idx_t size);
duckdb_vector duckdb_data_chunk_get_vector(duckdb_data_chunk chunk, idx_t col_idx);
void *duckdb_vector_get_data(duckdb_vector vector);
uint64_t *duckdb_vector_get_validity(duckdb_vector vector);
void duckdb_vector_ensure_validity_writable(duckdb_vector vector);
void duckdb_vector_assign_string_element_len(duckdb_vector vector, idx_t index, const char *str, idx_t str_len);

int32_t duckdb_get_type_id(duckdb_logical_type type);
duckdb_logical_type duckdb_create_logical_type(int32_t type);
duckdb_logical_type duckdb_create_enum_type(const char **member_names, idx_t member_count);
duckdb_logical_type duckdb_create_decimal_type(uint8_t width, uint8_t scale);
void duckdb_destroy_logical_type(duckdb_logical_type *type);
uint8_t duckdb_decimal_width(duckdb_logical_type type);
uint8_t duckdb_decimal_scale(duckdb_logical_type type);
int32_t duckdb_decimal_internal_type(duckdb_logical_type type);
int32_t duckdb_enum_internal_type(duckdb_logical_type type);
uint32_t duckdb_enum_dictionary_size(duckdb_logical_type type);
char *duckdb_enum_dictionary_value(duckdb_logical_type type, idx_t index);

duckdb_table_function duckdb_create_table_function();
void duckdb_destroy_table_function(duckdb_table_function *table_function);
void duckdb_table_function_set_name(duckdb_table_function table_function, const char *name);
void duckdb_table_function_add_parameter(duckdb_table_function table_function, duckdb_logical_type type);
void duckdb_table_function_set_bind(duckdb_table_function table_function, void (*bind)(duckdb_bind_info));
void duckdb_table_function_set_init(duckdb_table_function table_function, void (*init)(duckdb_init_info));
void duckdb_table_function_set_local_init(duckdb_table_function table_function, void (*init)(duckdb_init_info));
void duckdb_table_function_set_function(duckdb_table_function table_function, void (*function)(duckdb_function_info, duckdb_data_chunk));
void duckdb_table_function_supports_projection_pushdown(duckdb_table_function table_function, bool pushdown);
duckdb_state duckdb_register_table_function(duckdb_connection con, duckdb_table_function function);

duckdb_value duckdb_bind_get_parameter(duckdb_bind_info info, idx_t index);
void duckdb_bind_add_result_column(duckdb_bind_info info, const char *name, duckdb_logical_type type);
void duckdb_bind_set_bind_data(duckdb_bind_info info, void *bind_data, duckdb_delete_callback_t destroy);
void duckdb_bind_set_error(duckdb_bind_info info, const char *error);
void duckdb_bind_set_cardinality(duckdb_bind_info info, idx_t cardinality, bool is_exact);
uint64_t duckdb_get_uint64(duckdb_value val);
void duckdb_destroy_value(duckdb_value *value);

void *duckdb_init_get_bind_data(duckdb_init_info info);
void duckdb_init_set_init_data(duckdb_init_info info, void *init_data, duckdb_delete_callback_t destroy);
idx_t duckdb_init_get_column_count(duckdb_init_info info);
idx_t duckdb_init_get_column_index(duckdb_init_info info, idx_t column_index);
void duckdb_init_set_max_threads(duckdb_init_info info, idx_t max_threads);

void *duckdb_function_get_bind_data(duckdb_function_info info);
void *duckdb_function_get_init_data(duckdb_function_info info);
void *duckdb_function_get_local_init_data(duckdb_function_info info);
void duckdb_function_set_error(duckdb_function_info info, const char *error);

}  // extern "C"

// DuckDB bundles zstd in its own namespace and exports it: Parquet pages decompress at
// native speed without a library of our own.
namespace duckdb_zstd {
size_t ZSTD_decompress(void *dst, size_t dstCapacity, const void *src, size_t compressedSize);
unsigned ZSTD_isError(size_t code);
}
