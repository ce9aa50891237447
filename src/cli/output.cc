#include "cli/output.h"

#include <algorithm>

namespace keel::cli {

Result<OutputFormat> TakeOutputFormat(Args& args) {
  KEEL_ASSIGN_OR_RETURN(std::string v, args.FlagOr("output", "text"));
  if (v == "json") return OutputFormat::kJson;
  if (v == "text" || v == "table") return OutputFormat::kText;
  return Status::InvalidArgument("--output must be 'text' or 'json', not '" + v + "'");
}

namespace {

std::string Cell(const json::Value* v) {
  if (v == nullptr || v->is_null()) return "";
  if (v->is_string()) return v->as_string();
  if (v->is_array()) {
    std::string out;
    for (const auto& e : v->as_array()) {
      if (!out.empty()) out += ",";
      out += e.is_string() ? e.as_string() : e.Dump();
    }
    return out;
  }
  return v->Dump();
}

}  // namespace

void PrintValue(std::ostream& out, OutputFormat format, const json::Value& value,
                const std::vector<std::string>& columns) {
  if (format == OutputFormat::kJson) {
    out << value.Dump(true) << "\n";
    return;
  }
  if (value.is_array() && !columns.empty()) {
    std::vector<std::vector<std::string>> rows;
    rows.push_back(columns);
    for (const auto& item : value.as_array()) {
      std::vector<std::string> row;
      for (const auto& c : columns) row.push_back(Cell(item.Find(c)));
      rows.push_back(std::move(row));
    }
    std::vector<size_t> widths(columns.size(), 0);
    for (const auto& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
    }
    for (const auto& row : rows) {
      std::string line;
      for (size_t i = 0; i < row.size(); ++i) {
        line += row[i];
        if (i + 1 < row.size()) line += std::string(widths[i] - row[i].size() + 2, ' ');
      }
      out << line << "\n";
    }
    return;
  }
  if (value.is_object()) {
    for (const auto& [k, v] : value.as_object()) out << k << ": " << Cell(&v) << "\n";
    return;
  }
  out << Cell(&value) << "\n";
}

int PrintError(std::ostream& err, const Status& status) {
  err << "Error: " << status.message() << "\n";
  return 1;
}

std::vector<std::string> SplitCommaList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size() && !s.empty()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    if (comma > start) out.push_back(s.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

int RunVerbCommand(Args& args, std::ostream& out, std::ostream& err, std::string_view usage,
                   Status (*run)(const std::string& verb, Args& args, std::ostream& out)) {
  std::optional<std::string> verb = args.OptionalPositional();
  if (!verb) {
    err << usage;
    return 2;
  }
  return RunOrPrintError(err, [&]() -> Status { return run(*verb, args, out); });
}

}  // namespace keel::cli
