#include "storage/delta/table_features.h"

#include <string>

#include "storage/delta/schema_json.h"

namespace keel::delta {
namespace {

constexpr int kMaxReaderVersion = 3;
constexpr int kMaxWriterVersion = 2;

std::string Join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ", ") + s;
  return out;
}

std::string ColumnMappingMode(const Metadata& m) {
  auto it = m.configuration.find("delta.columnMapping.mode");
  return it == m.configuration.end() ? "none" : it->second;
}

}  // namespace

Status CheckReadSupported(const Protocol& p, const Metadata& m) {
  if (p.min_reader_version < 1 || p.min_reader_version > kMaxReaderVersion) {
    return Status::NotImplemented(
        "table requires Delta reader version " + std::to_string(p.min_reader_version) +
        "; Keel reads versions 1 to 3" +
        (p.reader_features && !p.reader_features->empty()
             ? " (reader features: " + Join(*p.reader_features) + ")"
             : std::string()));
  }
  if (p.min_reader_version == 3) {
    std::vector<std::string> unsupported;
    for (const auto& f : p.reader_features.value_or(std::vector<std::string>{})) {
      if (f != "vacuumProtocolCheck") unsupported.push_back(f);
    }
    if (!unsupported.empty()) {
      return Status::NotImplemented("table uses Delta reader feature(s) that Keel does not support: " +
                                    Join(unsupported));
    }
  }
  std::string mode = ColumnMappingMode(m);
  if (mode != "none") {
    return Status::NotImplemented("table uses Delta reader feature columnMapping (mode " + mode +
                                  "), which Keel does not support");
  }
  return Status::OK();
}

Status CheckWriteSupported(const Protocol& p, const Metadata& m) {
  KEEL_RETURN_IF_ERROR(CheckReadSupported(p, m));
  if (p.min_writer_version > kMaxWriterVersion) {
    return Status::NotImplemented(
        "table requires Delta writer version " + std::to_string(p.min_writer_version) +
        "; Keel writes versions 1 and 2" +
        (p.writer_features && !p.writer_features->empty()
             ? " (writer features: " + Join(*p.writer_features) + ")"
             : std::string()));
  }
  if (SchemaHasInvariants(m.schema_string)) {
    return Status::NotImplemented(
        "table has column invariants (delta.invariants), which Keel does not enforce; write it "
        "with Spark");
  }
  return Status::OK();
}

Protocol DefaultWriteProtocol() { return Protocol{1, 2, std::nullopt, std::nullopt}; }

}  // namespace keel::delta
