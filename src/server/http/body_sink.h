#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "server/http/socket_io.h"

namespace keel::http {

// Where the bytes of a streamed request body go instead of memory (see
// RequestParserOptions::body_sink_factory). Not thread-safe: one per request.
class BodySink {
 public:
  virtual ~BodySink() = default;
  virtual Status Append(std::string_view bytes) = 0;
  // Ends the body; returns the path of the file that holds it (Request::body_file).
  virtual Result<std::string> Finish() = 0;
};

// Spools the body into a new file in `dir` (created with O_EXCL under a random name, fsynced by
// Finish). The file is removed when the sink is destroyed without Finish(); after Finish() it
// belongs to whoever handles the request (the server removes it once the handler returned, so a
// handler that wants to keep the bytes renames the file away).
class FileBodySink : public BodySink {
 public:
  static Result<std::unique_ptr<FileBodySink>> Create(const std::string& dir);
  ~FileBodySink() override;

  Status Append(std::string_view bytes) override;
  Result<std::string> Finish() override;

 private:
  FileBodySink(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}

  std::string path_;
  UniqueFd fd_;
  bool finished_ = false;
};

}  // namespace keel::http
