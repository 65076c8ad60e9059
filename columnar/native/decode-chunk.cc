// The native Parquet chunk decoder (see decode-chunk.h): page headers read from Thrift's
// compact protocol, pages decompressed into a scratch buffer, definition levels and
// dictionary indices decoded from the RLE / bit-packed hybrid, values written straight
// into the caller's buffers.
#include "decode-chunk.h"

#include <cstring>
#include <vector>

#include "duckdb-api.h"

namespace duckdb_snappy {
bool RawUncompress(const char *compressed, size_t compressed_length, char *uncompressed);
}

namespace lakeloop {

namespace {

struct Unsupported {
  std::string why;
};
struct Corrupt {
  std::string why;
};

// ─── Thrift compact protocol: just enough for a PageHeader ─────────────────────────
class Thrift {
 public:
  Thrift(const uint8_t *p, const uint8_t *end) : p_(p), end_(end) {}
  const uint8_t *position() const { return p_; }

  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ >= end_) throw Corrupt{"a page header ends early"};
      uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw Corrupt{"a page header holds a malformed number"};
  }
  int64_t zigzag() {
    uint64_t v = varint();
    return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1);
  }
  uint8_t byte() {
    if (p_ >= end_) throw Corrupt{"a page header ends early"};
    return *p_++;
  }
  void skip(int type) {
    switch (type) {
      case 1: case 2: return;            // bool true / false
      case 3: byte(); return;            // byte
      case 4: case 5: case 6: varint(); return;  // i16, i32, i64
      case 7: advance(8); return;        // double
      case 8: advance(varint()); return;  // binary
      case 9: case 10: {                 // list, set
        uint8_t h = byte();
        uint64_t n = (h >> 4) == 15 ? varint() : (h >> 4);
        for (uint64_t i = 0; i < n; i++) skip(h & 0x0f);
        return;
      }
      case 11: {                         // map
        uint64_t n = varint();
        if (n) {
          uint8_t kv = byte();
          for (uint64_t i = 0; i < n; i++) { skip(kv >> 4); skip(kv & 0x0f); }
        }
        return;
      }
      case 12: skip_struct(); return;
      default: throw Corrupt{"a page header holds an unknown Thrift type"};
    }
  }
  void skip_struct() {
    int16_t last = 0;
    for (;;) {
      uint8_t h = byte();
      if (h == 0) return;
      int16_t id = (h >> 4) ? static_cast<int16_t>(last + (h >> 4)) : static_cast<int16_t>(zigzag());
      last = id;
      skip(h & 0x0f);
    }
  }
  // Reads a struct's fields, calling f(id, type) for each; f reads or skips the value.
  template <typename F>
  void fields(F f) {
    int16_t last = 0;
    for (;;) {
      uint8_t h = byte();
      if (h == 0) return;
      int16_t id = (h >> 4) ? static_cast<int16_t>(last + (h >> 4)) : static_cast<int16_t>(zigzag());
      last = id;
      f(id, h & 0x0f);
    }
  }

 private:
  void advance(uint64_t n) {
    if (static_cast<uint64_t>(end_ - p_) < n) throw Corrupt{"a page header ends early"};
    p_ += n;
  }
  const uint8_t *p_;
  const uint8_t *end_;
};

struct PageHeader {
  int type = -1;
  int64_t uncompressed = 0, compressed = 0;
  int64_t num_values = 0;
  int encoding = 0;
  // data page v2
  bool v2 = false;
  int64_t def_bytes = 0, rep_bytes = 0;
  bool v2_compressed = true;
};

