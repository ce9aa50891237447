// keel parquet schema|meta|cat: look inside Parquet files (Keel's, Spark's, pyarrow's, ...).

#include <cstring>
#include <ostream>

#include "cli/commands.h"
#include "cli/output.h"
#include "common/base64.h"
#include "storage/batch/value_format.h"
#include "storage/parquet/file_reader.h"

namespace keel::cli {

namespace {

using parquet::FileReader;

constexpr const char* kUsage =
    "usage: keel parquet schema FILE [--output text|json]\n"
    "       keel parquet meta FILE [--output text|json]\n"
    "       keel parquet cat FILE [--columns a,b] [--limit N] [--format jsonl|csv]\n";

std::string JoinPath(const std::vector<std::string>& path) {
  std::string s;
  for (const auto& p : path) s += (s.empty() ? "" : ".") + p;
  return s;
}

const char* LogicalName(const parquet::LogicalType& lt) {
  using K = parquet::LogicalType::Kind;
  switch (lt.kind) {
    case K::kNone:
      return nullptr;
    case K::kString:
      return "STRING";
    case K::kMap:
      return "MAP";
    case K::kList:
      return "LIST";
    case K::kEnum:
      return "ENUM";
    case K::kDecimal:
      return "DECIMAL";
    case K::kDate:
      return "DATE";
    case K::kTime:
      return "TIME";
    case K::kTimestamp:
      return "TIMESTAMP";
    case K::kInteger:
      return "INTEGER";
    case K::kUnknown:
      return "UNKNOWN";
    case K::kJson:
      return "JSON";
    case K::kBson:
      return "BSON";
    case K::kUuid:
      return "UUID";
    case K::kFloat16:
      return "FLOAT16";
    case K::kUnsupported:
      return "UNSUPPORTED";
  }
  return nullptr;
}

json::Value SchemaJson(const FileReader& r) {
  json::Value fields = json::Value::MakeArray();
  for (const auto& f : r.schema().fields) {
    json::Value o = json::Value::MakeObject();
    o.Set("name", f.name);
    o.Set("type", f.type.ToString());
    o.Set("nullable", f.nullable);
    fields.Append(std::move(o));
  }
  json::Value columns = json::Value::MakeArray();
  for (const auto& leaf : r.parquet_schema().leaves()) {
    json::Value o = json::Value::MakeObject();
    o.Set("path", JoinPath(leaf.path));
    o.Set("physical_type", parquet::TypeName(static_cast<int32_t>(leaf.physical)));
    if (leaf.physical == parquet::Type::kFixedLenByteArray) o.Set("type_length", leaf.type_length);
    const char* logical = LogicalName(leaf.element->logical_type);
    o.Set("logical_type", logical ? json::Value(logical) : json::Value());
    o.Set("converted_type",
          leaf.element->converted_type
              ? json::Value(parquet::ConvertedTypeName(*leaf.element->converted_type))
              : json::Value());
    o.Set("type", leaf.type.ToString());
    o.Set("max_definition_level", leaf.max_def);
    o.Set("max_repetition_level", leaf.max_rep);
    columns.Append(std::move(o));
  }
  json::Value out = json::Value::MakeObject();
  out.Set("fields", std::move(fields));
  out.Set("columns", std::move(columns));
  return out;
}

// A statistics bound decoded for display, per the cat contract where the type allows.
json::Value StatValue(const parquet::LeafDescriptor& leaf, const std::string& raw) {
  using parquet::Type;
  auto load = [&](auto* v) {
    if (raw.size() != sizeof(*v)) return false;
    std::memcpy(v, raw.data(), sizeof(*v));
    return true;
  };
  batch::Column c = batch::Column::Make(leaf.type);
  switch (leaf.physical) {
    case Type::kBoolean:
      return raw.size() == 1 ? json::Value(raw[0] != 0) : json::Value();
    case Type::kInt32: {
      int32_t v;
      if (!load(&v)) return json::Value();
      if (leaf.type.id == batch::TypeId::kDate) return json::Value(batch::FormatDate(v));
      if (leaf.type.id == batch::TypeId::kDecimal) {
        return json::Value(batch::FormatDecimal(v, leaf.type.scale));
      }
      return json::Value(static_cast<int64_t>(v));
    }
    case Type::kInt64: {
      int64_t v;
      if (!load(&v)) return json::Value();
      if (leaf.type.id == batch::TypeId::kDecimal) {
        return json::Value(batch::FormatDecimal(v, leaf.type.scale));
      }
      return json::Value(static_cast<int64_t>(v));
    }
    case Type::kFloat: {
      float v;
      if (!load(&v)) return json::Value();
      return json::Value(static_cast<double>(v));
    }
    case Type::kDouble: {
      double v;
      if (!load(&v)) return json::Value();
      return json::Value(v);
    }
    default:
      if (leaf.type.id == batch::TypeId::kString) return json::Value(raw);
      return json::Value(Base64Encode(raw));
  }
}

json::Value MetaJson(const FileReader& r) {
  const parquet::FileMetaData& md = r.metadata();
  json::Value out = json::Value::MakeObject();
  out.Set("created_by", md.created_by ? json::Value(*md.created_by) : json::Value());
  out.Set("version", md.version);
  out.Set("num_rows", r.num_rows());
  out.Set("num_row_groups", r.num_row_groups());
  out.Set("num_columns", static_cast<int64_t>(r.parquet_schema().leaves().size()));
  json::Value kv = json::Value::MakeObject();
  for (const auto& e : md.key_value_metadata) {
    kv.Set(e.key, e.value ? json::Value(*e.value) : json::Value());
  }
  out.Set("key_value_metadata", std::move(kv));
  json::Value groups = json::Value::MakeArray();
  for (const auto& rg : md.row_groups) {
    json::Value g = json::Value::MakeObject();
    g.Set("num_rows", rg.num_rows);
    g.Set("total_byte_size", rg.total_byte_size);
    json::Value cols = json::Value::MakeArray();
    for (size_t i = 0; i < rg.columns.size(); ++i) {
      const auto& leaf = r.parquet_schema().leaves()[i];
      json::Value c = json::Value::MakeObject();
      c.Set("path", JoinPath(leaf.path));
      if (!rg.columns[i].meta_data) {
        cols.Append(std::move(c));
        continue;
      }
      const parquet::ColumnMetaData& m = *rg.columns[i].meta_data;
      c.Set("physical_type", parquet::TypeName(m.type));
      c.Set("codec", parquet::CodecName(m.codec));
      json::Value encs = json::Value::MakeArray();
      for (int32_t e : m.encodings) encs.Append(parquet::EncodingName(e));
      c.Set("encodings", std::move(encs));
      c.Set("num_values", m.num_values);
      c.Set("total_compressed_size", m.total_compressed_size);
      c.Set("total_uncompressed_size", m.total_uncompressed_size);
      c.Set("data_page_offset", m.data_page_offset);
      c.Set("dictionary_page_offset",
            m.dictionary_page_offset ? json::Value(*m.dictionary_page_offset) : json::Value());
      if (m.statistics) {
        const parquet::Statistics& s = *m.statistics;
        json::Value st = json::Value::MakeObject();
        st.Set("null_count", s.null_count ? json::Value(*s.null_count) : json::Value());
        const auto* lo = s.min_value ? &*s.min_value : nullptr;
        const auto* hi = s.max_value ? &*s.max_value : nullptr;
        st.Set("min", lo ? StatValue(leaf, *lo) : json::Value());
        st.Set("max", hi ? StatValue(leaf, *hi) : json::Value());
        c.Set("statistics", std::move(st));
      } else {
        c.Set("statistics", json::Value());
      }
      cols.Append(std::move(c));
    }
    g.Set("columns", std::move(cols));
    groups.Append(std::move(g));
  }
  out.Set("row_groups", std::move(groups));
  return out;
}

Status Cat(const FileReader& r, const std::vector<int>& columns, std::optional<int64_t> limit,
           const std::string& format, std::ostream& out) {
  if (format == "csv") {
    std::string header;
    std::vector<int> fields = columns;
    if (fields.empty()) {
      for (size_t i = 0; i < r.schema().fields.size(); ++i) fields.push_back(static_cast<int>(i));
    }
    for (size_t k = 0; k < fields.size(); ++k) {
      header += (k ? "," : "") + batch::QuoteCsv(r.schema().fields[fields[k]].name);
    }
    out << header << "\n";
  }
  int64_t printed = 0;
  for (int g = 0; g < r.num_row_groups(); ++g) {
    if (limit && printed >= *limit) break;
    KEEL_ASSIGN_OR_RETURN(batch::RecordBatch b, r.ReadRowGroup(g, columns));
    std::string line;
    for (int64_t row = 0; row < b.num_rows; ++row) {
      if (limit && printed >= *limit) break;
      if (format == "csv") {
        line.clear();
        for (size_t k = 0; k < b.columns.size(); ++k) {
          if (k) line.push_back(',');
          line += batch::QuoteCsv(batch::ValueToCsvField(b.columns[k], row));
        }
        out << line << "\n";
      } else {
        out << batch::RowToJson(b, row) << "\n";
      }
      ++printed;
    }
  }
  return Status::OK();
}

void PrintSchemaText(const FileReader& r, std::ostream& out) {
  for (const auto& f : r.schema().fields) {
    out << f.name << "  " << f.type.ToString() << (f.nullable ? "" : "  not null") << "\n";
  }
}

void PrintMetaText(const FileReader& r, std::ostream& out) {
  const auto& md = r.metadata();
  out << "created_by: " << md.created_by.value_or("(none)") << "\n"
      << "rows: " << r.num_rows() << "\nrow groups: " << r.num_row_groups() << "\n";
  for (int g = 0; g < r.num_row_groups(); ++g) {
    const auto& rg = md.row_groups[g];
    out << "row group " << g << ": " << rg.num_rows << " rows, " << rg.total_byte_size
        << " bytes\n";
    for (size_t i = 0; i < rg.columns.size(); ++i) {
      if (!rg.columns[i].meta_data) continue;
      const auto& m = *rg.columns[i].meta_data;
      out << "  " << JoinPath(r.parquet_schema().leaves()[i].path) << "  "
          << parquet::TypeName(m.type) << "  " << parquet::CodecName(m.codec) << "  ";
      for (size_t k = 0; k < m.encodings.size(); ++k) {
        out << (k ? "," : "") << parquet::EncodingName(m.encodings[k]);
      }
      out << "  values=" << m.num_values << "  compressed=" << m.total_compressed_size;
      if (m.statistics && m.statistics->null_count) out << "  nulls=" << *m.statistics->null_count;
      out << "\n";
    }
  }
}

}  // namespace

int RunParquetCommand(Args& args, std::ostream& out, std::ostream& err) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb || (*verb != "schema" && *verb != "meta" && *verb != "cat")) {
    err << kUsage;
    return 2;
  }
  Status usage;
  auto run = [&]() -> Status {
    if (*verb == "cat") {
      KEEL_ASSIGN_OR_RETURN(auto columns_flag, args.Flag("columns"));
      KEEL_ASSIGN_OR_RETURN(auto limit, args.IntFlag("limit"));
      KEEL_ASSIGN_OR_RETURN(std::string format, args.FlagOr("format", "jsonl"));
      KEEL_ASSIGN_OR_RETURN(std::string path, args.Positional("FILE"));
      KEEL_RETURN_IF_ERROR(args.Finish());
      if (format != "jsonl" && format != "csv") {
        return Status::InvalidArgument("--format must be jsonl or csv, not '" + format + "'");
      }
      if (limit && *limit < 0) return Status::InvalidArgument("--limit must be >= 0");
      KEEL_ASSIGN_OR_RETURN(auto reader, FileReader::Open(path));
      std::vector<int> columns;
      if (columns_flag) {
        KEEL_ASSIGN_OR_RETURN(columns, reader->ResolveColumns(SplitCommaList(*columns_flag)));
      }
      return Cat(*reader, columns, limit, format, out);
    }
    KEEL_ASSIGN_OR_RETURN(OutputFormat fmt, TakeOutputFormat(args));
    KEEL_ASSIGN_OR_RETURN(std::string path, args.Positional("FILE"));
    KEEL_RETURN_IF_ERROR(args.Finish());
    KEEL_ASSIGN_OR_RETURN(auto reader, FileReader::Open(path));
    if (*verb == "schema") {
      if (fmt == OutputFormat::kJson)
        out << SchemaJson(*reader).Dump(true) << "\n";
      else
        PrintSchemaText(*reader, out);
    } else {
      if (fmt == OutputFormat::kJson)
        out << MetaJson(*reader).Dump(true) << "\n";
      else
        PrintMetaText(*reader, out);
    }
    return Status::OK();
  };
  return RunOrPrintError(err, run);
}

}  // namespace keel::cli
