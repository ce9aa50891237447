#include "storage/parquet/column_reader.h"

#include <cstring>

#include "storage/parquet/compression/codec.h"
#include "storage/parquet/encoding/bit_util.h"
#include "storage/parquet/encoding/byte_stream_split.h"
#include "storage/parquet/encoding/delta_binary_packed.h"
#include "storage/parquet/encoding/delta_byte_array.h"
#include "storage/parquet/encoding/delta_length_byte_array.h"
#include "storage/parquet/encoding/plain.h"
#include "storage/parquet/encoding/rle.h"
#include "storage/parquet/leaf_converter.h"
#include "storage/parquet/metadata.h"

namespace keel::parquet {

namespace {

// Decodes one column chunk page by page. Not thread-safe; one per chunk.
class ChunkDecoder {
 public:
  ChunkDecoder(const LeafDescriptor& leaf, Codec codec, LeafData* out, PhysicalValues* values)
      : leaf_(leaf), codec_(codec), out_(out), values_(*values) {}

  Status DecodePage(const PageHeader& h, std::string_view body, uint64_t offset);

 private:
  Status DecodeDictionary(const PageHeader& h, std::string_view body);
  Status DecodeDataV1(const PageHeader& h, std::string_view body);
  Status DecodeDataV2(const PageHeader& h, std::string_view body);
  // Decodes `n` levels with max `max_level` from RLE `data` into `levels` (appending).
  Status DecodeLevels(std::string_view data, int64_t n, int16_t max_level,
                      std::vector<int16_t>* levels);
  Status DecodeValues(int32_t encoding, std::string_view data, int64_t count);

