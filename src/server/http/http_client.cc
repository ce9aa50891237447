#include "server/http/http_client.h"

#include <charconv>

namespace keel::http {

namespace {

constexpr size_t kMaxChunkLineBytes = 1024;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool MethodMayHaveBody(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH";
}

}  // namespace

Result<Url> ParseUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    return Status::InvalidArgument("URL '" + std::string(url) +
                                   "' must start with http:// (TLS is not supported)");
  }
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, slash);
  Url out;
  out.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (!out.target.empty() && out.target.front() == '?') out.target.insert(0, "/");
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return Status::InvalidArgument("bad IPv6 host in URL");
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return Status::InvalidArgument("bad port in URL");
      port_text = after.substr(1);
    }
  } else {
    size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
  }
  if (out.host.empty())
    return Status::InvalidArgument("URL '" + std::string(url) + "' has no host");
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [ptr, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc() || ptr != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      return Status::InvalidArgument("bad port '" + std::string(port_text) + "' in URL");
    }
    out.port = static_cast<uint16_t>(port);
  }
  return out;
}

Result<ClientResponse> Send(std::string_view method, std::string_view url, const Headers& headers,
                            std::string_view body, const ClientOptions& options) {
  KEEL_ASSIGN_OR_RETURN(Url parsed, ParseUrl(url));
  return Send(method, parsed.host, parsed.port, parsed.target, headers, body, options);
}

Result<ClientResponse> Send(std::string_view method, const std::string& host, uint16_t port,
                            std::string_view target, const Headers& headers, std::string_view body,
                            const ClientOptions& options) {
  HttpConnection conn(host, port, options);
  Headers with_close = headers;
  if (!with_close.Has("Connection")) with_close.Set("Connection", "close");
  return conn.Send(method, target, with_close, body);
}

HttpConnection::HttpConnection(std::string host, uint16_t port, ClientOptions options)
    : host_(std::move(host)), port_(port), options_(options) {}

void HttpConnection::Close() {
  fd_.reset();
  in_.clear();
}

Result<ClientResponse> HttpConnection::Send(std::string_view method, std::string_view target,
                                            const Headers& headers, std::string_view body) {
  bool reused = fd_.valid();
  bool nothing_received = false;
  Result<ClientResponse> r = SendOnce(method, target, headers, body, &nothing_received);
  if (!r.ok() && reused && nothing_received) {
    // The server closed the idle keep-alive connection; one retry on a fresh one is safe
    // because it never saw the request.
    Close();
    r = SendOnce(method, target, headers, body, &nothing_received);
  }
  // After any error the stream position is unknown; never reuse the socket.
  if (!r.ok()) Close();
  return r;
}

Result<bool> HttpConnection::ReadMore(int64_t deadline_ms) {
  char buf[16 * 1024];
  KEEL_ASSIGN_OR_RETURN(size_t n, RecvSome(fd_.get(), buf, sizeof(buf), deadline_ms));
  if (n == 0) return false;
  in_.append(buf, n);
  return true;
}

Result<std::string> HttpConnection::ReadLine(size_t limit, int64_t deadline_ms) {
  size_t scanned = 0;
  while (true) {
    size_t crlf = in_.find("\r\n", scanned > 0 ? scanned - 1 : 0);
    if (crlf != std::string::npos) {
      if (crlf > limit) break;
      std::string line = in_.substr(0, crlf);
      in_.erase(0, crlf + 2);
      return line;
    }
    if (in_.size() > limit + 2) break;
    scanned = in_.size();
    KEEL_ASSIGN_OR_RETURN(bool more, ReadMore(deadline_ms));
    if (!more) return Status::IOError("the server closed the connection mid-response");
  }
  return Status::IOError("response line longer than " + std::to_string(limit) + " bytes");
}

Status HttpConnection::ReadExactly(size_t n, std::string* out, int64_t deadline_ms) {
  while (in_.size() < n) {
    KEEL_ASSIGN_OR_RETURN(bool more, ReadMore(deadline_ms));
    if (!more) return Status::IOError("the server closed the connection mid-body");
  }
  out->append(in_, 0, n);
  in_.erase(0, n);
  return Status::OK();
}

