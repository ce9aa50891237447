#include "server/http/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "server/http/http_client.h"
#include "server/http/socket_io.h"

namespace keel::http {
namespace {

using std::chrono::milliseconds;

HttpServerOptions TestOptions() {
  HttpServerOptions options;
  options.worker_threads = 4;
  options.log_requests = false;
  options.shutdown_timeout_millis = 5'000;
  return options;
}

// Echoes what the handler saw, as JSON.
Response Echo(const Request& r) {
  json::Value body = json::Value::MakeObject();
  body.Set("method", r.method);
  body.Set("path", r.path);
  body.Set("q", r.QueryParam("q") ? *r.QueryParam("q") : "");
  body.Set("body", r.body);
  body.Set("remote", r.remote_addr);
  return Response::Json(200, body);
}

std::unique_ptr<HttpServer> StartServer(HttpServerOptions options, Handler handler) {
  auto server = std::make_unique<HttpServer>(std::move(options), std::move(handler));
  Status s = server->Start();
  EXPECT_TRUE(s.ok()) << s.ToString();
  return server;
}

UniqueFd RawConnect(uint16_t port) {
  Result<UniqueFd> fd = ConnectTcp("127.0.0.1", port, MonotonicMillis() + 2'000);
  EXPECT_TRUE(fd.ok()) << fd.status().ToString();
  return fd.ok() ? std::move(fd).value() : UniqueFd();
}

// Reads until the peer closes or `timeout_ms` passes.
std::string ReadUntilClose(int fd, int64_t timeout_ms = 5'000) {
  std::string out;
  char buf[4096];
  int64_t deadline = MonotonicMillis() + timeout_ms;
  while (true) {
    Result<size_t> n = RecvSome(fd, buf, sizeof(buf), deadline);
    if (!n.ok() || *n == 0) return out;
    out.append(buf, *n);
  }
}

// Reads until `needle` has been seen `count` times (or close/timeout).
std::string ReadUntil(int fd, std::string_view needle, int count = 1, int64_t timeout_ms = 5'000) {
  std::string out;
  char buf[4096];
  int64_t deadline = MonotonicMillis() + timeout_ms;
  auto seen = [&] {
    int found = 0;
    for (size_t pos = out.find(needle); pos != std::string::npos; pos = out.find(needle, pos + 1)) {
      ++found;
    }
    return found;
  };
  while (seen() < count) {
    Result<size_t> n = RecvSome(fd, buf, sizeof(buf), deadline);
    if (!n.ok() || *n == 0) break;
    out.append(buf, *n);
  }
  return out;
}

TEST(HttpServerTest, ServesRequestsWithBodyAndDecodedQuery) {
  auto server = StartServer(TestOptions(), Echo);
  Result<ClientResponse> r =
      Send("POST", "127.0.0.1", server->port(), "/api/x?q=a%20b", {}, "payload");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.Get("content-type"), "application/json");
  json::Value body = json::Parse(r->body).value();
  EXPECT_EQ(body.Find("method")->as_string(), "POST");
  EXPECT_EQ(body.Find("path")->as_string(), "/api/x");
  EXPECT_EQ(body.Find("q")->as_string(), "a b");
  EXPECT_EQ(body.Find("body")->as_string(), "payload");
  EXPECT_EQ(body.Find("remote")->as_string().rfind("127.0.0.1:", 0), 0u);
}

TEST(HttpServerTest, PicksAFreePortWhenAskedForPortZero) {
  auto a = StartServer(TestOptions(), Echo);
  auto b = StartServer(TestOptions(), Echo);
  EXPECT_NE(a->port(), 0);
  EXPECT_NE(a->port(), b->port());
}

TEST(HttpServerTest, StartFailsWithAClearMessageWhenThePortIsInUse) {
  auto first = StartServer(TestOptions(), Echo);
  HttpServerOptions options = TestOptions();
  options.port = first->port();
  HttpServer second(options, Echo);
  Status s = second.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), ErrorCode::kTemporarilyUnavailable);
  EXPECT_NE(s.message().find("already in use"), std::string::npos) << s.message();
}

TEST(HttpServerTest, KeepsAConnectionAliveAcrossRequests) {
  auto server = StartServer(TestOptions(), Echo);
  HttpConnection conn("127.0.0.1", server->port());
  std::string first_remote;
  for (int i = 0; i < 5; ++i) {
    Result<ClientResponse> r = conn.Send("GET", "/k");
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->status, 200);
    std::string remote = json::Parse(r->body).value().Find("remote")->as_string();
    if (i == 0) first_remote = remote;
    EXPECT_EQ(remote, first_remote) << "request " << i << " used a new connection";
    EXPECT_TRUE(conn.connected());
  }
}