  const LeafDescriptor& leaf_;
  Codec codec_;
  LeafData* out_;
  PhysicalValues& values_;
  PhysicalValues dictionary_;
  bool has_dictionary_ = false;
  std::string delta_previous_;  // DELTA_BYTE_ARRAY carries the last value across pages
  std::string scratch_;
};

Status ChunkDecoder::DecodeLevels(std::string_view data, int64_t n, int16_t max_level,
                                  std::vector<int16_t>* levels) {
  size_t old = levels->size();
  levels->resize(old + n);
  RleDecoder dec(data, BitWidth(static_cast<uint64_t>(max_level)));
  KEEL_RETURN_IF_ERROR(dec.Get(n, levels->data() + old));
  for (int64_t i = 0; i < n; ++i) {
    int16_t l = (*levels)[old + i];
    if (l < 0 || l > max_level) {
      return Status::Corruption("level " + std::to_string(l) + " exceeds the maximum " +
                                std::to_string(max_level));
    }
  }
  return Status::OK();
}

Status ChunkDecoder::DecodeDictionary(const PageHeader& h, std::string_view body) {
  if (!h.dictionary_page_header) return Status::Corruption("dictionary page without its header");
  const DictionaryPageHeader& d = *h.dictionary_page_header;
  if (d.num_values < 0) {
    return Status::Corruption("dictionary page has negative num_values " +
                              std::to_string(d.num_values));
  }
  if (d.encoding != static_cast<int32_t>(Encoding::kPlain) &&
      d.encoding != static_cast<int32_t>(Encoding::kPlainDictionary)) {
    return Status::Corruption(std::string("dictionary page encoded with ") +
                              EncodingName(d.encoding));
  }
  if (has_dictionary_) return Status::Corruption("second dictionary page in one column chunk");
  KEEL_RETURN_IF_ERROR(Decompress(codec_, body, h.uncompressed_page_size, &scratch_));
  size_t used = 0;
  KEEL_RETURN_IF_ERROR(
      DecodePlain(leaf_.physical, leaf_.type_length, scratch_, d.num_values, &dictionary_, &used));
  has_dictionary_ = true;
  return Status::OK();
}

template <typename V>
Status Gather(const std::vector<V>& dict, const std::vector<uint32_t>& idx, std::vector<V>* out) {
  size_t old = out->size();
  out->resize(old + idx.size());
  for (size_t i = 0; i < idx.size(); ++i) {
    if (idx[i] >= dict.size()) {
      return Status::Corruption("dictionary index " + std::to_string(idx[i]) +
                                " out of range (dictionary has " + std::to_string(dict.size()) +
                                " entries)");
    }
    (*out)[old + i] = dict[idx[i]];
  }
  return Status::OK();
}

Status ChunkDecoder::DecodeValues(int32_t encoding, std::string_view data, int64_t count) {
  size_t used = 0;
  const Type t = leaf_.physical;
  switch (static_cast<Encoding>(encoding)) {
    case Encoding::kPlain:
      return DecodePlain(t, leaf_.type_length, data, count, &values_, &used);
    case Encoding::kPlainDictionary:
    case Encoding::kRleDictionary: {
      if (!has_dictionary_) return Status::Corruption("dictionary-encoded page without dictionary");
      if (count == 0) return Status::OK();
      if (data.empty()) return Status::Corruption("dictionary-encoded page has no bit width");
      int bit_width = static_cast<uint8_t>(data[0]);
      if (bit_width > 32) {
        return Status::Corruption("dictionary index bit width " + std::to_string(bit_width));
      }
      std::vector<uint32_t> idx(count);
      RleDecoder dec(data.substr(1), bit_width);
      KEEL_RETURN_IF_ERROR(dec.Get(count, idx.data()));
      switch (t) {
        case Type::kBoolean:
          return Gather(dictionary_.bools, idx, &values_.bools);
        case Type::kInt32:
          return Gather(dictionary_.i32, idx, &values_.i32);
        case Type::kInt64:
          return Gather(dictionary_.i64, idx, &values_.i64);
        case Type::kFloat:
          return Gather(dictionary_.f32, idx, &values_.f32);
        case Type::kDouble:
          return Gather(dictionary_.f64, idx, &values_.f64);
        default: {
          const uint64_t n = static_cast<uint64_t>(dictionary_.byte_array_count());
          const auto& dict_offsets = dictionary_.offsets;
          uint64_t total = 0;
          for (uint32_t i : idx) {
            if (i >= n) {
              return Status::Corruption("dictionary index " + std::to_string(i) +
                                        " out of range (dictionary has " + std::to_string(n) +
                                        " entries)");
            }
            total += dict_offsets[i + 1] - dict_offsets[i];
          }
          if (total > kMaxDecodedPageBytes) {
            return Status::Corruption("dictionary page expands to " + std::to_string(total) +
                                      " bytes, over the limit of " +
                                      std::to_string(kMaxDecodedPageBytes));
          }
          std::string& bytes = values_.bytes;
          size_t base = bytes.size();
          bytes.resize(base + total);
          char* dst = bytes.data() + base;
          values_.offsets.reserve(values_.offsets.size() + idx.size());
          for (uint32_t i : idx) {
            size_t len = dict_offsets[i + 1] - dict_offsets[i];
            if (len) std::memcpy(dst, dictionary_.bytes.data() + dict_offsets[i], len);
            dst += len;
            base += len;
            values_.offsets.push_back(static_cast<int64_t>(base));
          }
          return Status::OK();
        }
      }
    }
    case Encoding::kRle: {
      if (t != Type::kBoolean) return Status::Corruption("RLE values on a non-boolean column");
      if (data.size() < 4) return Status::Corruption("RLE boolean page lacks its length");
      uint32_t len;
      std::memcpy(&len, data.data(), 4);
      if (len > data.size() - 4) return Status::Corruption("RLE boolean length past the page");
      size_t old = values_.bools.size();
      values_.bools.resize(old + count);
      RleDecoder dec(data.substr(4, len), 1);
      return dec.Get(count, values_.bools.data() + old);
    }
    case Encoding::kDeltaBinaryPacked: {
      if (t != Type::kInt32 && t != Type::kInt64) {
        return Status::Corruption("DELTA_BINARY_PACKED on a non-integer column");
      }
      if (t == Type::kInt64) return DecodeDeltaBinaryPacked(data, count, &values_.i64, &used);
      std::vector<int64_t> tmp;
      KEEL_RETURN_IF_ERROR(DecodeDeltaBinaryPacked(data, count, &tmp, &used));
      for (int64_t v : tmp) values_.i32.push_back(static_cast<int32_t>(v));
      return Status::OK();
    }
    case Encoding::kDeltaLengthByteArray:
      if (t != Type::kByteArray) return Status::Corruption("DELTA_LENGTH_BYTE_ARRAY on non-binary");
      return DecodeDeltaLengthByteArray(data, count, &values_, &used);
    case Encoding::kDeltaByteArray:
      if (t != Type::kByteArray && t != Type::kFixedLenByteArray) {
        return Status::Corruption("DELTA_BYTE_ARRAY on a non-binary column");
      }
      return DecodeDeltaByteArray(data, count, &delta_previous_, &values_);
    case Encoding::kByteStreamSplit: {
      int width = t == Type::kFloat || t == Type::kInt32    ? 4
                  : t == Type::kDouble || t == Type::kInt64 ? 8
                  : t == Type::kFixedLenByteArray           ? leaf_.type_length
                                                            : 0;
      if (width == 0) return Status::Corruption("BYTE_STREAM_SPLIT on an unsupported type");
      std::string plain;
      KEEL_RETURN_IF_ERROR(DecodeByteStreamSplit(data, width, count, &plain));
      return DecodePlain(t, leaf_.type_length, plain, count, &values_, &used);
    }
    default:
      break;
  }
  return Status::NotImplemented(std::string("encoding ") + EncodingName(encoding) +
                                " is not supported");
}

int64_t CountPresent(const std::vector<int16_t>& def, size_t from, int16_t max_def) {
  int64_t n = 0;
  for (size_t i = from; i < def.size(); ++i) n += def[i] == max_def;
  return n;
}

Status ChunkDecoder::DecodeDataV1(const PageHeader& h, std::string_view body) {
  if (!h.data_page_header) return Status::Corruption("data page without its header");
  const DataPageHeader& d = *h.data_page_header;
  if (d.num_values < 0 || d.num_values > kMaxPageValues) {
    return Status::Corruption("data page declares " + std::to_string(d.num_values) + " values");
  }
  std::string_view data = body;
  if (codec_ != Codec::kUncompressed) {
    KEEL_RETURN_IF_ERROR(Decompress(codec_, body, h.uncompressed_page_size, &scratch_));
    data = scratch_;
  } else if (body.size() != static_cast<size_t>(h.uncompressed_page_size)) {
    return Status::Corruption("uncompressed page size differs from its header");
  }
  auto read_levels = [&](int16_t max_level, int32_t encoding, std::vector<int16_t>* levels) {
    if (max_level == 0) return Status::OK();
    if (encoding != static_cast<int32_t>(Encoding::kRle)) {
      return Status::NotImplemented(std::string("level encoding ") + EncodingName(encoding));
    }
    if (data.size() < 4) return Status::Corruption("data page too short for its levels");
    uint32_t len;
    std::memcpy(&len, data.data(), 4);
    if (len > data.size() - 4) return Status::Corruption("level length runs past the page");
    KEEL_RETURN_IF_ERROR(DecodeLevels(data.substr(4, len), d.num_values, max_level, levels));
    data.remove_prefix(4 + len);
    return Status::OK();
  };
  size_t def_start = out_->def.size();
  KEEL_RETURN_IF_ERROR(read_levels(leaf_.max_rep, d.repetition_level_encoding, &out_->rep));
  KEEL_RETURN_IF_ERROR(read_levels(leaf_.max_def, d.definition_level_encoding, &out_->def));
  int64_t present =
      leaf_.max_def == 0 ? d.num_values : CountPresent(out_->def, def_start, leaf_.max_def);
  out_->num_levels += d.num_values;
  return DecodeValues(d.encoding, data, present);
}

Status ChunkDecoder::DecodeDataV2(const PageHeader& h, std::string_view body) {
  if (!h.data_page_header_v2) return Status::Corruption("data page v2 without its header");
  const DataPageHeaderV2& d = *h.data_page_header_v2;
  if (d.num_values < 0 || d.num_values > kMaxPageValues || d.num_nulls < 0 ||
      d.num_nulls > d.num_values) {
    return Status::Corruption("data page v2 declares " + std::to_string(d.num_values) +
                              " values and " + std::to_string(d.num_nulls) + " nulls");
  }
  if (d.repetition_levels_byte_length < 0 || d.definition_levels_byte_length < 0 ||
      static_cast<uint64_t>(d.repetition_levels_byte_length) +
              static_cast<uint64_t>(d.definition_levels_byte_length) >
          body.size() ||
      static_cast<int64_t>(d.repetition_levels_byte_length) + d.definition_levels_byte_length >
          h.uncompressed_page_size) {
    return Status::Corruption("data page v2 level lengths exceed the page");
  }
  std::string_view rep = body.substr(0, d.repetition_levels_byte_length);
  std::string_view def =
      body.substr(d.repetition_levels_byte_length, d.definition_levels_byte_length);
  std::string_view rest =
      body.substr(d.repetition_levels_byte_length + d.definition_levels_byte_length);
  size_t def_start = out_->def.size();
  if (leaf_.max_rep > 0) {
    KEEL_RETURN_IF_ERROR(DecodeLevels(rep, d.num_values, leaf_.max_rep, &out_->rep));
  }
  if (leaf_.max_def > 0) {
    KEEL_RETURN_IF_ERROR(DecodeLevels(def, d.num_values, leaf_.max_def, &out_->def));
  }
  int64_t present =
      leaf_.max_def == 0 ? d.num_values : CountPresent(out_->def, def_start, leaf_.max_def);
  size_t values_size =
      h.uncompressed_page_size - d.repetition_levels_byte_length - d.definition_levels_byte_length;
  std::string_view data;
  if (d.is_compressed && codec_ != Codec::kUncompressed && !rest.empty()) {
    KEEL_RETURN_IF_ERROR(Decompress(codec_, rest, values_size, &scratch_));
    data = scratch_;
  } else {
    if (rest.size() != values_size) {
      return Status::Corruption("data page v2 value section size differs from its header");
    }
    data = rest;
  }
  out_->num_levels += d.num_values;
  return DecodeValues(d.encoding, data, present);
}

Status ChunkDecoder::DecodePage(const PageHeader& h, std::string_view body, uint64_t offset) {
  Status s;
  switch (static_cast<PageType>(h.type)) {
    case PageType::kDictionaryPage:
      s = DecodeDictionary(h, body);
      break;
    case PageType::kDataPage:
      s = DecodeDataV1(h, body);
      break;
    case PageType::kDataPageV2:
      s = DecodeDataV2(h, body);
      break;
    case PageType::kIndexPage:
      return Status::OK();
    default:
      s = Status::Corruption("unknown page type " + std::to_string(h.type));
      break;
  }
  if (s.ok()) return s;
  return s.WithContext("column '" +
                       [&] {
                         std::string p;
                         for (const auto& n : leaf_.path) p += (p.empty() ? "" : ".") + n;
                         return p;
                       }() +
                       "', page at byte offset " + std::to_string(offset));
}

}  // namespace

Status AppendColumnChunk(const RandomAccessFile& file, const ColumnChunk& chunk,
                         const LeafDescriptor& leaf, LeafData* out, PhysicalValues* values,
                         bool verify_checksums) {
  if (chunk.file_path) {
    return Status::NotImplemented("column chunks in external files are not supported");
  }
  if (chunk.has_crypto_metadata) {
    return Status::NotImplemented("encrypted column chunks are not supported");
  }
  if (!chunk.meta_data) return Status::Corruption("column chunk without meta_data");
  const ColumnMetaData& md = *chunk.meta_data;
  if (md.type != static_cast<int32_t>(leaf.physical)) {
    return Status::Corruption(std::string("column chunk has type ") + TypeName(md.type) +
                              ", schema says " + TypeName(static_cast<int32_t>(leaf.physical)));
  }
  if (md.num_values == 0) return Status::OK();  // an empty chunk (its offsets may be 0)
  int64_t start = md.data_page_offset;
  // dictionary_page_offset 0 means absent for some writers.
  if (md.dictionary_page_offset && *md.dictionary_page_offset > 0 &&
      *md.dictionary_page_offset < start) {
    start = *md.dictionary_page_offset;
  }
  const uint64_t file_size = file.size();
  if (start < 4 || md.total_compressed_size < 0 || static_cast<uint64_t>(start) > file_size ||
      static_cast<uint64_t>(md.total_compressed_size) > file_size - start) {
    return Status::Corruption("column chunk range [" + std::to_string(start) + ", +" +
                              std::to_string(md.total_compressed_size) +
                              ") lies outside the file at byte offset " + std::to_string(start));
  }
  if (md.num_values < 0 || md.num_values > kMaxChunkValues) {
    return Status::Corruption("column chunk declares " + std::to_string(md.num_values) +
                              " values (limit " + std::to_string(kMaxChunkValues) +
                              ") at byte offset " + std::to_string(start));
  }
  std::string buf;
  KEEL_RETURN_IF_ERROR(file.ReadAt(start, md.total_compressed_size, &buf));
  if (buf.size() != static_cast<size_t>(md.total_compressed_size)) {
    return Status::Corruption("column chunk truncated at byte offset " +
                              std::to_string(start + buf.size()));
  }
  if (md.codec < 0 || md.codec > 7) {
    return Status::Corruption("unknown compression codec " + std::to_string(md.codec));
  }
  const int64_t levels_before = out->num_levels;
  const size_t rep_before = out->rep.size();
  ChunkDecoder decoder(leaf, static_cast<Codec>(md.codec), out, values);
  size_t pos = 0;
  while (out->num_levels - levels_before < md.num_values) {
    if (pos >= buf.size()) {
      return Status::Corruption(
          "column chunk ends after " + std::to_string(out->num_levels - levels_before) + " of " +
          std::to_string(md.num_values) + " values at byte offset " + std::to_string(start + pos));
    }
    size_t header_size = 0;
    KEEL_ASSIGN_OR_RETURN(PageHeader h, ParsePageHeader(std::string_view(buf).substr(pos),
                                                        start + pos, &header_size));
    uint64_t page_offset = start + pos;
    pos += header_size;
    if (h.compressed_page_size < 0 ||
        static_cast<size_t>(h.compressed_page_size) > buf.size() - pos ||
        h.uncompressed_page_size < 0 ||
        static_cast<size_t>(h.uncompressed_page_size) > kMaxPageBytes) {
      return Status::Corruption("page sizes (" + std::to_string(h.compressed_page_size) + ", " +
                                std::to_string(h.uncompressed_page_size) +
                                ") exceed the column chunk at byte offset " +
                                std::to_string(page_offset));
    }
    std::string_view body = std::string_view(buf).substr(pos, h.compressed_page_size);
    const int64_t remaining = md.num_values - (out->num_levels - levels_before);
    const int32_t page_values = h.data_page_header      ? h.data_page_header->num_values
                                : h.data_page_header_v2 ? h.data_page_header_v2->num_values
                                                        : 0;
    if (page_values > remaining) {
      return Status::Corruption("page declares " + std::to_string(page_values) +
                                " values, its column chunk has " + std::to_string(remaining) +
                                " left, at byte offset " + std::to_string(page_offset));
    }
    if (verify_checksums && h.crc && Crc32(body) != static_cast<uint32_t>(*h.crc)) {
      return Status::Corruption("page checksum mismatch at byte offset " +
                                std::to_string(page_offset));
    }
    KEEL_RETURN_IF_ERROR(decoder.DecodePage(h, body, page_offset));
    pos += h.compressed_page_size;
  }
  if (out->num_levels - levels_before != md.num_values) {
    return Status::Corruption("column chunk holds " +
                              std::to_string(out->num_levels - levels_before) +
                              " values, metadata says " + std::to_string(md.num_values));
  }
  if (leaf.max_rep > 0 && out->rep.size() > rep_before && out->rep[rep_before] != 0) {
    return Status::Corruption("first repetition level of the column chunk at byte offset " +
                              std::to_string(start) + " is not 0");
  }
  return Status::OK();
}

Result<LeafData> ReadColumnChunk(const RandomAccessFile& file, const ColumnChunk& chunk,
                                 const LeafDescriptor& leaf) {
  LeafData out;
  PhysicalValues values;
  KEEL_RETURN_IF_ERROR(AppendColumnChunk(file, chunk, leaf, &out, &values));
  KEEL_ASSIGN_OR_RETURN(out.values, ConvertLeafValues(leaf, std::move(values)));
  return out;
}

}  // namespace keel::parquet