PageHeader read_header(Thrift &t) {
  PageHeader h;
  t.fields([&](int16_t id, int type) {
    if (id == 1 && type == 5) h.type = static_cast<int>(t.zigzag());
    else if (id == 2 && type == 5) h.uncompressed = t.zigzag();
    else if (id == 3 && type == 5) h.compressed = t.zigzag();
    else if ((id == 5 || id == 7) && type == 12) {
      t.fields([&](int16_t sub, int st) {
        if (sub == 1 && st == 5) h.num_values = t.zigzag();
        else if (sub == 2 && st == 5) h.encoding = static_cast<int>(t.zigzag());
        else t.skip(st);
      });
    } else if (id == 8 && type == 12) {
      h.v2 = true;
      t.fields([&](int16_t sub, int st) {
        if (sub == 1 && st == 5) h.num_values = t.zigzag();
        else if (sub == 4 && st == 5) h.encoding = static_cast<int>(t.zigzag());
        else if (sub == 5 && st == 5) h.def_bytes = t.zigzag();
        else if (sub == 6 && st == 5) h.rep_bytes = t.zigzag();
        else if (sub == 7 && (st == 1 || st == 2)) h.v2_compressed = st == 1;
        else t.skip(st);
      });
    } else t.skip(type);
  });
  return h;
}

constexpr int DATA_PAGE = 0, INDEX_PAGE = 1, DICTIONARY_PAGE = 2, DATA_PAGE_V2 = 3;
constexpr int PLAIN = 0, PLAIN_DICTIONARY = 2, RLE = 3, RLE_DICTIONARY = 8;

void decompress(Codec codec, const uint8_t *src, size_t n, std::vector<uint8_t> &out, size_t expected) {
  out.resize(expected);
  if (codec == Codec::None) {
    if (n != expected) throw Corrupt{"an uncompressed page's size does not match its header"};
    std::memcpy(out.data(), src, n);
  } else if (codec == Codec::Zstd) {
    size_t got = duckdb_zstd::ZSTD_decompress(out.data(), expected, src, n);
    if (duckdb_zstd::ZSTD_isError(got) || got != expected) throw Corrupt{"a zstd page does not decompress to its size"};
  } else if (codec == Codec::Snappy) {
    if (!duckdb_snappy::RawUncompress(reinterpret_cast<const char *>(src), n, reinterpret_cast<char *>(out.data())))
      throw Corrupt{"a snappy page does not decompress"};
  } else throw Unsupported{"codec"};
}

inline uint32_t le32(const uint8_t *p) { uint32_t v; std::memcpy(&v, p, 4); return v; }

// The RLE / bit-packed hybrid: `count` values of `width` bits into out[0..count).
template <typename T>
const uint8_t *hybrid(const uint8_t *p, const uint8_t *end, int width, int64_t count, T *out) {
  int64_t n = 0;
  const int byte_width = (width + 7) / 8;
  while (n < count && p < end) {
    uint64_t header = 0;
    for (int shift = 0;; shift += 7) {
      if (p >= end) throw Corrupt{"run-length data ends early"};
      uint8_t b = *p++;
      header |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) break;
    }
    if (header & 1) {
      int64_t groups = static_cast<int64_t>(header >> 1);
      int64_t take = std::min<int64_t>(groups * 8, count - n);
      if (end - p < groups * width) throw Corrupt{"bit-packed data ends early"};
      if (width == 0) {
        for (int64_t i = 0; i < take; i++) out[n + i] = 0;
      } else {
        uint64_t acc = 0;
        int bits = 0;
        const uint8_t *q = p;
        const uint64_t mask = width >= 64 ? ~uint64_t{0} : (uint64_t{1} << width) - 1;
        for (int64_t i = 0; i < take; i++) {
          while (bits < width) {
            acc |= static_cast<uint64_t>(*q++) << bits;
            bits += 8;
          }
          out[n + i] = static_cast<T>(acc & mask);
          acc >>= width;
          bits -= width;
        }
      }
      p += groups * width;
      n += take;
    } else {
      int64_t run = static_cast<int64_t>(header >> 1);
      if (end - p < byte_width) throw Corrupt{"run-length data ends early"};
      uint64_t value = 0;
      for (int i = 0; i < byte_width; i++) value |= static_cast<uint64_t>(p[i]) << (8 * i);
      p += byte_width;
      int64_t take = std::min<int64_t>(run, count - n);
      for (int64_t i = 0; i < take; i++) out[n + i] = static_cast<T>(value);
      n += take;
    }
  }
  for (; n < count; n++) out[n] = 0;
  return p;
}

