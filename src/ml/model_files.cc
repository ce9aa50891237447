#include "ml/model_files.h"

namespace keel::ml {

bool IsPlainFileName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos &&
         name.find('\0') == std::string_view::npos;
}

Result<std::string> ReadModelFile(FileSystem* fs, const std::string& path, uint64_t max_bytes) {
  KEEL_ASSIGN_OR_RETURN(bool exists, fs->Exists(path));
  if (!exists) {
    return Status::Corruption("model file " + path + " named by the MLmodel file is missing");
  }
  KEEL_ASSIGN_OR_RETURN(uint64_t size, fs->FileSize(path));
  if (size > max_bytes) {
    return Status::Corruption("model file " + path + " is " + std::to_string(size) +
                              " bytes, over the limit of " + std::to_string(max_bytes));
  }
  return fs->ReadFile(path);
}

}  // namespace keel::ml
