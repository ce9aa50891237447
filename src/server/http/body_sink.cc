#include "server/http/body_sink.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/random.h"

namespace keel::http {

Result<std::unique_ptr<FileBodySink>> FileBodySink::Create(const std::string& dir) {
  std::string path = dir + "/upload-" + NewId();
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return Status::IOError("cannot create a spool file for a request body in '" + dir +
                           "': " + std::strerror(errno));
  }
  return std::unique_ptr<FileBodySink>(new FileBodySink(std::move(path), UniqueFd(fd)));
}

FileBodySink::~FileBodySink() {
  if (!finished_) ::unlink(path_.c_str());
}

Status FileBodySink::Append(std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::write(fd_.get(), bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::string("cannot write the request body to disk: ") +
                             std::strerror(errno));
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return Status::OK();
}

Result<std::string> FileBodySink::Finish() {
  if (::fsync(fd_.get()) != 0) {
    return Status::IOError(std::string("cannot sync the request body: ") + std::strerror(errno));
  }
  fd_.reset();
  finished_ = true;
  return path_;
}

}  // namespace keel::http
