#pragma once

#include <cstdint>

#include "common/result.h"

namespace keel::testutil {

// A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it by binding port 0).
// Another process may take it before the caller binds it, so callers that can should bind
// port 0 themselves. Errors: kIOError when no socket can be bound.
Result<uint16_t> FindFreePort();

}  // namespace keel::testutil
