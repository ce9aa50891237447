#include "storage/parquet/column_writer.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string_view>
#include <unordered_map>

#include "storage/parquet/compression/codec.h"
#include "storage/parquet/encoding/bit_util.h"
#include "storage/parquet/encoding/plain.h"
#include "storage/parquet/encoding/rle.h"
#include "storage/parquet/metadata.h"
#include "storage/parquet/statistics.h"

namespace keel::parquet {

namespace {

using batch::TypeId;

// Calls fn(i) for the index in data.column of each present value, in order.
template <typename Fn>
void ForEachPresent(const ShreddedLeaf& data, Fn&& fn) {
  if (data.row_begin < 0) {
    for (int64_t i : data.value_index) fn(i);
    return;
  }
  const auto& valid = data.column->validity;
  if (valid.empty()) {
    for (int64_t i = data.row_begin; i < data.row_end; ++i) fn(i);
    return;
  }
  for (int64_t i = data.row_begin; i < data.row_end; ++i) {
    if (valid[i]) fn(i);
  }
}

int64_t PresentCount(const ShreddedLeaf& data) {
  if (data.column == nullptr) return 0;
  if (data.row_begin < 0) return static_cast<int64_t>(data.value_index.size());
  const auto& valid = data.column->validity;
  if (valid.empty()) return data.row_end - data.row_begin;
  int64_t n = 0;
  for (int64_t i = data.row_begin; i < data.row_end; ++i) n += valid[i] != 0;
  return n;
}

// The present values of the leaf in physical form.
PhysicalValues Gather(const LeafDescriptor& leaf, const ShreddedLeaf& data) {
  PhysicalValues v;
  const batch::Column* c = data.column;
  const int64_t n = PresentCount(data);
  if (c == nullptr || n == 0) return v;
  switch (leaf.physical) {
    case Type::kBoolean:
      v.bools.reserve(n);
      ForEachPresent(data, [&](int64_t i) { v.bools.push_back(c->bools[i]); });
      break;
    case Type::kInt32:
      v.i32.reserve(n);
      if (c->type.id == TypeId::kDecimal) {
        ForEachPresent(data, [&](int64_t i) { v.i32.push_back(static_cast<int32_t>(c->dec[i])); });
      } else {
        ForEachPresent(data, [&](int64_t i) { v.i32.push_back(c->i32[i]); });
      }
      break;
    case Type::kInt64:
      v.i64.reserve(n);
      if (c->type.id == TypeId::kDecimal) {
        ForEachPresent(data, [&](int64_t i) { v.i64.push_back(static_cast<int64_t>(c->dec[i])); });
      } else {
        ForEachPresent(data, [&](int64_t i) { v.i64.push_back(c->i64[i]); });
      }
      break;
    case Type::kFloat:
      v.f32.reserve(n);
      ForEachPresent(data, [&](int64_t i) { v.f32.push_back(c->f32[i]); });
      break;
    case Type::kDouble:
      v.f64.reserve(n);
      ForEachPresent(data, [&](int64_t i) { v.f64.push_back(c->f64[i]); });
      break;
    case Type::kFixedLenByteArray: {  // decimals, big-endian two's complement
      const int w = leaf.type_length;
      v.bytes.reserve(static_cast<size_t>(n) * w);
      v.offsets.reserve(n + 1);
      char buf[16];
      ForEachPresent(data, [&](int64_t i) {
        unsigned __int128 x = static_cast<unsigned __int128>(c->dec[i]);
        for (int k = w - 1; k >= 0; --k) {
          buf[k] = static_cast<char>(static_cast<uint8_t>(x));
          x >>= 8;
        }
        v.AppendByteArray(std::string_view(buf, w));
      });
      break;
    }
    case Type::kByteArray: {
      v.offsets.reserve(n + 1);
      if (data.row_begin >= 0) {
        v.bytes.reserve(c->offsets[data.row_end] - c->offsets[data.row_begin]);
      }
      ForEachPresent(data, [&](int64_t i) { v.AppendByteArray(c->StringAt(i)); });
      break;
    }
    case Type::kInt96:
      break;  // never written
  }
  return v;
}

int64_t ValueCount(Type t, const PhysicalValues& v) {
  switch (t) {
    case Type::kBoolean:
      return static_cast<int64_t>(v.bools.size());
    case Type::kInt32:
      return static_cast<int64_t>(v.i32.size());
    case Type::kInt64:
      return static_cast<int64_t>(v.i64.size());
    case Type::kFloat:
      return static_cast<int64_t>(v.f32.size());
    case Type::kDouble:
      return static_cast<int64_t>(v.f64.size());
    default:
      return v.byte_array_count();
  }
}

// Tries dictionary encoding: fills `dict` (the distinct values, in first-seen order) and
// `indices`. Returns false when the dictionary would pass `limit_bytes`.
// After this many values, a dictionary holding more than kMaxDistinctFraction of them is
// abandoned early: it would not pay for itself (mostly-unique ids, measurements, names).
constexpr size_t kDictionaryProbeValues = 8192;
constexpr double kMaxDistinctFraction = 0.75;

template <typename V>
bool BuildFixedDictionary(const std::vector<V>& vals, int64_t limit_bytes, std::vector<V>* dict,
                          std::vector<uint32_t>* indices) {
  std::unordered_map<uint64_t, uint32_t> seen;
  indices->reserve(vals.size());
  for (V x : vals) {
    if (indices->size() == kDictionaryProbeValues &&
        dict->size() > kMaxDistinctFraction * kDictionaryProbeValues) {
      return false;
    }
    uint64_t key = 0;
    std::memcpy(&key, &x, sizeof(V));
    auto [it, inserted] = seen.try_emplace(key, static_cast<uint32_t>(dict->size()));
    if (inserted) {
      dict->push_back(x);
      if (static_cast<int64_t>(dict->size() * sizeof(V)) > limit_bytes) return false;
    }
    indices->push_back(it->second);
  }
  return true;
}

bool BuildDictionary(Type t, const PhysicalValues& v, int64_t limit_bytes, PhysicalValues* dict,
                     std::vector<uint32_t>* indices) {
  switch (t) {
    case Type::kInt32:
      return BuildFixedDictionary(v.i32, limit_bytes, &dict->i32, indices);
    case Type::kInt64:
      return BuildFixedDictionary(v.i64, limit_bytes, &dict->i64, indices);
    case Type::kFloat:
      return BuildFixedDictionary(v.f32, limit_bytes, &dict->f32, indices);
    case Type::kDouble:
      return BuildFixedDictionary(v.f64, limit_bytes, &dict->f64, indices);
    case Type::kByteArray:
    case Type::kFixedLenByteArray: {
      std::unordered_map<std::string_view, uint32_t> seen;
      int64_t n = v.byte_array_count();
      indices->reserve(n);
      int64_t bytes = 0;
      for (int64_t i = 0; i < n; ++i) {
        if (i == static_cast<int64_t>(kDictionaryProbeValues) &&
            seen.size() > kMaxDistinctFraction * kDictionaryProbeValues) {
          return false;
        }
        std::string_view x = v.ByteArrayAt(i);
        auto [it, inserted] = seen.try_emplace(x, static_cast<uint32_t>(seen.size()));
        if (inserted) {
          dict->AppendByteArray(x);
          bytes += 4 + static_cast<int64_t>(x.size());
          if (bytes > limit_bytes) return false;
        }
        indices->push_back(it->second);
      }
      return true;
    }
    default:
      return false;
  }
}

void AppendLevels(const std::vector<int16_t>& levels, int64_t begin, int64_t end, int16_t max,
                  std::string* out) {
  std::vector<uint32_t> tmp(levels.begin() + begin, levels.begin() + end);
  std::string rle;
  EncodeRle(tmp.data(), static_cast<int64_t>(tmp.size()), BitWidth(max), &rle);
  uint32_t len = static_cast<uint32_t>(rle.size());
  out->append(reinterpret_cast<const char*>(&len), 4);
  out->append(rle);
}

class ChunkWriter {
 public:
  ChunkWriter(const ColumnWriteOptions& options, uint64_t file_offset, std::string* out)
      : options_(options), base_(file_offset), out_(out), start_(out->size()) {}

