#pragma once

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "storage/batch/record_batch.h"

namespace keel::ml::testing {

// Appends a string column whose nullopt entries are nulls.
inline void AddNullableStringColumn(batch::RecordBatch* batch, const std::string& name,
                                    const std::vector<std::optional<std::string>>& values) {
  batch::DataType type = batch::DataType::Primitive(batch::TypeId::kString);
  batch::Column column = batch::Column::Make(type);
  for (const std::optional<std::string>& v : values) {
    if (!v) {
      column.AppendNull();
      continue;
    }
    column.bytes += *v;
    column.offsets.push_back(static_cast<int64_t>(column.bytes.size()));
    column.MarkAppendedValid();
  }
  batch->schema.fields.push_back(batch::Field{name, type, true});
  batch->columns.push_back(std::move(column));
  batch->num_rows = static_cast<int64_t>(values.size());
}

inline void AddBoolColumn(batch::RecordBatch* batch, const std::string& name,
                          const std::vector<std::optional<bool>>& values) {
  batch::DataType type = batch::DataType::Primitive(batch::TypeId::kBoolean);
  batch::Column column = batch::Column::Make(type);
  for (const std::optional<bool>& v : values) {
    if (!v) {
      column.AppendNull();
      continue;
    }
    column.bools.push_back(*v ? 1 : 0);
    column.MarkAppendedValid();
  }
  batch->schema.fields.push_back(batch::Field{name, type, true});
  batch->columns.push_back(std::move(column));
  batch->num_rows = static_cast<int64_t>(values.size());
}

constexpr const char* kPython = "/usr/bin/python3";

// Whether /usr/bin/python3 can import `module`.
inline bool PythonHasModule(const std::string& module) {
  if (access(kPython, X_OK) != 0) return false;
  std::string command = std::string(kPython) + " -c 'import " + module + "' 2>/dev/null";
  return std::system(command.c_str()) == 0;
}

// Runs `script` with /usr/bin/python3, the file `input_path` as its first argument; returns
// its standard output, or nullopt when it failed.
inline std::optional<std::string> RunPython(const std::string& script,
                                            const std::string& input_path) {
  char script_path[] = "/tmp/keel_profile_test_XXXXXX.py";
  int fd = mkstemps(script_path, 3);
  if (fd < 0) return std::nullopt;
  close(fd);
  {
    std::ofstream file(script_path);
    file << script;
  }
  std::string command = std::string(kPython) + " " + script_path + " " + input_path;
  FILE* pipe = popen(command.c_str(), "r");
  if (pipe == nullptr) {
    unlink(script_path);
    return std::nullopt;
  }
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) output.append(buf, n);
  int status = pclose(pipe);
  unlink(script_path);
  if (status != 0) return std::nullopt;
  return output;
}

}  // namespace keel::ml::testing