TEST(HttpServerTest, AnswersPipelinedRequestsInOrder) {
  auto server = StartServer(TestOptions(), Echo);
  UniqueFd fd = RawConnect(server->port());
  std::string two =
      "GET /first HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /second HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi";
  ASSERT_TRUE(SendAll(fd.get(), two, MonotonicMillis() + 2'000).ok());
  std::string out = ReadUntilClose(fd.get());
  size_t first = out.find("/first");
  size_t second = out.find("/second");
  ASSERT_NE(first, std::string::npos) << out;
  ASSERT_NE(second, std::string::npos) << out;
  EXPECT_LT(first, second);
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
}

TEST(HttpServerTest, ServesManyConcurrentClients) {
  HttpServerOptions options = TestOptions();
  options.worker_threads = 3;
  auto server = StartServer(options, Echo);
  constexpr int kClients = 12;
  constexpr int kRequestsPerClient = 20;
  std::atomic<int> ok_count{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      HttpConnection conn("127.0.0.1", server->port());
      for (int i = 0; i < kRequestsPerClient; ++i) {
        std::string body = "client" + std::to_string(c) + "-" + std::to_string(i);
        Result<ClientResponse> r = conn.Send("POST", "/c", {}, body);
        if (r.ok() && r->status == 200 &&
            json::Parse(r->body).value().Find("body")->as_string() == body) {
          ++ok_count;
        }
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(ok_count.load(), kClients * kRequestsPerClient);
}

TEST(HttpServerTest, HandlerExceptionBecomes500AndTheServerStaysUp) {
  auto server = StartServer(TestOptions(), [](const Request& r) -> Response {
    if (r.path == "/throw") throw std::runtime_error("secret internal detail");
    if (r.path == "/throw-int") throw 42;
    return Response::Text(200, "fine");
  });
  for (const char* path : {"/throw", "/throw-int"}) {
    Result<ClientResponse> r = Send("GET", "127.0.0.1", server->port(), path);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->status, 500);
    json::Value body = json::Parse(r->body).value();
    EXPECT_EQ(body.Find("error_code")->as_string(), "INTERNAL_ERROR");
    EXPECT_EQ(r->body.find("secret"), std::string::npos) << "exception text leaked to client";
  }
  Result<ClientResponse> after = Send("GET", "127.0.0.1", server->port(), "/ok");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->status, 200);
  EXPECT_EQ(after->body, "fine");
}

TEST(HttpServerTest, RefusesOversizeBodyWith413WithoutReadingItAll) {
  HttpServerOptions options = TestOptions();
  options.limits.max_request_body_bytes = 1024;
  std::atomic<int> handled{0};
  auto server = StartServer(options, [&](const Request&) {
    ++handled;
    return Response::Text(200, "ok");
  });
  UniqueFd fd = RawConnect(server->port());
  // Announce 100 MiB but send only a little: the answer must not wait for the rest.
  std::string head = "PUT /upload HTTP/1.1\r\nHost: h\r\nContent-Length: 104857600\r\n\r\n" +
                     std::string(4096, 'x');
  ASSERT_TRUE(SendAll(fd.get(), head, MonotonicMillis() + 2'000).ok());
  int64_t start = MonotonicMillis();
  std::string out = ReadUntilClose(fd.get(), 3'000);
  EXPECT_LT(MonotonicMillis() - start, 2'000);
  EXPECT_EQ(out.rfind("HTTP/1.1 413 ", 0), 0u) << out;
  EXPECT_NE(out.find("REQUEST_LIMIT_EXCEEDED"), std::string::npos);
  EXPECT_EQ(handled.load(), 0);

  // And through the client, with the body sent in full.
  Result<ClientResponse> r =
      Send("POST", "127.0.0.1", server->port(), "/upload", {}, std::string(2048, 'y'));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 413);
}

TEST(HttpServerTest, ClosesASlowClientAfterTheReadTimeoutWithoutPinningAWorker) {
  HttpServerOptions options = TestOptions();
  options.worker_threads = 1;
  options.read_timeout_millis = 800;
  auto server = StartServer(options, Echo);
  UniqueFd slow = RawConnect(server->port());
  ASSERT_TRUE(
      SendAll(slow.get(), "GET /slow HTTP/1.1\r\nHost: h\r\nX-Half", MonotonicMillis() + 1000)
          .ok());

  // The only worker is free for others while the slow client dawdles.
  int64_t start = MonotonicMillis();
  Result<ClientResponse> fast = Send("GET", "127.0.0.1", server->port(), "/fast");
  ASSERT_TRUE(fast.ok()) << fast.status().ToString();
  EXPECT_EQ(fast->status, 200);
  EXPECT_LT(MonotonicMillis() - start, 600);

  std::string out = ReadUntilClose(slow.get(), 3'000);
  EXPECT_EQ(out.rfind("HTTP/1.1 408 ", 0), 0u) << out;
  EXPECT_GE(MonotonicMillis() - start, 600);
}

TEST(HttpServerTest, ClosesATricklingClientWhenTheHeadersMissTheDeadline) {
  HttpServerOptions options = TestOptions();
  options.read_timeout_millis = 300;
  auto server = StartServer(options, Echo);
  UniqueFd fd = RawConnect(server->port());
  ASSERT_TRUE(SendAll(fd.get(), "GET / HTTP/1.1\r\n", MonotonicMillis() + 1000).ok());
  int64_t start = MonotonicMillis();
  bool closed = false;
  // One header byte every 50 ms keeps the socket busy but must not extend the deadline.
  for (int i = 0; i < 40 && !closed; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    closed = !SendAll(fd.get(), "X", MonotonicMillis() + 1000).ok();
    char c;
    ssize_t n = ::recv(fd.get(), &c, 1, MSG_DONTWAIT | MSG_PEEK);
    if (n >= 0) closed = true;
  }
  EXPECT_TRUE(closed);
  EXPECT_LT(MonotonicMillis() - start, 1'500);
}

TEST(HttpServerTest, ClosesIdleKeepAliveConnections) {
  HttpServerOptions options = TestOptions();
  options.keep_alive_idle_millis = 200;
  auto server = StartServer(options, Echo);
  UniqueFd fd = RawConnect(server->port());
  ASSERT_TRUE(
      SendAll(fd.get(), "GET / HTTP/1.1\r\nHost: h\r\n\r\n", MonotonicMillis() + 1000).ok());
  std::string out = ReadUntil(fd.get(), "\"remote\"");
  EXPECT_NE(out.find("Connection: keep-alive"), std::string::npos);
  int64_t start = MonotonicMillis();
  std::string rest = ReadUntilClose(fd.get(), 3'000);
  EXPECT_TRUE(rest.empty());
  EXPECT_GE(MonotonicMillis() - start, 150);
  EXPECT_LT(MonotonicMillis() - start, 2'000);
}

TEST(HttpServerTest, SendsContinueBeforeTheBodyWhenAsked) {
  auto server = StartServer(TestOptions(), Echo);
  UniqueFd fd = RawConnect(server->port());
  ASSERT_TRUE(SendAll(fd.get(),
                      "POST /e HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                      "Content-Length: 4\r\nConnection: close\r\n\r\n",
                      MonotonicMillis() + 1000)
                  .ok());
  std::string interim = ReadUntil(fd.get(), "\r\n\r\n");
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(SendAll(fd.get(), "data", MonotonicMillis() + 1000).ok());
  std::string out = ReadUntilClose(fd.get());
  EXPECT_EQ(out.rfind("HTTP/1.1 200 ", 0), 0u) << out;
  EXPECT_NE(out.find("\"body\":\"data\""), std::string::npos) << out;
}

TEST(HttpServerTest, AcceptsChunkedRequestBodies) {
  auto server = StartServer(TestOptions(), Echo);
  UniqueFd fd = RawConnect(server->port());
  ASSERT_TRUE(SendAll(fd.get(),
                      "POST /c HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                      "Connection: close\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n",
                      MonotonicMillis() + 1000)
                  .ok());
  std::string out = ReadUntilClose(fd.get());
  EXPECT_NE(out.find("\"body\":\"abcde\""), std::string::npos) << out;
}

TEST(HttpServerTest, AnswersMalformedRequestsWithA400JsonErrorAndCloses) {
  auto server = StartServer(TestOptions(), Echo);
  UniqueFd fd = RawConnect(server->port());
  ASSERT_TRUE(SendAll(fd.get(), "NONSENSE\r\n\r\n", MonotonicMillis() + 1000).ok());
  std::string out = ReadUntilClose(fd.get());
  EXPECT_EQ(out.rfind("HTTP/1.1 400 ", 0), 0u) << out;
  EXPECT_NE(out.find("\"error_code\":\"MALFORMED_REQUEST\""), std::string::npos) << out;
  EXPECT_NE(out.find("Connection: close"), std::string::npos);
}

TEST(HttpServerTest, AnswersHeadWithoutABody) {
  auto server = StartServer(TestOptions(),
                            [](const Request&) { return Response::Text(200, "twelve bytes"); });
  Result<ClientResponse> r = Send("HEAD", "127.0.0.1", server->port(), "/");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->headers.Get("Content-Length"), "12");
  EXPECT_TRUE(r->body.empty());
}

TEST(HttpServerTest, ClosesHttp10ConnectionsAfterOneResponse) {
  auto server = StartServer(TestOptions(), Echo);
  UniqueFd fd = RawConnect(server->port());
  ASSERT_TRUE(SendAll(fd.get(), "GET /old HTTP/1.0\r\n\r\n", MonotonicMillis() + 1000).ok());
  std::string out = ReadUntilClose(fd.get());
  EXPECT_NE(out.find("Connection: close"), std::string::npos) << out;
  EXPECT_NE(out.find("/old"), std::string::npos);
}

TEST(HttpServerTest, AnswersConnectionsBeyondTheLimitWith503) {
  HttpServerOptions options = TestOptions();
  options.max_connections = 1;
  auto server = StartServer(options, Echo);
  UniqueFd first = RawConnect(server->port());
  for (int i = 0; i < 100 && server->open_connections() < 1; ++i) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  UniqueFd second = RawConnect(server->port());
  std::string out = ReadUntilClose(second.get());
  EXPECT_EQ(out.rfind("HTTP/1.1 503 ", 0), 0u) << out;
  EXPECT_NE(out.find("TEMPORARILY_UNAVAILABLE"), std::string::npos);
}

TEST(HttpServerTest, ClientReconnectsWhenTheServerClosedAnIdleKeepAliveConnection) {
  HttpServerOptions options = TestOptions();
  options.keep_alive_idle_millis = 50;
  auto server = StartServer(options, Echo);
  HttpConnection conn("127.0.0.1", server->port());
  ASSERT_TRUE(conn.Send("GET", "/a").ok());
  std::this_thread::sleep_for(milliseconds(300));
  Result<ClientResponse> r = conn.Send("GET", "/b");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, 200);
}

TEST(HttpServerTest, GracefulShutdownFinishesAnInFlightRequestAndRefusesNewConnections) {
  std::atomic<bool> entered{false};
  HttpServerOptions options = TestOptions();
  auto server = StartServer(options, [&](const Request& r) {
    if (r.path == "/slow") {
      entered = true;
      std::this_thread::sleep_for(milliseconds(600));
    }
    return Response::Text(200, "done " + r.path);
  });
  uint16_t port = server->port();
  Result<ClientResponse> slow_result = Status::Internal("not run");
  std::thread slow_client([&] {
    HttpConnection conn("127.0.0.1", port);
    slow_result = conn.Send("GET", "/slow");
  });
  while (!entered) std::this_thread::sleep_for(milliseconds(5));

  int64_t start = MonotonicMillis();
  std::thread stopper([&] { server->Shutdown(); });
  // New connections are refused while the slow request is still running.
  bool refused = false;
  for (int i = 0; i < 100 && !refused; ++i) {
    refused = !ConnectTcp("127.0.0.1", port, MonotonicMillis() + 200).ok();
    if (!refused) std::this_thread::sleep_for(milliseconds(5));
  }
  EXPECT_TRUE(refused);
  EXPECT_LT(MonotonicMillis() - start, 500) << "listener closed only after the slow request";

  slow_client.join();
  stopper.join();
  ASSERT_TRUE(slow_result.ok()) << slow_result.status().ToString();
  EXPECT_EQ(slow_result->status, 200);
  EXPECT_EQ(slow_result->body, "done /slow");
  EXPECT_EQ(slow_result->headers.Get("Connection"), "close");
}

TEST(HttpServerTest, ShutdownClosesIdleKeepAliveConnectionsPromptly) {
  HttpServerOptions options = TestOptions();
  options.keep_alive_idle_millis = 60'000;
  auto server = StartServer(options, Echo);
  HttpConnection conn("127.0.0.1", server->port());
  ASSERT_TRUE(conn.Send("GET", "/").ok());
  EXPECT_EQ(server->open_connections(), 1u);
  int64_t start = MonotonicMillis();
  server->Shutdown();
  EXPECT_LT(MonotonicMillis() - start, 1'000);
  EXPECT_EQ(server->open_connections(), 0u);
}

TEST(HttpServerTest, ShutdownGivesUpOnRequestsThatOutliveTheTimeout) {
  HttpServerOptions options = TestOptions();
  options.shutdown_timeout_millis = 200;
  options.read_timeout_millis = 60'000;
  auto server = StartServer(options, Echo);
  UniqueFd half = RawConnect(server->port());
  ASSERT_TRUE(SendAll(half.get(), "GET / HTTP/1.1\r\n", MonotonicMillis() + 1000).ok());
  std::this_thread::sleep_for(milliseconds(50));
  int64_t start = MonotonicMillis();
  server->Shutdown();
  EXPECT_LT(MonotonicMillis() - start, 2'000);
}

}  // namespace
}  // namespace keel::http
