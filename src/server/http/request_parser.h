#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "server/http/body_sink.h"
#include "server/http/request.h"

namespace keel::http {

// Limits of RequestParser. Every length is checked before bytes are kept, so a peer can make the
// parser hold at most about max_request_line_bytes + max_header_bytes + max_request_body_bytes.
struct RequestParserOptions {
  static constexpr size_t kMaxRequestLineBytes = 8 * 1024;
  static constexpr size_t kMaxHeaderBytes = 64 * 1024;
  static constexpr size_t kMaxHeaderCount = 100;
  static constexpr size_t kDefaultMaxRequestBodyBytes = 64 * 1024 * 1024;
  // A chunk-size line (hex size plus extensions) longer than this is refused with 400.
  static constexpr size_t kMaxChunkSizeLineBytes = 1024;

  // Longest request line ("GET /path?query HTTP/1.1"), without CRLF. Longer: 414.
  // Default: 8 KiB.
  size_t max_request_line_bytes = kMaxRequestLineBytes;
  // Total bytes of all header lines (and of chunked trailers). More: 431. Default: 64 KiB.
  size_t max_header_bytes = kMaxHeaderBytes;
  // Number of header fields. More: 431. Default: 100.
  size_t max_header_count = kMaxHeaderCount;
  // Largest request body after de-chunking. Larger: 413, decided from Content-Length before
  // any body byte is read. Default: 64 MiB.
  size_t max_request_body_bytes = kDefaultMaxRequestBodyBytes;

  // Streaming bodies: once the headers are parsed, this is asked for a sink; when it returns
  // one, the body goes there as it arrives (memory stays bounded), may be as large as
  // max_streamed_body_bytes, and the request arrives with `body_file` set and `body` empty.
  // Returning nullptr (or an error, answered with 500) keeps the body in memory. Default: none.
  std::function<Result<std::unique_ptr<BodySink>>(const Request& head)> body_sink_factory;
  static constexpr uint64_t kDefaultMaxStreamedBodyBytes = uint64_t{16} << 30;
  uint64_t max_streamed_body_bytes = kDefaultMaxStreamedBodyBytes;
};

// An incremental HTTP/1.1 request parser (RFC 9112). Bytes are fed as they arrive, in pieces of
// any size; the parser stops at the end of one request, so bytes of a pipelined next request are
// left unconsumed for the caller to feed after Reset().
//
// Accepted: HTTP/1.0 and HTTP/1.1; origin-form targets ("/p?q"), absolute-form
// ("http://h/p") and "*" for OPTIONS; Content-Length bodies and chunked Transfer-Encoding
// (trailers are read and dropped). Refused, with the status the server should answer:
//   400 malformed request line or header, missing Host in HTTP/1.1, obsolete line folding,
//       bare CR or NUL, both Content-Length and Transfer-Encoding, conflicting Content-Length,
//       bad chunk framing, bad percent-escape in the query;
//   413 body larger than max_request_body_bytes;   414 request line too long;
//   431 header section too large or too many fields;
//   501 a transfer coding other than chunked;       505 an HTTP version other than 1.0/1.1.
// After an error the connection cannot be re-synchronised: answer and close.
//
// Thread-safety: not thread-safe; one parser per connection.
class RequestParser {
 public:
  enum class State { kNeedMore, kComplete, kError };

  explicit RequestParser(RequestParserOptions options = {});

  // Consumes bytes of `data` up to the end of the current request and returns how many were
  // consumed. Once state() is kComplete or kError, further calls consume nothing.
  size_t Feed(std::string_view data);

  State state() const;
  // True once the blank line ending the header section has been parsed without error.
  bool headers_complete() const { return phase_ > Phase::kHeaderLine && phase_ != Phase::kError; }
  // True when any byte of the current request (other than leading blank lines) has arrived.
  bool started() const { return started_; }
  // True when the headers asked for "Expect: 100-continue" and body bytes are still due; the
  // server should then send "HTTP/1.1 100 Continue" once (see continue_sent()).
  bool expects_continue() const;
  void set_continue_sent() { continue_sent_ = true; }
  bool continue_sent() const { return continue_sent_; }

  // REQUIRES: state() == kError. The status to answer with and a message for the client.
  int error_status() const { return error_status_; }
  const std::string& error_message() const { return error_message_; }

  // The request parsed so far; complete when state() == kComplete. The head (method, target,
  // headers, keep_alive) is valid once headers_complete().
  const Request& request() const { return request_; }
  // Moves the request out. REQUIRES: state() == kComplete.
  Request TakeRequest() { return std::move(request_); }

  // Forgets the current request so that the next one can be parsed (keep-alive).
  void Reset();

 private:
  enum class Phase {
    kRequestLine,
    kHeaderLine,
    kBodyLength,
    kChunkSize,
    kChunkData,
    kChunkDataEnd,
    kTrailerLine,
    kDone,
    kError,
  };

  // Appends bytes up to and including '\n' to line_. Returns true when a whole line is in
  // line_ (without its CR LF); sets *consumed. Fails with `status_if_long` past `limit`.
  bool ReadLine(std::string_view data, size_t limit, int status_if_long, std::string_view what,
                size_t* consumed);
  void ParseRequestLine();
  void ParseHeaderLine();
  void FinishHeaders();
  void ParseChunkSizeLine();
  void Fail(int status, std::string message);
  size_t FeedPhases(std::string_view data);
  void AppendBody(std::string_view bytes);
  uint64_t body_limit() const;

  RequestParserOptions options_;
  Phase phase_ = Phase::kRequestLine;
  Request request_;
  std::string line_;         // the line being assembled; bounded by the phase's limit
  size_t header_bytes_ = 0;  // bytes of header (and trailer) lines so far
  size_t leading_blank_bytes_ = 0;
  uint64_t body_remaining_ = 0;  // Content-Length bytes or chunk bytes still due
  bool started_ = false;
  bool expect_continue_ = false;
  bool continue_sent_ = false;
  int error_status_ = 0;
  std::string error_message_;
  std::unique_ptr<BodySink> sink_;  // set when the body is streamed
  uint64_t body_bytes_ = 0;         // body bytes received so far
};

}  // namespace keel::http
