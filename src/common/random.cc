#include "common/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "common/sha256.h"

namespace keel {

Result<std::string> SecureRandomBytes(size_t n) {
  std::string out(n, '\0');
  size_t got = 0;
  while (got < n) {
    ssize_t r = getrandom(out.data() + got, n - got, 0);
    if (r < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("getrandom failed: ") + std::strerror(errno));
    }
    got += static_cast<size_t>(r);
  }
  return out;
}

std::string NewId() {
  Result<std::string> bytes = SecureRandomBytes(16);
  if (!bytes.ok()) std::abort();
  return HexEncode(*bytes);
}

}  // namespace keel
