// Streamed request bodies (spooled to disk through a BodySink) and streamed response bodies
// (RandomAccessFile sent in chunks): large transfers with bounded memory.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/fs/file_system.h"
#include "common/sha256.h"
#include "server/http/body_sink.h"
#include "server/http/http_client.h"
#include "server/http/request_parser.h"
#include "server/http/server.h"
#include "testutil/temp_dir.h"

namespace keel::http {
namespace {

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

size_t FilesIn(const std::string& dir) {
  size_t n = 0;
  for ([[maybe_unused]] auto& e : std::filesystem::directory_iterator(dir)) ++n;
  return n;
}

RequestParserOptions SpoolingOptions(const std::string& dir, size_t memory_limit,
                                     uint64_t streamed_limit) {
  RequestParserOptions o;
  o.max_request_body_bytes = memory_limit;
  o.max_streamed_body_bytes = streamed_limit;
  o.body_sink_factory = [dir](const Request& head) -> Result<std::unique_ptr<BodySink>> {
    if (head.path != "/big") return std::unique_ptr<BodySink>();
    KEEL_ASSIGN_OR_RETURN(auto sink, FileBodySink::Create(dir));
    return std::unique_ptr<BodySink>(std::move(sink));
  };
  return o;
}

TEST(StreamingBodyTest, ParserSpoolsLargeBodiesPastTheMemoryLimit) {
  testutil::TempDir dir;
  RequestParser parser(SpoolingOptions(dir.path(), 1024, 1 << 20));
  std::string body(300 * 1000, 'x');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>('a' + i % 26);
  std::string wire = "PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: " +
                     std::to_string(body.size()) + "\r\n\r\n" + body;
  // Fed in small pieces, as bytes arrive from a socket.
  for (size_t pos = 0; pos < wire.size(); pos += 4093) {
    parser.Feed(std::string_view(wire).substr(pos, 4093));
  }
  ASSERT_EQ(parser.state(), RequestParser::State::kComplete) << parser.error_message();
  Request r = parser.TakeRequest();
  EXPECT_TRUE(r.body.empty());
  ASSERT_FALSE(r.body_file.empty());
  EXPECT_EQ(Slurp(r.body_file), body);
}

TEST(StreamingBodyTest, ChunkedBodiesStreamAndLimitsStillHold) {
  testutil::TempDir dir;
  RequestParser parser(SpoolingOptions(dir.path(), 16, 100));
  parser.Feed("POST /big HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
              "1e\r\n012345678901234567890123456789\r\n0\r\n\r\n");
  ASSERT_EQ(parser.state(), RequestParser::State::kComplete) << parser.error_message();
  EXPECT_EQ(Slurp(parser.request().body_file), "012345678901234567890123456789");

  // Past the streamed limit: 413, and the half-written spool file is removed.
  RequestParser over(SpoolingOptions(dir.path(), 16, 100));
  over.Feed("POST /big HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
            "50\r\n" + std::string(80, 'y') + "\r\n50\r\n");
  EXPECT_EQ(over.state(), RequestParser::State::kError);
  EXPECT_EQ(over.error_status(), 413);
  RequestParser declared(SpoolingOptions(dir.path(), 16, 100));
  declared.Feed("PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: 101\r\n\r\n");
  EXPECT_EQ(declared.error_status(), 413);
  // Other paths keep the in-memory limit.
  RequestParser small(SpoolingOptions(dir.path(), 16, 100));
  small.Feed("PUT /small HTTP/1.1\r\nHost: h\r\nContent-Length: 17\r\n\r\n");
  EXPECT_EQ(small.error_status(), 413);
  EXPECT_EQ(FilesIn(dir.path()), 1u);  // only the finished chunked body
}

TEST(StreamingBodyTest, AbandonedRequestsLeaveNoSpoolFile) {
  testutil::TempDir dir;
  {
    RequestParser parser(SpoolingOptions(dir.path(), 16, 1000));
    parser.Feed("PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: 500\r\n\r\nhalf");
    EXPECT_EQ(parser.state(), RequestParser::State::kNeedMore);
    EXPECT_EQ(FilesIn(dir.path()), 1u);
    parser.Reset();
    EXPECT_EQ(FilesIn(dir.path()), 0u);
    parser.Feed("PUT /big HTTP/1.1\r\nHost: h\r\nContent-Length: 500\r\n\r\nhalf");
  }  // destroyed mid-body (connection dropped)
  EXPECT_EQ(FilesIn(dir.path()), 0u);
}

TEST(StreamingBodyTest, ServerStreamsUploadsAndDownloadsOfManyMegabytes) {
  testutil::TempDir dir;
  std::string spool = dir.Join("spool");
  std::filesystem::create_directories(spool);
  std::string stored = dir.Join("stored.bin");
  HttpServerOptions options;
  options.worker_threads = 2;
  options.log_requests = false;
  options.limits = SpoolingOptions(spool, 1 << 20, uint64_t{1} << 30);
  HttpServer server(options, [&](const Request& r) -> Response {
    if (r.method == "PUT") {
      if (r.body_file.empty()) return Response::Text(400, "not streamed");
      std::filesystem::rename(r.body_file, stored);  // keep it: the server removes leftovers
      return Response::Text(200, "ok");
    }
    auto file = FileSystem::Default()->OpenForRead(stored);
    if (!file.ok()) return Response::Text(404, "none");
    Response out;
    out.content_type = "application/octet-stream";
    out.body_stream = std::move(*file);
    return out;
  });
  ASSERT_TRUE(server.Start().ok());
  // 24 MiB: 24 times the in-memory limit.
  std::string body(24u << 20, '\0');
  for (size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>((i * 2654435761u) >> 24);
  auto put = Send("PUT", "127.0.0.1", server.port(), "/big", {}, body);
  ASSERT_TRUE(put.ok()) << put.status().ToString();
  EXPECT_EQ(put->status, 200) << put->body;
  EXPECT_EQ(FilesIn(spool), 0u);
  auto get = Send("GET", "127.0.0.1", server.port(), "/big");
  ASSERT_TRUE(get.ok()) << get.status().ToString();
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body.size(), body.size());
  EXPECT_TRUE(get->body == body);
  // A body the handler does not keep is removed after the response.
  HttpServer dropper(options, [](const Request&) { return Response::Text(200, "dropped"); });
  ASSERT_TRUE(dropper.Start().ok());
  ASSERT_EQ(Send("PUT", "127.0.0.1", dropper.port(), "/big", {}, std::string(3 << 20, 'z'))
                ->status,
            200);
  EXPECT_EQ(FilesIn(spool), 0u);
  dropper.Shutdown();
  server.Shutdown();
}

}  // namespace
}  // namespace keel::http