struct Dictionary {
  int64_t count = 0;
  std::vector<uint8_t> fixed;  // fixed-width values
  bool strings = false;        // its entries are in out.dict_offsets / out.dict_bytes
};

class Decoder {
 public:
  Decoder(const ChunkSpec &spec, const ChunkOut &out) : s_(spec), o_(out), defs_(static_cast<size_t>(spec.rows)) {}

  ChunkResult run(const uint8_t *chunk, size_t length) {
    ChunkResult r;
    dictionary_mode_ = s_.target == Target::Strings;
    if (s_.target == Target::Bytes || s_.target == Target::Strings) o_.offsets[0] = 0;
    const uint8_t *p = chunk, *end = chunk + length;
    while (n_ < s_.rows) {
      if (p >= end) throw Corrupt{"the chunk ends before all its rows"};
      Thrift t(p, end);
      PageHeader h = read_header(t);
      const uint8_t *body = t.position();
      if (h.compressed < 0 || end - body < h.compressed) throw Corrupt{"a page runs past the chunk"};
      p = body + h.compressed;
      if (h.type == INDEX_PAGE) continue;
      if (h.type == DICTIONARY_PAGE) dictionary_page(h, body);
      else if (h.type == DATA_PAGE || h.type == DATA_PAGE_V2) data_page(h, body);
      else throw Unsupported{"page type"};
    }
    finish_validity();
    r.ok = true;
    r.null_count = nulls_;
    r.dictionary = dictionary_mode_;
    r.values_length = values_len_;
    r.dict_count = static_cast<size_t>(dict_.count);
    r.dict_bytes_length = dict_bytes_len_;
    return r;
  }

 private:
  int value_width() const {
    switch (s_.physical) {
      case Physical::Int32: case Physical::Float: return 4;
      case Physical::Int64: case Physical::Double: return 8;
      default: return 0;
    }
  }

  void dictionary_page(const PageHeader &h, const uint8_t *body) {
    if (h.encoding != PLAIN && h.encoding != PLAIN_DICTIONARY) throw Unsupported{"dictionary encoding"};
    decompress(s_.codec, body, static_cast<size_t>(h.compressed), page_, static_cast<size_t>(h.uncompressed));
    dict_.count = h.num_values;
    if (s_.physical == Physical::ByteArray) {
      if (static_cast<size_t>(h.num_values) + 1 > o_.dict_offsets_cap) throw Unsupported{"dictionary larger than planned"};
      dict_.strings = true;
      const uint8_t *q = page_.data(), *e = page_.data() + page_.size();
      size_t at = 0;
      o_.dict_offsets[0] = 0;
      for (int64_t i = 0; i < h.num_values; i++) {
        if (e - q < 4) throw Corrupt{"a dictionary page ends early"};
        uint32_t n = le32(q);
        q += 4;
        if (static_cast<uint64_t>(e - q) < n || at + n > o_.dict_bytes_cap) throw Corrupt{"a dictionary entry runs past its page"};
        std::memcpy(o_.dict_bytes + at, q, n);
        q += n;
        at += n;
        o_.dict_offsets[i + 1] = static_cast<int32_t>(at);
      }
      dict_bytes_len_ = at;
    } else {
      int w = value_width();
      if (w == 0) throw Unsupported{"dictionary of this type"};
      if (page_.size() < static_cast<size_t>(h.num_values * w)) throw Corrupt{"a dictionary page ends early"};
      dict_.fixed.assign(page_.begin(), page_.begin() + h.num_values * w);
    }
  }

