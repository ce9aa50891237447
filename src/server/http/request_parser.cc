#include "server/http/request_parser.h"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace keel::http {

namespace {

// RFC 9110 tchar: the characters of a method or header name.
bool IsTokenChar(unsigned char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// Field values may hold visible characters, obs-text, SP and HT; never CR, LF, NUL or other
// controls (that is how header injection gets in).
bool IsFieldValue(std::string_view s) {
  for (unsigned char c : s) {
    if (c == '\t') continue;
    if (c < 0x20 || c == 0x7f) return false;
  }
  return true;
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ParseDecimal(std::string_view s, uint64_t* out) {
  if (s.empty() || s.size() > 19) return false;  // 19 digits always fit in uint64
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  *out = v;
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

RequestParser::RequestParser(RequestParserOptions options) : options_(options) {}

RequestParser::State RequestParser::state() const {
  if (phase_ == Phase::kDone) return State::kComplete;
  if (phase_ == Phase::kError) return State::kError;
  return State::kNeedMore;
}

bool RequestParser::expects_continue() const {
  return expect_continue_ && !continue_sent_ &&
         (phase_ == Phase::kBodyLength || phase_ == Phase::kChunkSize) && body_bytes_ == 0;
}

void RequestParser::Reset() {
  phase_ = Phase::kRequestLine;
  request_ = Request();
  line_.clear();
  header_bytes_ = 0;
  leading_blank_bytes_ = 0;
  body_remaining_ = 0;
  started_ = false;
  expect_continue_ = false;
  continue_sent_ = false;
  error_status_ = 0;
  error_message_.clear();
  sink_.reset();  // an unfinished spool file is removed by its sink
  body_bytes_ = 0;
}

void RequestParser::Fail(int status, std::string message) {
  phase_ = Phase::kError;
  error_status_ = status;
  error_message_ = std::move(message);
  line_.clear();
  sink_.reset();
}

uint64_t RequestParser::body_limit() const {
  return sink_ ? options_.max_streamed_body_bytes : options_.max_request_body_bytes;
}

void RequestParser::AppendBody(std::string_view bytes) {
  body_bytes_ += bytes.size();
  if (!sink_) {
    request_.body.append(bytes.data(), bytes.size());
    return;
  }
  Status s = sink_->Append(bytes);
  if (!s.ok()) Fail(500, s.message());
}

size_t RequestParser::Feed(std::string_view data) {
  size_t used = FeedPhases(data);
  if (phase_ == Phase::kDone && sink_) {
    Result<std::string> file = sink_->Finish();
    sink_.reset();
    if (file.ok()) {
      request_.body_file = std::move(*file);
    } else {
      Fail(500, file.status().message());
    }
  }
  return used;
}

bool RequestParser::ReadLine(std::string_view data, size_t limit, int status_if_long,
                             std::string_view what, size_t* consumed) {
  const void* nl = std::memchr(data.data(), '\n', data.size());
  size_t take =
      nl ? static_cast<size_t>(static_cast<const char*>(nl) - data.data()) + 1 : data.size();
  *consumed = take;
  // +2 leaves room for the CR LF that ends the line.
  if (line_.size() + take > limit + 2) {
    Fail(status_if_long,
         std::string(what) + " is longer than the limit of " + std::to_string(limit) + " bytes");
    return false;
  }
  line_.append(data.data(), take);
  if (nl == nullptr) return false;
  line_.pop_back();  // '\n'
  if (!line_.empty() && line_.back() == '\r') line_.pop_back();
  if (line_.find('\r') != std::string::npos || line_.find('\0') != std::string::npos) {
    Fail(400, std::string(what) + " contains a bare CR or a NUL byte");
    return false;
  }
  if (line_.size() > limit) {
    Fail(status_if_long,
         std::string(what) + " is longer than the limit of " + std::to_string(limit) + " bytes");
    return false;
  }
  return true;
}

size_t RequestParser::FeedPhases(std::string_view data) {
  size_t pos = 0;
  while (pos < data.size()) {
    std::string_view rest = data.substr(pos);
    size_t used = 0;
    switch (phase_) {
      case Phase::kDone:
      case Phase::kError:
        return pos;
      case Phase::kRequestLine: {
        bool complete =
            ReadLine(rest, options_.max_request_line_bytes, 414, "the request line", &used);
        pos += used;
        if (!line_.empty()) started_ = true;
        if (!complete) break;
        if (line_.empty()) {
          // RFC 9112 §2.2: ignore blank lines before a request line, but not forever.
          leading_blank_bytes_ += used;
          if (leading_blank_bytes_ > options_.max_request_line_bytes) {
            Fail(400, "too many blank lines before the request line");
          }
          break;
        }
        ParseRequestLine();
        line_.clear();
        break;
      }
      case Phase::kHeaderLine:
      case Phase::kTrailerLine: {
        size_t left = options_.max_header_bytes > header_bytes_
                          ? options_.max_header_bytes - header_bytes_
                          : 0;
        bool complete = ReadLine(rest, left, 431, "the header section", &used);
        pos += used;
        if (phase_ == Phase::kError && error_status_ == 431) {
          // ReadLine saw only what was left of the budget; report the whole limit.
          error_message_ = "the header section is larger than the limit of " +
                           std::to_string(options_.max_header_bytes) + " bytes";
        }
        if (!complete) break;
        header_bytes_ += line_.size() + 2;
        if (phase_ == Phase::kTrailerLine) {
          // Trailers are read for framing and dropped: no Keel handler needs them.
          if (line_.empty()) phase_ = Phase::kDone;
        } else if (line_.empty()) {
          FinishHeaders();
        } else {
          ParseHeaderLine();
        }
        line_.clear();
        break;
      }
      case Phase::kBodyLength:
      case Phase::kChunkData: {
        size_t take = static_cast<size_t>(
            std::min<uint64_t>(body_remaining_, static_cast<uint64_t>(rest.size())));
        AppendBody(rest.substr(0, take));
        if (phase_ == Phase::kError) return pos;
        body_remaining_ -= take;
        pos += take;
        if (body_remaining_ == 0) {
          phase_ = phase_ == Phase::kBodyLength ? Phase::kDone : Phase::kChunkDataEnd;
        }
        break;
      }
      case Phase::kChunkSize: {
        bool complete = ReadLine(rest, RequestParserOptions::kMaxChunkSizeLineBytes, 400,
                                 "a chunk-size line", &used);
        pos += used;
        if (!complete) break;
        ParseChunkSizeLine();
        line_.clear();
        break;
      }
      case Phase::kChunkDataEnd: {
        bool complete = ReadLine(rest, 0, 400, "the end of a chunk", &used);
        pos += used;
        if (!complete) break;
        phase_ = Phase::kChunkSize;
        line_.clear();
        break;
      }
    }
  }
  return pos;
}

void RequestParser::ParseRequestLine() {
  std::string_view line = line_;
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Fail(400, "malformed request line; expected 'METHOD /target HTTP/1.1'");
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method)) return Fail(400, "malformed method in the request line");
  if (target.empty()) return Fail(400, "empty request target");
  for (unsigned char c : target) {
    if (c <= 0x20 || c >= 0x7f)
      return Fail(400,
                  "request target holds a byte that must be "
                  "percent-encoded");
  }
  if (version == "HTTP/1.1") {
    request_.version_minor = 1;
  } else if (version == "HTTP/1.0") {
    request_.version_minor = 0;
  } else if (version.size() == 8 && version.substr(0, 5) == "HTTP/" &&
             std::isdigit(static_cast<unsigned char>(version[5])) && version[6] == '.' &&
             std::isdigit(static_cast<unsigned char>(version[7]))) {
    return Fail(
        505, "HTTP version " + std::string(version.substr(5)) + " is not supported; use HTTP/1.1");
  } else {
    return Fail(400, "malformed HTTP version in the request line");
  }

  std::string_view path_and_query = target;
  if (target == "*") {
    if (method != "OPTIONS") return Fail(400, "request target '*' is only allowed for OPTIONS");
  } else if (target.substr(0, 7) == "http://" || target.substr(0, 8) == "https://") {
    size_t authority = target.find("//") + 2;
    size_t slash = target.find('/', authority);
    path_and_query = slash == std::string_view::npos ? "/" : target.substr(slash);
  } else if (target.front() != '/') {
    return Fail(400, "request target must start with '/'");
  }
  if (path_and_query.find('#') != std::string_view::npos) {
    return Fail(400, "request target must not contain a fragment ('#')");
  }
  size_t q = path_and_query.find('?');
  request_.method = std::string(method);
  request_.target = std::string(target);
  request_.path = std::string(path_and_query.substr(0, q));
  if (q != std::string_view::npos) {
    request_.query = std::string(path_and_query.substr(q + 1));
    Result<QueryParams> params = ParseQueryString(request_.query);
    if (!params.ok()) return Fail(400, "query string: " + params.status().message());
    request_.query_params = std::move(params).value();
  }
  phase_ = Phase::kHeaderLine;
}

void RequestParser::ParseHeaderLine() {
  std::string_view line = line_;
  if (line.front() == ' ' || line.front() == '\t') {
    return Fail(400, "obsolete header line folding is not allowed");
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return Fail(400, "header line without ':'");
  std::string_view name = line.substr(0, colon);
  if (!IsToken(name)) return Fail(400, "malformed header name '" + std::string(name) + "'");
  std::string_view value = TrimOws(line.substr(colon + 1));
  if (!IsFieldValue(value)) {
    return Fail(400, "header '" + std::string(name) + "' holds a control character");
  }
  if (request_.headers.size() >= options_.max_header_count) {
    return Fail(431, "more than " + std::to_string(options_.max_header_count) + " header fields");
  }
  request_.headers.Add(std::string(name), std::string(value));
}

void RequestParser::FinishHeaders() {
  const Headers& headers = request_.headers;
  if (request_.version_minor == 1 && !headers.Has("Host")) {
    return Fail(400, "HTTP/1.1 request without a Host header");
  }
  bool chunked = false;
  std::vector<std::string> codings = headers.GetAll("Transfer-Encoding");
  if (!codings.empty()) {
    if (headers.Has("Content-Length")) {
      return Fail(400, "both Content-Length and Transfer-Encoding are present");
    }
    size_t chunked_count = 0;
    for (const std::string& field : codings) {
      std::string_view rest = field;
      while (true) {
        size_t comma = rest.find(',');
        std::string_view coding = TrimOws(rest.substr(0, comma));
        if (EqualsIgnoreCase(coding, "chunked")) {
          ++chunked_count;
        } else if (!coding.empty()) {
          return Fail(501, "transfer coding '" + std::string(coding) +
                               "' is not supported; send the body with Content-Length or "
                               "chunked");
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
    if (chunked_count != 1) return Fail(400, "malformed Transfer-Encoding");
    chunked = true;
  }

  uint64_t content_length = 0;
  bool have_length = false;
  for (const std::string& field : headers.GetAll("Content-Length")) {
    std::string_view rest = field;
    while (true) {
      size_t comma = rest.find(',');
      uint64_t v = 0;
      if (!ParseDecimal(TrimOws(rest.substr(0, comma)), &v)) {
        return Fail(400, "malformed Content-Length");
      }
      if (have_length && v != content_length) return Fail(400, "conflicting Content-Length");
      content_length = v;
      have_length = true;
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  if (options_.body_sink_factory && (chunked || content_length > 0)) {
    Result<std::unique_ptr<BodySink>> sink = options_.body_sink_factory(request_);
    if (!sink.ok()) return Fail(500, sink.status().message());
    sink_ = std::move(*sink);
  }
  if (content_length > body_limit()) {
    return Fail(413, "request body of " + std::to_string(content_length) +
                         " bytes exceeds the limit of " + std::to_string(body_limit()) +
                         " bytes");
  }

  if (request_.version_minor == 1) {
    request_.keep_alive = !headers.HasToken("Connection", "close");
  } else {
    request_.keep_alive = headers.HasToken("Connection", "keep-alive");
  }
  expect_continue_ = headers.HasToken("Expect", "100-continue");

  if (chunked) {
    phase_ = Phase::kChunkSize;
  } else if (content_length > 0) {
    body_remaining_ = content_length;
    phase_ = Phase::kBodyLength;
  } else {
    phase_ = Phase::kDone;
  }
}

void RequestParser::ParseChunkSizeLine() {
  std::string_view line = line_;
  size_t semi = line.find(';');
  std::string_view hex = TrimOws(line.substr(0, semi));
  if (hex.empty() || hex.size() > 15) return Fail(400, "malformed chunk size");
  uint64_t size = 0;
  for (char c : hex) {
    int d = HexDigit(c);
    if (d < 0) return Fail(400, "malformed chunk size");
    size = size * 16 + static_cast<uint64_t>(d);
  }
  if (size > body_limit() - body_bytes_) {
    return Fail(413, "chunked request body exceeds the limit of " +
                         std::to_string(body_limit()) + " bytes");
  }
  if (size == 0) {
    phase_ = Phase::kTrailerLine;
    return;
  }
  body_remaining_ = size;
  phase_ = Phase::kChunkData;
}

}  // namespace keel::http