  // Appends one page (header + compressed body); returns its file offset.
  Result<uint64_t> AddPage(PageHeader header, std::string_view body) {
    uint64_t offset = base_ + (out_->size() - start_);
    // One buffer for every page, grown (never shrunk) without zero-filling.
    size_t need = MaxCompressedBytes(options_.codec, body.size());
    if (need > compressed_capacity_) {
      compressed_capacity_ = std::max(need, 2 * compressed_capacity_);
      compressed_.reset(new char[compressed_capacity_]);
    }
    size_t written = 0;
    KEEL_RETURN_IF_ERROR(
        CompressTo(options_.codec, body, compressed_.get(), compressed_capacity_, &written));
    header.uncompressed_page_size = static_cast<int32_t>(body.size());
    header.compressed_page_size = static_cast<int32_t>(written);
    std::string h = SerializePageHeader(header);
    out_->append(h);
    out_->append(compressed_.get(), written);
    uncompressed_total_ += static_cast<int64_t>(h.size() + body.size());
    compressed_total_ += static_cast<int64_t>(h.size() + written);
    return offset;
  }

  int64_t uncompressed_total() const { return uncompressed_total_; }
  int64_t compressed_total() const { return compressed_total_; }

 private:
  const ColumnWriteOptions& options_;
  uint64_t base_;
  std::string* out_;
  size_t start_;
  std::unique_ptr<char[]> compressed_;
  size_t compressed_capacity_ = 0;
  int64_t uncompressed_total_ = 0;
  int64_t compressed_total_ = 0;
};

}  // namespace

Result<ColumnChunk> WriteColumnChunk(const LeafDescriptor& leaf, const ShreddedLeaf& data,
                                     const ColumnWriteOptions& options, uint64_t file_offset,
                                     std::string* out) {
  if (!CanCompress(options.codec)) {
    return Status::InvalidArgument(std::string("cannot write compression codec ") +
                                   CodecName(static_cast<int32_t>(options.codec)));
  }
  const Type t = leaf.physical;
  PhysicalValues values = Gather(leaf, data);
  const int64_t num_values = ValueCount(t, values);
  const int64_t num_levels = data.num_levels;

  PhysicalValues dict;
  std::vector<uint32_t> indices;
  bool use_dict = options.dictionary && t != Type::kBoolean && num_values > 0 &&
                  BuildDictionary(t, values, options.dictionary_page_bytes, &dict, &indices);
  // At least 1 bit: some readers mishandle width 0.
  const int dict_bit_width = use_dict ? std::max(1, BitWidth(ValueCount(t, dict) - 1)) : 0;

  ColumnChunk chunk;
  ColumnMetaData& md = chunk.meta_data.emplace();
  md.type = static_cast<int32_t>(t);
  md.path_in_schema = leaf.path;
  md.codec = static_cast<int32_t>(options.codec);
  md.num_values = num_levels;
  out->reserve(out->size() + values.bytes.size() + 8 * static_cast<size_t>(num_values) +
               static_cast<size_t>(num_levels) / 2 + 1024);
  ChunkWriter writer(options, file_offset, out);

  if (use_dict) {
    std::string body;
    EncodePlain(t, dict, 0, ValueCount(t, dict), &body);
    PageHeader h;
    h.type = static_cast<int32_t>(PageType::kDictionaryPage);
    DictionaryPageHeader& dh = h.dictionary_page_header.emplace();
    dh.num_values = static_cast<int32_t>(ValueCount(t, dict));
    dh.encoding = static_cast<int32_t>(Encoding::kPlain);
    KEEL_ASSIGN_OR_RETURN(uint64_t off, writer.AddPage(std::move(h), body));
    md.dictionary_page_offset = static_cast<int64_t>(off);
    md.encodings = {static_cast<int32_t>(Encoding::kPlain), static_cast<int32_t>(Encoding::kRle),
                    static_cast<int32_t>(Encoding::kRleDictionary)};
  } else {
    md.encodings = {static_cast<int32_t>(Encoding::kPlain), static_cast<int32_t>(Encoding::kRle)};
  }

  // Page sizing: estimate the encoded bytes per level and cut pages at row starts.
  double bytes_per_value;
  if (use_dict) {
    bytes_per_value = dict_bit_width / 8.0 + 0.01;
  } else if (t == Type::kByteArray) {
    bytes_per_value = num_values ? 4.0 + static_cast<double>(values.bytes.size()) / num_values : 4;
  } else {
    std::string probe;
    if (num_values) EncodePlain(t, values, 0, 1, &probe);
    bytes_per_value = t == Type::kBoolean ? 0.125 : static_cast<double>(probe.size());
  }
  double per_level = 0.25 + bytes_per_value;
  int64_t levels_per_page = static_cast<int64_t>(options.page_bytes / per_level);
  if (levels_per_page < 1) levels_per_page = 1;

  bool first_data_page = true;
  int64_t level = 0, value = 0;
  std::string body;
  do {
    int64_t end = level + levels_per_page < num_levels ? level + levels_per_page : num_levels;
    if (leaf.max_rep > 0) {
      while (end < num_levels && data.rep[end] != 0) ++end;  // pages start at a row
    }
    int64_t present = end - level;
    if (leaf.max_def > 0) {
      present = 0;
      for (int64_t i = level; i < end; ++i) present += data.def[i] == leaf.max_def;
    }
    body.clear();
    if (leaf.max_rep > 0) AppendLevels(data.rep, level, end, leaf.max_rep, &body);
    if (leaf.max_def > 0) AppendLevels(data.def, level, end, leaf.max_def, &body);
    if (use_dict) {
      body.push_back(static_cast<char>(dict_bit_width));
      EncodeRle(indices.data() + value, present, dict_bit_width, &body);
    } else {
      EncodePlain(t, values, value, value + present, &body);
    }
    PageHeader h;
    h.type = static_cast<int32_t>(PageType::kDataPage);
    DataPageHeader& dh = h.data_page_header.emplace();
    dh.num_values = static_cast<int32_t>(end - level);
    dh.encoding = static_cast<int32_t>(use_dict ? Encoding::kRleDictionary : Encoding::kPlain);
    dh.definition_level_encoding = static_cast<int32_t>(Encoding::kRle);
    dh.repetition_level_encoding = static_cast<int32_t>(Encoding::kRle);
    KEEL_ASSIGN_OR_RETURN(uint64_t off, writer.AddPage(std::move(h), body));
    if (first_data_page) {
      md.data_page_offset = static_cast<int64_t>(off);
      first_data_page = false;
    }
    level = end;
    value += present;
  } while (level < num_levels);

  md.total_uncompressed_size = writer.uncompressed_total();
  md.total_compressed_size = writer.compressed_total();
  chunk.file_offset = md.dictionary_page_offset.value_or(md.data_page_offset);
  if (options.statistics) {
    md.statistics = ComputeStatistics(leaf, values, num_levels - num_values);
  }
  return chunk;
}

}  // namespace keel::parquet
