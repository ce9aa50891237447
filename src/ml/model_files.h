#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "common/fs/file_system.h"
#include "common/result.h"

// What every flavor does with the files an MLmodel names.
namespace keel::ml {

// True when `name` (a file named by an MLmodel flavor) stays inside the model directory: not
// empty, ".", "..", and without '/' or NUL.
bool IsPlainFileName(std::string_view name);

// Reads the model file `path`, which an MLmodel file named.
// Errors: kCorruption naming the file when it is missing or larger than `max_bytes`; kIOError.
Result<std::string> ReadModelFile(FileSystem* fs, const std::string& path, uint64_t max_bytes);

}  // namespace keel::ml
