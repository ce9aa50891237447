#pragma once

#include <string>

#include "common/result.h"

namespace keel {

// `n` bytes from the kernel's CSPRNG (getrandom). Used for tokens and ids.
Result<std::string> SecureRandomBytes(size_t n);

// A new random identifier: 32 lower-case hex characters (128 bits), the shape of MLflow run ids.
// Aborts only if the kernel cannot supply randomness, which leaves nothing safe to do.
std::string NewId();

}  // namespace keel
