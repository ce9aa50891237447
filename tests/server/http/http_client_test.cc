#include "server/http/http_client.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <chrono>
#include <thread>

#include "server/http/socket_io.h"

namespace keel::http {
namespace {

TEST(ParseUrlTest, SplitsHostPortAndTarget) {
  Url u = ParseUrl("http://127.0.0.1:5000/api/2.0/x?y=1").value();
  EXPECT_EQ(u.host, "127.0.0.1");
  EXPECT_EQ(u.port, 5000);
  EXPECT_EQ(u.target, "/api/2.0/x?y=1");
  Url bare = ParseUrl("http://localhost").value();
  EXPECT_EQ(bare.port, 80);
  EXPECT_EQ(bare.target, "/");
  Url v6 = ParseUrl("http://[::1]:8080/p").value();
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.port, 8080);
}

TEST(ParseUrlTest, RefusesOtherSchemesAndBadPorts) {
  for (std::string_view bad : {"https://h/", "ftp://h", "http://", "http://h:0/", "http://h:99999/",
                               "http://h:x/", "h:80"}) {
    EXPECT_FALSE(ParseUrl(bad).ok()) << bad;
  }
}

// A one-shot raw server: accepts one connection, reads the request head, writes `reply`.
class RawServer {
 public:
  explicit RawServer(std::string reply, int delay_ms = 0)
      : reply_(std::move(reply)), delay_ms_(delay_ms) {
    fd_.reset(::socket(AF_INET, SOCK_STREAM, 0));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    EXPECT_EQ(::bind(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    EXPECT_EQ(::listen(fd_.get(), 4), 0);
    ::getsockname(fd_.get(), reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      UniqueFd conn(::accept(fd_.get(), nullptr, nullptr));
      std::string head;
      char c;
      while (head.find("\r\n\r\n") == std::string::npos && ::recv(conn.get(), &c, 1, 0) == 1) {
        head.push_back(c);
      }
      request_head_ = head;
      std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
      [[maybe_unused]] Status s = SendAll(conn.get(), reply_, MonotonicMillis() + 2000);
    });
  }
  ~RawServer() { thread_.join(); }
  uint16_t port() const { return port_; }
  const std::string& request_head() const { return request_head_; }
  void Join() {
    thread_.join();
    thread_ = std::thread([] {});
  }

 private:
  std::string reply_;
  int delay_ms_;
  UniqueFd fd_;
  uint16_t port_ = 0;
  std::thread thread_;
  std::string request_head_;
};

TEST(HttpClientTest, DecodesChunkedResponses) {
  RawServer server(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n"
      "5\r\nhello\r\n7;ext\r\n, world\r\n0\r\nTrailer: t\r\n\r\n");
  Result<ClientResponse> r = Send("GET", "127.0.0.1", server.port(), "/c");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->reason, "OK");
  EXPECT_EQ(r->body, "hello, world");
  EXPECT_EQ(r->headers.Get("x-a"), "b");
}

TEST(HttpClientTest, ReadsBodiesDelimitedByConnectionClose) {
  RawServer server("HTTP/1.0 200 OK\r\n\r\nuntil the end");
  Result<ClientResponse> r = Send("GET", "127.0.0.1", server.port(), "/");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->body, "until the end");
}

TEST(HttpClientTest, SendsHostContentLengthAndCustomHeaders) {
  RawServer server("HTTP/1.1 204 No Content\r\n\r\n");
  Result<ClientResponse> r =
      Send("POST", "http://127.0.0.1:" + std::to_string(server.port()) + "/p?x=1",
           {{"Authorization", "Bearer t"}}, "");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 204);
  server.Join();
  const std::string& head = server.request_head();
  EXPECT_EQ(head.rfind("POST /p?x=1 HTTP/1.1\r\n", 0), 0u) << head;
  EXPECT_NE(head.find("Host: 127.0.0.1:"), std::string::npos);
  EXPECT_NE(head.find("Content-Length: 0\r\n"), std::string::npos);
  EXPECT_NE(head.find("Authorization: Bearer t\r\n"), std::string::npos);
  EXPECT_NE(head.find("Connection: close\r\n"), std::string::npos);
}

TEST(HttpClientTest, RefusesHeaderValuesWithLineBreaks) {
  Result<ClientResponse> r = Send("GET", "127.0.0.1", 1, "/", {{"X-Evil", "a\r\nInjected: 1"}});
  EXPECT_FALSE(r.ok());
}

TEST(HttpClientTest, ReportsConnectionRefusedAsIOError) {
  // Bind then close to get a port that is (almost certainly) closed.
  uint16_t port;
  {
    RawServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
    port = server.port();
    ASSERT_TRUE(Send("GET", "127.0.0.1", port, "/").ok());
  }
  Result<ClientResponse> r = Send("GET", "127.0.0.1", port, "/");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kIOError);
  EXPECT_NE(r.status().message().find(std::to_string(port)), std::string::npos);
}

TEST(HttpClientTest, TimesOutWhenTheServerNeverAnswers) {
  RawServer server("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", /*delay_ms=*/600);
  ClientOptions options;
  options.timeout_millis = 200;
  int64_t start = MonotonicMillis();
  Result<ClientResponse> r = Send("GET", "127.0.0.1", server.port(), "/", {}, {}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kTemporarilyUnavailable);
  EXPECT_LT(MonotonicMillis() - start, 500);
}

TEST(HttpClientTest, RefusesResponsesLargerThanTheLimit) {
  RawServer server("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + std::string(1000, 'x'));
  ClientOptions options;
  options.max_response_body_bytes = 100;
  Result<ClientResponse> r = Send("GET", "127.0.0.1", server.port(), "/", {}, {}, options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kRequestLimitExceeded);
}

}  // namespace
}  // namespace keel::http
