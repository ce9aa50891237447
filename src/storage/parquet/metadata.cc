#include "storage/parquet/metadata.h"

#include "storage/parquet/thrift_compact.h"

namespace keel::parquet {

namespace {

using T = ThriftType;

// Reads an empty-struct union member and returns which id was set.
Status ReadUnionId(ThriftReader& r, int16_t* which) {
  *which = -1;
  return r.ReadStruct([&](int16_t id, T t) {
    *which = id;
    return r.Skip(t);
  });
}

Status ReadLogicalType(ThriftReader& r, LogicalType* lt) {
  using K = LogicalType::Kind;
  return r.ReadStruct([&](int16_t id, T t) -> Status {
    switch (id) {
      case 1:
        lt->kind = K::kString;
        return r.Skip(t);
      case 2:
        lt->kind = K::kMap;
        return r.Skip(t);
      case 3:
        lt->kind = K::kList;
        return r.Skip(t);
      case 4:
        lt->kind = K::kEnum;
        return r.Skip(t);
      case 5:
        lt->kind = K::kDecimal;
        if (t != T::kStruct) return r.Error("DECIMAL logical type is not a struct");
        return r.ReadStruct([&](int16_t fid, T ft) -> Status {
          if (fid == 1) return r.ReadI32(ft, &lt->scale);
          if (fid == 2) return r.ReadI32(ft, &lt->precision);
          return r.Skip(ft);
        });
      case 6:
        lt->kind = K::kDate;
        return r.Skip(t);
      case 7:
      case 8:
        lt->kind = id == 7 ? K::kTime : K::kTimestamp;
        if (t != T::kStruct) return r.Error("TIME/TIMESTAMP logical type is not a struct");
        return r.ReadStruct([&](int16_t fid, T ft) -> Status {
          if (fid == 1) return r.ReadBool(ft, &lt->adjusted_to_utc);
          if (fid == 2) {
            if (ft != T::kStruct) return r.Error("time unit is not a struct");
            int16_t unit;
            KEEL_RETURN_IF_ERROR(ReadUnionId(r, &unit));
            if (unit == 1)
              lt->unit = TimeUnit::kMillis;
            else if (unit == 2)
              lt->unit = TimeUnit::kMicros;
            else if (unit == 3)
              lt->unit = TimeUnit::kNanos;
            else
              return r.Error("unknown time unit " + std::to_string(unit));
            return Status::OK();
          }
          return r.Skip(ft);
        });
      case 10:
        lt->kind = K::kInteger;
        if (t != T::kStruct) return r.Error("INTEGER logical type is not a struct");
        return r.ReadStruct([&](int16_t fid, T ft) -> Status {
          if (fid == 1) return r.ReadI32(ft, &lt->bit_width);
          if (fid == 2) return r.ReadBool(ft, &lt->is_signed);
          return r.Skip(ft);
        });
      case 11:
        lt->kind = K::kUnknown;
        return r.Skip(t);
      case 12:
        lt->kind = K::kJson;
        return r.Skip(t);
      case 13:
        lt->kind = K::kBson;
        return r.Skip(t);
      case 14:
        lt->kind = K::kUuid;
        return r.Skip(t);
      case 15:
        lt->kind = K::kFloat16;
        return r.Skip(t);
      default:
        lt->kind = K::kUnsupported;
        return r.Skip(t);
    }
  });
}

Status ReadSchemaElement(ThriftReader& r, SchemaElement* e) {
  return r.ReadStruct([&](int16_t id, T t) -> Status {
    int32_t v;
    switch (id) {
      case 1:
        KEEL_RETURN_IF_ERROR(r.ReadI32(t, &v));
        e->type = v;
        return Status::OK();
      case 2:
        return r.ReadI32(t, &e->type_length);
      case 3:
        KEEL_RETURN_IF_ERROR(r.ReadI32(t, &v));
        e->repetition = v;
        return Status::OK();
      case 4:
        return r.ReadBinary(t, &e->name);
      case 5:
        return r.ReadI32(t, &e->num_children);
      case 6:
        KEEL_RETURN_IF_ERROR(r.ReadI32(t, &v));
        e->converted_type = v;
        return Status::OK();
      case 7:
        return r.ReadI32(t, &e->scale);
      case 8:
        return r.ReadI32(t, &e->precision);
      case 9:
        KEEL_RETURN_IF_ERROR(r.ReadI32(t, &v));
        e->field_id = v;
        return Status::OK();
      case 10:
        if (t != T::kStruct) return r.Error("logicalType is not a struct");
        return ReadLogicalType(r, &e->logical_type);
      default:
        return r.Skip(t);
    }
  });
}

Status ReadStatistics(ThriftReader& r, Statistics* s) {
  return r.ReadStruct([&](int16_t id, T t) -> Status {
    std::string str;
    int64_t i;
    bool b;
    switch (id) {
      case 1:
        KEEL_RETURN_IF_ERROR(r.ReadBinary(t, &str));
        s->max = str;
        return Status::OK();
      case 2:
        KEEL_RETURN_IF_ERROR(r.ReadBinary(t, &str));
        s->min = str;
        return Status::OK();
      case 3:
        KEEL_RETURN_IF_ERROR(r.ReadI64(t, &i));
        s->null_count = i;
        return Status::OK();
      case 4:
        KEEL_RETURN_IF_ERROR(r.ReadI64(t, &i));
        s->distinct_count = i;
        return Status::OK();
      case 5:
        KEEL_RETURN_IF_ERROR(r.ReadBinary(t, &str));
        s->max_value = str;
        return Status::OK();
      case 6:
        KEEL_RETURN_IF_ERROR(r.ReadBinary(t, &str));
        s->min_value = str;
        return Status::OK();
      case 7:
        KEEL_RETURN_IF_ERROR(r.ReadBool(t, &b));
        s->is_max_value_exact = b;
        return Status::OK();
      case 8:
        KEEL_RETURN_IF_ERROR(r.ReadBool(t, &b));
        s->is_min_value_exact = b;
        return Status::OK();
      default:
        return r.Skip(t);
    }
  });
}

template <typename Fn>
Status ReadList(ThriftReader& r, T t, T want, Fn&& read_element) {
  T et;
  int32_t n;
  KEEL_RETURN_IF_ERROR(r.ReadListHeader(t, &et, &n));
  if (et != want) return r.Error("list has unexpected element type");
  for (int32_t i = 0; i < n; ++i) KEEL_RETURN_IF_ERROR(read_element());
  return Status::OK();
}

Status ReadKeyValues(ThriftReader& r, T t, std::vector<KeyValue>* out) {
  return ReadList(r, t, T::kStruct, [&]() {
    KeyValue kv;
    KEEL_RETURN_IF_ERROR(r.ReadStruct([&](int16_t id, T ft) -> Status {
      if (id == 1) return r.ReadBinary(ft, &kv.key);
      if (id == 2) {
        std::string v;
        KEEL_RETURN_IF_ERROR(r.ReadBinary(ft, &v));
        kv.value = std::move(v);
        return Status::OK();
      }
      return r.Skip(ft);
    }));
    out->push_back(std::move(kv));
    return Status::OK();
  });
}

Status ReadColumnMetaData(ThriftReader& r, ColumnMetaData* m) {
  return r.ReadStruct([&](int16_t id, T t) -> Status {
    int64_t v;
    switch (id) {
      case 1:
        return r.ReadI32(t, &m->type);
      case 2:
        return ReadList(r, t, T::kI32, [&]() {
          int32_t e;
          KEEL_RETURN_IF_ERROR(r.ReadI32Element(T::kI32, &e));
          m->encodings.push_back(e);
          return Status::OK();
        });
      case 3:
        return ReadList(r, t, T::kBinary, [&]() {
          std::string s;
          KEEL_RETURN_IF_ERROR(r.ReadBinaryElement(T::kBinary, &s));
          m->path_in_schema.push_back(std::move(s));
          return Status::OK();
        });
      case 4:
        return r.ReadI32(t, &m->codec);
      case 5:
        return r.ReadI64(t, &m->num_values);
      case 6:
        return r.ReadI64(t, &m->total_uncompressed_size);
      case 7:
        return r.ReadI64(t, &m->total_compressed_size);
      case 8:
        return ReadKeyValues(r, t, &m->key_value_metadata);
      case 9:
        return r.ReadI64(t, &m->data_page_offset);
      case 11:
        KEEL_RETURN_IF_ERROR(r.ReadI64(t, &v));
        m->dictionary_page_offset = v;
        return Status::OK();
      case 12:
        if (t != T::kStruct) return r.Error("statistics is not a struct");
        m->statistics.emplace();
        return ReadStatistics(r, &*m->statistics);
      default:
        return r.Skip(t);
    }
  });
}

Status ReadColumnChunk(ThriftReader& r, ColumnChunk* c) {
  return r.ReadStruct([&](int16_t id, T t) -> Status {
    switch (id) {
      case 1: {
        std::string p;
        KEEL_RETURN_IF_ERROR(r.ReadBinary(t, &p));
        c->file_path = std::move(p);
        return Status::OK();
      }
      case 2:
        return r.ReadI64(t, &c->file_offset);
      case 3:
        if (t != T::kStruct) return r.Error("meta_data is not a struct");
        c->meta_data.emplace();
        return ReadColumnMetaData(r, &*c->meta_data);
      case 8:
      case 9:
        c->has_crypto_metadata = true;
        return r.Skip(t);
      default:
        return r.Skip(t);
    }
  });
}

Status ReadRowGroup(ThriftReader& r, RowGroup* g) {
  return r.ReadStruct([&](int16_t id, T t) -> Status {
    int64_t v;
    switch (id) {
      case 1:
        return ReadList(r, t, T::kStruct, [&]() {
          g->columns.emplace_back();
          return ReadColumnChunk(r, &g->columns.back());
        });
      case 2:
        return r.ReadI64(t, &g->total_byte_size);
      case 3:
        return r.ReadI64(t, &g->num_rows);
      case 5:
        KEEL_RETURN_IF_ERROR(r.ReadI64(t, &v));
        g->file_offset = v;
        return Status::OK();
      case 6:
        KEEL_RETURN_IF_ERROR(r.ReadI64(t, &v));
        g->total_compressed_size = v;
        return Status::OK();
      default:
        return r.Skip(t);
    }
  });
}

}  // namespace

Result<FileMetaData> ParseFileMetaData(std::string_view bytes, uint64_t base_offset) {
  ThriftReader r(bytes, base_offset);
  FileMetaData md;
  KEEL_RETURN_IF_ERROR(r.ReadStruct([&](int16_t id, T t) -> Status {
    switch (id) {
      case 1:
        return r.ReadI32(t, &md.version);
      case 2:
        return ReadList(r, t, T::kStruct, [&]() {
          if (md.schema.size() >= static_cast<size_t>(kMaxSchemaElements)) {
            return r.Error("more than " + std::to_string(kMaxSchemaElements) + " schema elements");
          }
          md.schema.emplace_back();
          return ReadSchemaElement(r, &md.schema.back());
        });
      case 3:
        return r.ReadI64(t, &md.num_rows);
      case 4:
        return ReadList(r, t, T::kStruct, [&]() {
          if (md.row_groups.size() >= static_cast<size_t>(kMaxRowGroups)) {
            return r.Error("more than " + std::to_string(kMaxRowGroups) + " row groups");
          }
          md.row_groups.emplace_back();
          return ReadRowGroup(r, &md.row_groups.back());
        });
      case 5:
        return ReadKeyValues(r, t, &md.key_value_metadata);
      case 6: {
        std::string s;
        KEEL_RETURN_IF_ERROR(r.ReadBinary(t, &s));
        md.created_by = std::move(s);
        return Status::OK();
      }
      case 7:
        return ReadList(r, t, T::kStruct, [&]() {
          int16_t which;
          KEEL_RETURN_IF_ERROR(ReadUnionId(r, &which));
          md.column_orders.push_back(which == 1);
          return Status::OK();
        });
      case 8:
        md.has_encryption_algorithm = true;
        return r.Skip(t);
      default:
        return r.Skip(t);
    }
  }));
  return md;
}

Result<PageHeader> ParsePageHeader(std::string_view bytes, uint64_t base_offset,
                                   size_t* header_size) {
  ThriftReader r(bytes, base_offset);
  PageHeader h;
  KEEL_RETURN_IF_ERROR(r.ReadStruct([&](int16_t id, T t) -> Status {
    int32_t v;
    switch (id) {
      case 1:
        return r.ReadI32(t, &h.type);
      case 2:
        return r.ReadI32(t, &h.uncompressed_page_size);
      case 3:
        return r.ReadI32(t, &h.compressed_page_size);
      case 4:
        KEEL_RETURN_IF_ERROR(r.ReadI32(t, &v));
        h.crc = v;
        return Status::OK();
      case 5: {
        if (t != T::kStruct) return r.Error("data_page_header is not a struct");
        DataPageHeader& d = h.data_page_header.emplace();
        return r.ReadStruct([&](int16_t fid, T ft) -> Status {
          switch (fid) {
            case 1:
              return r.ReadI32(ft, &d.num_values);
            case 2:
              return r.ReadI32(ft, &d.encoding);
            case 3:
              return r.ReadI32(ft, &d.definition_level_encoding);
            case 4:
              return r.ReadI32(ft, &d.repetition_level_encoding);
            case 5:
              if (ft != T::kStruct) return r.Error("statistics is not a struct");
              d.statistics.emplace();
              return ReadStatistics(r, &*d.statistics);
            default:
              return r.Skip(ft);
          }
        });
      }
      case 7: {
        if (t != T::kStruct) return r.Error("dictionary_page_header is not a struct");
        DictionaryPageHeader& d = h.dictionary_page_header.emplace();
        return r.ReadStruct([&](int16_t fid, T ft) -> Status {
          switch (fid) {
            case 1:
              return r.ReadI32(ft, &d.num_values);
            case 2:
              return r.ReadI32(ft, &d.encoding);
            case 3:
              return r.ReadBool(ft, &d.is_sorted);
            default:
              return r.Skip(ft);
          }
        });
      }
      case 8: {
        if (t != T::kStruct) return r.Error("data_page_header_v2 is not a struct");
        DataPageHeaderV2& d = h.data_page_header_v2.emplace();
        return r.ReadStruct([&](int16_t fid, T ft) -> Status {
          switch (fid) {
            case 1:
              return r.ReadI32(ft, &d.num_values);
            case 2:
              return r.ReadI32(ft, &d.num_nulls);
            case 3:
              return r.ReadI32(ft, &d.num_rows);
            case 4:
              return r.ReadI32(ft, &d.encoding);
            case 5:
              return r.ReadI32(ft, &d.definition_levels_byte_length);
            case 6:
              return r.ReadI32(ft, &d.repetition_levels_byte_length);
            case 7:
              return r.ReadBool(ft, &d.is_compressed);
            case 8:
              if (ft != T::kStruct) return r.Error("statistics is not a struct");
              d.statistics.emplace();
              return ReadStatistics(r, &*d.statistics);
            default:
              return r.Skip(ft);
          }
        });
      }
      default:
        return r.Skip(t);
    }
  }));
  *header_size = r.position();
  return h;
}

namespace {

void WriteStatistics(ThriftWriter& w, int16_t id, const Statistics& s) {
  w.FieldStructBegin(id);
  if (s.max) w.FieldBinary(1, *s.max);
  if (s.min) w.FieldBinary(2, *s.min);
  if (s.null_count) w.FieldI64(3, *s.null_count);
  if (s.distinct_count) w.FieldI64(4, *s.distinct_count);
  if (s.max_value) w.FieldBinary(5, *s.max_value);
  if (s.min_value) w.FieldBinary(6, *s.min_value);
  w.EndStruct();
}

void WriteEmptyUnion(ThriftWriter& w, int16_t outer_id, int16_t member_id) {
  w.FieldStructBegin(outer_id);
  w.FieldStructBegin(member_id);
  w.EndStruct();
  w.EndStruct();
}

void WriteLogicalType(ThriftWriter& w, const LogicalType& lt) {
  using K = LogicalType::Kind;
  switch (lt.kind) {
    case K::kString:
      WriteEmptyUnion(w, 10, 1);
      return;
    case K::kMap:
      WriteEmptyUnion(w, 10, 2);
      return;
    case K::kList:
      WriteEmptyUnion(w, 10, 3);
      return;
    case K::kDate:
      WriteEmptyUnion(w, 10, 6);
      return;
    case K::kDecimal:
      w.FieldStructBegin(10);
      w.FieldStructBegin(5);
      w.FieldI32(1, lt.scale);
      w.FieldI32(2, lt.precision);
      w.EndStruct();
      w.EndStruct();
      return;
    case K::kTimestamp:
    case K::kTime:
      w.FieldStructBegin(10);
      w.FieldStructBegin(lt.kind == K::kTime ? 7 : 8);
      w.FieldBool(1, lt.adjusted_to_utc);
      WriteEmptyUnion(w, 2,
                      lt.unit == TimeUnit::kMillis   ? 1
                      : lt.unit == TimeUnit::kMicros ? 2
                                                     : 3);
      w.EndStruct();
      w.EndStruct();
      return;
    case K::kInteger: {
      w.FieldStructBegin(10);
      w.FieldStructBegin(10);
      w.FieldI8(1, static_cast<int8_t>(lt.bit_width));  // bitWidth is an i8 on the wire
      w.FieldBool(2, lt.is_signed);
      w.EndStruct();
      w.EndStruct();
      return;
    }
    default:
      return;
  }
}

}  // namespace

std::string SerializeFileMetaData(const FileMetaData& md) {
  std::string out;
  ThriftWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, md.version);
  w.FieldListBegin(2, T::kStruct, static_cast<int32_t>(md.schema.size()));
  for (const SchemaElement& e : md.schema) {
    w.BeginStruct();
    if (e.type) w.FieldI32(1, *e.type);
    if (e.type && *e.type == static_cast<int32_t>(Type::kFixedLenByteArray)) {
      w.FieldI32(2, e.type_length);
    }
    if (e.repetition) w.FieldI32(3, *e.repetition);
    w.FieldBinary(4, e.name);
    if (!e.type) w.FieldI32(5, e.num_children);
    if (e.converted_type) w.FieldI32(6, *e.converted_type);
    if (e.converted_type && *e.converted_type == static_cast<int32_t>(ConvertedType::kDecimal)) {
      w.FieldI32(7, e.scale);
      w.FieldI32(8, e.precision);
    }
    if (e.field_id) w.FieldI32(9, *e.field_id);
    WriteLogicalType(w, e.logical_type);
    w.EndStruct();
  }
  w.FieldI64(3, md.num_rows);
  w.FieldListBegin(4, T::kStruct, static_cast<int32_t>(md.row_groups.size()));
  for (const RowGroup& g : md.row_groups) {
    w.BeginStruct();
    w.FieldListBegin(1, T::kStruct, static_cast<int32_t>(g.columns.size()));
    for (const ColumnChunk& c : g.columns) {
      w.BeginStruct();
      w.FieldI64(2, c.file_offset);
      const ColumnMetaData& m = *c.meta_data;
      w.FieldStructBegin(3);
      w.FieldI32(1, m.type);
      w.FieldListBegin(2, T::kI32, static_cast<int32_t>(m.encodings.size()));
      for (int32_t e : m.encodings) w.ElementI32(e);
      w.FieldListBegin(3, T::kBinary, static_cast<int32_t>(m.path_in_schema.size()));
      for (const std::string& p : m.path_in_schema) w.ElementBinary(p);
      w.FieldI32(4, m.codec);
      w.FieldI64(5, m.num_values);
      w.FieldI64(6, m.total_uncompressed_size);
      w.FieldI64(7, m.total_compressed_size);
      w.FieldI64(9, m.data_page_offset);
      if (m.dictionary_page_offset) w.FieldI64(11, *m.dictionary_page_offset);
      if (m.statistics) WriteStatistics(w, 12, *m.statistics);
      w.EndStruct();
      w.EndStruct();
    }
    w.FieldI64(2, g.total_byte_size);
    w.FieldI64(3, g.num_rows);
    if (g.file_offset) w.FieldI64(5, *g.file_offset);
    if (g.total_compressed_size) w.FieldI64(6, *g.total_compressed_size);
    w.EndStruct();
  }
  if (!md.key_value_metadata.empty()) {
    w.FieldListBegin(5, T::kStruct, static_cast<int32_t>(md.key_value_metadata.size()));
    for (const KeyValue& kv : md.key_value_metadata) {
      w.BeginStruct();
      w.FieldBinary(1, kv.key);
      if (kv.value) w.FieldBinary(2, *kv.value);
      w.EndStruct();
    }
  }
  if (md.created_by) w.FieldBinary(6, *md.created_by);
  if (!md.column_orders.empty()) {
    w.FieldListBegin(7, T::kStruct, static_cast<int32_t>(md.column_orders.size()));
    for (size_t i = 0; i < md.column_orders.size(); ++i) {
      w.BeginStruct();
      w.FieldStructBegin(1);
      w.EndStruct();
      w.EndStruct();
    }
  }
  w.EndStruct();
  return out;
}

std::string SerializePageHeader(const PageHeader& h) {
  std::string out;
  ThriftWriter w(&out);
  w.BeginStruct();
  w.FieldI32(1, h.type);
  w.FieldI32(2, h.uncompressed_page_size);
  w.FieldI32(3, h.compressed_page_size);
  if (h.crc) w.FieldI32(4, *h.crc);
  if (h.data_page_header) {
    const DataPageHeader& d = *h.data_page_header;
    w.FieldStructBegin(5);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.encoding);
    w.FieldI32(3, d.definition_level_encoding);
    w.FieldI32(4, d.repetition_level_encoding);
    if (d.statistics) WriteStatistics(w, 5, *d.statistics);
    w.EndStruct();
  }
  if (h.dictionary_page_header) {
    const DictionaryPageHeader& d = *h.dictionary_page_header;
    w.FieldStructBegin(7);
    w.FieldI32(1, d.num_values);
    w.FieldI32(2, d.encoding);
    w.EndStruct();
  }
  w.EndStruct();
  return out;
}

}  // namespace keel::parquet