  void data_page(const PageHeader &h, const uint8_t *body) {
    const int64_t count = h.num_values;
    if (n_ + count > s_.rows) throw Corrupt{"the chunk holds more values than its rows"};
    uint8_t *defs = defs_.data() + n_;
    const uint8_t *values, *vend;
    if (h.v2) {
      if (h.rep_bytes > 0) throw Unsupported{"repetition levels"};
      if (s_.optional) hybrid(body, body + h.def_bytes, 1, count, defs);
      else std::memset(defs, 1, static_cast<size_t>(count));
      const uint8_t *rest = body + h.def_bytes + h.rep_bytes;
      size_t rest_len = static_cast<size_t>(h.compressed - h.def_bytes - h.rep_bytes);
      if (h.v2_compressed && s_.codec != Codec::None) {
        decompress(s_.codec, rest, rest_len, page_, static_cast<size_t>(h.uncompressed - h.def_bytes - h.rep_bytes));
        values = page_.data();
        vend = values + page_.size();
      } else {
        values = rest;
        vend = rest + rest_len;
      }
    } else {
      decompress(s_.codec, body, static_cast<size_t>(h.compressed), page_, static_cast<size_t>(h.uncompressed));
      values = page_.data();
      vend = values + page_.size();
      if (s_.optional) {
        if (vend - values < 4) throw Corrupt{"a data page ends early"};
        uint32_t len = le32(values);
        hybrid(values + 4, values + 4 + len, 1, count, defs);
        values += 4 + len;
      } else std::memset(defs, 1, static_cast<size_t>(count));
    }
    int64_t present = 0;
    for (int64_t i = 0; i < count; i++) present += defs[i];
    nulls_ += count - present;

    const bool dict_encoded = h.encoding == RLE_DICTIONARY || h.encoding == PLAIN_DICTIONARY;
    if (dict_encoded) {
      if (dict_.count == 0 && present > 0) throw Corrupt{"a dictionary-encoded page comes before its dictionary"};
      if (values >= vend && present > 0) throw Corrupt{"a data page ends early"};
      int width = present > 0 ? *values : 0;
      indices_.resize(static_cast<size_t>(present));
      if (present) hybrid(values + 1, vend, width, present, indices_.data());
      for (int64_t i = 0; i < present; i++)
        if (indices_[i] < 0 || indices_[i] >= dict_.count) throw Corrupt{"a dictionary index is beyond its dictionary"};
    } else if (h.encoding != PLAIN && !(h.encoding == RLE && s_.target == Target::Bool)) {
      throw Unsupported{"encoding"};
    }

    switch (s_.target) {
      case Target::Fixed: fixed(count, present, defs, dict_encoded, values, vend); break;
      case Target::Bool: booleans(count, present, defs, h.encoding == RLE, values, vend); break;
      case Target::Strings:
      case Target::Bytes: strings(count, defs, dict_encoded, values, vend); break;
    }
    n_ += count;
  }

  void fixed(int64_t count, int64_t present, const uint8_t *defs, bool dict_encoded, const uint8_t *values, const uint8_t *vend) {
    const int w = s_.width;
    if (value_width() != w) throw Unsupported{"value width"};
    uint8_t *out = o_.values + n_ * w;
    if (!dict_encoded && vend - values < present * w) throw Corrupt{"a data page holds fewer values than it says"};
    const uint8_t *src = dict_encoded ? dict_.fixed.data() : values;
    int64_t i = 0;
    for (int64_t r = 0; r < count; r++) {
      if (!defs[r]) continue;
      const int64_t from = dict_encoded ? indices_[i] : i;
      std::memcpy(out + r * w, src + from * w, static_cast<size_t>(w));
      i++;
    }
    if (s_.multiply != 1 || s_.divide != 1) {
      auto *v = reinterpret_cast<int64_t *>(out);
      for (int64_t r = 0; r < count; r++) v[r] = s_.divide != 1 ? v[r] / s_.divide : v[r] * s_.multiply;
    }
  }