Result<ClientResponse> HttpConnection::SendOnce(std::string_view method, std::string_view target,
                                                const Headers& headers, std::string_view body,
                                                bool* nothing_received) {
  *nothing_received = false;
  int64_t deadline = MonotonicMillis() + options_.timeout_millis;
  if (!fd_.valid()) {
    in_.clear();
    KEEL_ASSIGN_OR_RETURN(fd_, ConnectTcp(host_, port_, deadline));
  }
  std::string head;
  head.reserve(256);
  head.append(method).append(" ").append(target.empty() ? "/" : target).append(" HTTP/1.1\r\n");
  if (!headers.Has("Host")) {
    bool ipv6 = host_.find(':') != std::string::npos;
    head.append("Host: ")
        .append(ipv6 ? "[" + host_ + "]" : host_)
        .append(":")
        .append(std::to_string(port_))
        .append("\r\n");
  }
  for (const auto& [name, value] : headers.fields()) {
    if (EqualsIgnoreCase(name, "Content-Length")) continue;
    if (name.find_first_of("\r\n:") != std::string::npos ||
        value.find_first_of("\r\n") != std::string::npos) {
      return Status::InvalidArgument("header '" + name + "' contains CR, LF or ':' in its name");
    }
    head.append(name).append(": ").append(value).append("\r\n");
  }
  if (!body.empty() || MethodMayHaveBody(method)) {
    head.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  head.append("\r\n");
  Status sent = SendAll(fd_.get(), head, deadline);
  if (sent.ok() && !body.empty()) sent = SendAll(fd_.get(), body, deadline);
  // A send error is only final once we know the server sent nothing (it may have answered
  // early, e.g. 413, and closed).

  ClientResponse response;
  bool head_only = method == "HEAD";
  while (true) {
    if (in_.empty()) {
      Result<bool> more = ReadMore(deadline);
      if (!more.ok() || !*more) {
        *nothing_received = true;
        Close();
        if (!sent.ok()) return sent;
        if (!more.ok()) return more.status();
        return Status::IOError("the server closed the connection without answering");
      }
    }
    Result<std::string> status_line = ReadLine(ClientOptions::kMaxResponseHeadBytes, deadline);
    if (!status_line.ok()) {
      Close();
      return status_line.status();
    }
    // "HTTP/1.1 200 OK"
    std::string_view line = *status_line;
    if (line.size() < 12 || line.substr(0, 7) != "HTTP/1." || line[8] != ' ') {
      Close();
      return Status::IOError("malformed response status line from " + host_);
    }
    int status = 0;
    auto [ptr, ec] = std::from_chars(line.data() + 9, line.data() + 12, status);
    if (ec != std::errc() || ptr != line.data() + 12 || status < 100) {
      Close();
      return Status::IOError("malformed response status code from " + host_);
    }
    response.status = status;
    response.reason = line.size() > 13 ? std::string(line.substr(13)) : "";
    response.headers = Headers();
    bool http10 = line[7] == '0';
    size_t head_bytes = line.size();
    while (true) {
      Result<std::string> header = ReadLine(ClientOptions::kMaxResponseHeadBytes, deadline);
      if (!header.ok()) {
        Close();
        return header.status();
      }
      if (header->empty()) break;
      head_bytes += header->size();
      size_t colon = header->find(':');
      if (colon == std::string::npos || head_bytes > ClientOptions::kMaxResponseHeadBytes) {
        Close();
        return Status::IOError("malformed or oversized response header from " + host_);
      }
      response.headers.Add(header->substr(0, colon),
                           std::string(Trim(std::string_view(*header).substr(colon + 1))));
    }
    if (status >= 100 && status < 200) continue;  // interim (100 Continue); the real one follows

    bool keep = !http10 && !response.headers.HasToken("Connection", "close");
    if (head_only || status == 204 || status == 304) {
      // No body.
    } else if (response.headers.HasToken("Transfer-Encoding", "chunked")) {
      while (true) {
        KEEL_ASSIGN_OR_RETURN(std::string size_line, ReadLine(kMaxChunkLineBytes, deadline));
        std::string_view hex = Trim(std::string_view(size_line).substr(0, size_line.find(';')));
        uint64_t size = 0;
        auto [p, e] = std::from_chars(hex.data(), hex.data() + hex.size(), size, 16);
        if (e != std::errc() || p != hex.data() + hex.size() || hex.empty()) {
          Close();
          return Status::IOError("malformed chunk size in the response from " + host_);
        }
        if (size > options_.max_response_body_bytes - response.body.size()) {
          Close();
          return Status::LimitExceeded("response body exceeds " +
                                       std::to_string(options_.max_response_body_bytes) + " bytes");
        }
        if (size == 0) break;
        KEEL_RETURN_IF_ERROR(ReadExactly(size, &response.body, deadline));
        KEEL_ASSIGN_OR_RETURN(std::string crlf, ReadLine(0, deadline));
      }
      while (true) {  // trailers
        KEEL_ASSIGN_OR_RETURN(std::string trailer,
                              ReadLine(ClientOptions::kMaxResponseHeadBytes, deadline));
        if (trailer.empty()) break;
      }
    } else if (const std::string* length = response.headers.Find("Content-Length")) {
      uint64_t n = 0;
      auto [p, e] = std::from_chars(length->data(), length->data() + length->size(), n);
      if (e != std::errc() || p != length->data() + length->size()) {
        Close();
        return Status::IOError("malformed Content-Length in the response from " + host_);
      }
      if (n > options_.max_response_body_bytes) {
        Close();
        return Status::LimitExceeded("response body of " + std::to_string(n) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(options_.max_response_body_bytes));
      }
      Status s = ReadExactly(static_cast<size_t>(n), &response.body, deadline);
      if (!s.ok()) {
        Close();
        return s;
      }
    } else {
      // Delimited by the end of the connection.
      while (true) {
        Result<bool> more = ReadMore(deadline);
        if (!more.ok()) {
          Close();
          return more.status();
        }
        if (in_.size() > options_.max_response_body_bytes) {
          Close();
          return Status::LimitExceeded("response body exceeds the limit");
        }
        if (!*more) break;
      }
      response.body += in_;
      in_.clear();
      keep = false;
    }
    if (!keep) Close();
    return response;
  }
}

}  // namespace keel::http