  void booleans(int64_t count, int64_t present, const uint8_t *defs, bool rle, const uint8_t *values, const uint8_t *vend) {
    bits_.resize(static_cast<size_t>(present));
    if (rle) {
      if (vend - values < 4) throw Corrupt{"a boolean page ends early"};
      uint32_t len = le32(values);
      hybrid(values + 4, values + 4 + len, 1, present, bits_.data());
    } else {
      if ((vend - values) * 8 < present) throw Corrupt{"a boolean page ends early"};
      for (int64_t i = 0; i < present; i++) bits_[i] = (values[i >> 3] >> (i & 7)) & 1;
    }
    int64_t i = 0;
    for (int64_t r = 0; r < count; r++) {
      if (!defs[r]) continue;
      if (bits_[i++]) o_.values[(n_ + r) >> 3] |= static_cast<uint8_t>(1u << ((n_ + r) & 7));
    }
  }

  // Dictionary strings stay keys while every page is dictionary-encoded.
  void strings(int64_t count, const uint8_t *defs, bool dict_encoded, const uint8_t *values, const uint8_t *vend) {
    if (dictionary_mode_ && dict_encoded) {
      int64_t i = 0;
      for (int64_t r = 0; r < count; r++) o_.keys[n_ + r] = defs[r] ? indices_[i++] : 0;
      return;
    }
    if (dictionary_mode_) to_plain();
    int64_t i = 0;
    const uint8_t *q = values;
    for (int64_t r = 0; r < count; r++) {
      if (defs[r]) {
        const uint8_t *bytes;
        uint32_t n;
        if (dict_encoded) {
          int32_t k = indices_[i++];
          bytes = o_.dict_bytes + o_.dict_offsets[k];
          n = static_cast<uint32_t>(o_.dict_offsets[k + 1] - o_.dict_offsets[k]);
        } else {
          if (vend - q < 4) throw Corrupt{"a data page ends early"};
          n = le32(q);
          q += 4;
          if (static_cast<uint64_t>(vend - q) < n) throw Corrupt{"a string runs past its page"};
          bytes = q;
          q += n;
        }
        append(bytes, n);
      }
      o_.offsets[n_ + r + 1] = static_cast<int32_t>(values_len_);
    }
  }

  void append(const uint8_t *bytes, size_t n) {
    if (values_len_ + n > o_.values_cap) throw Unsupported{"strings larger than planned"};
    std::memcpy(o_.values + values_len_, bytes, n);
    values_len_ += n;
  }

  void to_plain() {
    dictionary_mode_ = false;
    for (int64_t r = 0; r < n_; r++) {
      if (defs_[r]) {
        int32_t k = o_.keys[r];
        append(o_.dict_bytes + o_.dict_offsets[k], static_cast<size_t>(o_.dict_offsets[k + 1] - o_.dict_offsets[k]));
      }
      o_.offsets[r + 1] = static_cast<int32_t>(values_len_);
    }
  }

  void finish_validity() {
    if (nulls_ == 0) return;
    for (int64_t r = 0; r < s_.rows; r++)
      if (defs_[r]) o_.validity[r >> 3] |= static_cast<uint8_t>(1u << (r & 7));
  }

  const ChunkSpec &s_;
  const ChunkOut &o_;
  std::vector<uint8_t> defs_;
  std::vector<uint8_t> page_;
  std::vector<int32_t> indices_;
  std::vector<uint8_t> bits_;
  Dictionary dict_;
  int64_t n_ = 0, nulls_ = 0;
  size_t values_len_ = 0, dict_bytes_len_ = 0;
  bool dictionary_mode_ = false;
};

}  // namespace

ChunkResult decode_chunk(const uint8_t *chunk, size_t length, const ChunkSpec &spec, const ChunkOut &out) {
  try {
    Decoder d(spec, out);
    return d.run(chunk, length);
  } catch (const Unsupported &u) {
    ChunkResult r;
    r.unsupported = true;
    r.error = u.why;
    return r;
  } catch (const Corrupt &c) {
    ChunkResult r;
    r.error = c.why;
    return r;
  } catch (const std::exception &e) {
    ChunkResult r;
    r.error = e.what();
    return r;
  }
}

}  // namespace lakeloop
