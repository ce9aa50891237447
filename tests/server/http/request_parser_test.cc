#include "server/http/request_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace keel::http {
namespace {

using State = RequestParser::State;

// Feeds `data` in one piece and returns the state; *consumed gets the bytes consumed.
State FeedAll(RequestParser* parser, std::string_view data, size_t* consumed = nullptr) {
  size_t used = parser->Feed(data);
  if (consumed != nullptr) *consumed = used;
  return parser->state();
}

TEST(RequestParserTest, ParsesASimpleGetWithQuery) {
  RequestParser parser;
  ASSERT_EQ(FeedAll(&parser,
                    "GET /api/2.0/x?a=1&b=hello+world&c=%2F HTTP/1.1\r\n"
                    "Host: localhost\r\nX-Thing:  spaced value \r\n\r\n"),
            State::kComplete);
  const Request& r = parser.request();
  EXPECT_EQ(r.method, "GET");
  EXPECT_EQ(r.target, "/api/2.0/x?a=1&b=hello+world&c=%2F");
  EXPECT_EQ(r.path, "/api/2.0/x");
  EXPECT_EQ(r.query, "a=1&b=hello+world&c=%2F");
  ASSERT_NE(r.QueryParam("b"), nullptr);
  EXPECT_EQ(*r.QueryParam("b"), "hello world");
  EXPECT_EQ(*r.QueryParam("c"), "/");
  EXPECT_EQ(r.headers.Get("x-thing"), "spaced value");
  EXPECT_TRUE(r.keep_alive);
  EXPECT_TRUE(r.body.empty());
}

TEST(RequestParserTest, ParsesAContentLengthBody) {
  RequestParser parser;
  ASSERT_EQ(FeedAll(&parser, "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n\r\nhello"),
            State::kComplete);
  EXPECT_EQ(parser.request().body, "hello");
}

TEST(RequestParserTest, ParsesByteByByteInput) {
  std::string raw =
      "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\nTrailer: x\r\n\r\n";
  RequestParser parser;
  for (size_t i = 0; i < raw.size(); ++i) {
    ASSERT_EQ(parser.state(), State::kNeedMore) << "at byte " << i;
    ASSERT_EQ(parser.Feed(std::string_view(raw).substr(i, 1)), 1u);
  }
  ASSERT_EQ(parser.state(), State::kComplete);
  EXPECT_EQ(parser.request().body, "abcdefg");
}

TEST(RequestParserTest, StopsAtTheEndOfOneRequestSoPipelinedRequestsCanFollow) {
  std::string raw =
      "GET /one HTTP/1.1\r\nHost: h\r\n\r\n"
      "POST /two HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi"
      "GET /three HTTP/1.1\r\nHost: h\r\n\r\n";
  std::string_view rest = raw;
  std::vector<std::string> paths;
  RequestParser parser;
  while (!rest.empty()) {
    size_t used = parser.Feed(rest);
    rest.remove_prefix(used);
    ASSERT_EQ(parser.state(), State::kComplete);
    paths.push_back(parser.request().path);
    parser.Reset();
  }
  EXPECT_EQ(paths, (std::vector<std::string>{"/one", "/two", "/three"}));
}

TEST(RequestParserTest, DecodesChunkedBodies) {
  RequestParser parser;
  ASSERT_EQ(FeedAll(&parser,
                    "PUT /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "A\r\n0123456789\r\n1\r\nX\r\n0\r\n\r\n"),
            State::kComplete);
  EXPECT_EQ(parser.request().body, "0123456789X");
}

TEST(RequestParserTest, RefusesBadChunkFramingWith400) {
  for (std::string_view bad :
       {"zz\r\nab\r\n0\r\n\r\n", "2\r\nabc\r\n0\r\n\r\n", "ffffffffffffffffff\r\n"}) {
    RequestParser parser;
    std::string raw = "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n";
    raw += bad;
    EXPECT_EQ(FeedAll(&parser, raw), State::kError) << bad;
    EXPECT_EQ(parser.error_status(), 400) << bad;
  }
}

TEST(RequestParserTest, RefusesBodyLargerThanLimitWith413BeforeReadingIt) {
  RequestParserOptions options;
  options.max_request_body_bytes = 10;
  RequestParser parser(options);
  EXPECT_EQ(FeedAll(&parser, "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 11\r\n\r\n"),
            State::kError);
  EXPECT_EQ(parser.error_status(), 413);
  EXPECT_NE(parser.error_message().find("limit of 10 bytes"), std::string::npos);
}

TEST(RequestParserTest, RefusesChunkedBodyLargerThanLimitWith413) {
  RequestParserOptions options;
  options.max_request_body_bytes = 10;
  RequestParser parser(options);
  EXPECT_EQ(FeedAll(&parser,
                    "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
                    "6\r\nabcdef\r\n6\r\n"),
            State::kError);
  EXPECT_EQ(parser.error_status(), 413);
}

TEST(RequestParserTest, RefusesHugeContentLengthWithoutOverflow) {
  RequestParser parser;
  EXPECT_EQ(FeedAll(&parser,
                    "POST /p HTTP/1.1\r\nHost: h\r\n"
                    "Content-Length: 99999999999999999999999\r\n\r\n"),
            State::kError);
  EXPECT_EQ(parser.error_status(), 400);
  RequestParser parser2;
  EXPECT_EQ(FeedAll(&parser2,
                    "POST /p HTTP/1.1\r\nHost: h\r\n"
                    "Content-Length: 9999999999999999999\r\n\r\n"),
            State::kError);
  EXPECT_EQ(parser2.error_status(), 413);
}

TEST(RequestParserTest, RefusesLongRequestLineWith414WithoutWaitingForItsEnd) {
  RequestParser parser;
  std::string raw = "GET /" + std::string(RequestParserOptions::kMaxRequestLineBytes, 'a');
  EXPECT_EQ(FeedAll(&parser, raw), State::kError);
  EXPECT_EQ(parser.error_status(), 414);
}

TEST(RequestParserTest, AcceptsARequestLineExactlyAtTheLimit) {
  RequestParserOptions options;
  options.max_request_line_bytes = 32;
  std::string line = "GET /" + std::string(32 - 14, 'a') + " HTTP/1.1";
  ASSERT_EQ(line.size(), 32u);
  RequestParser parser(options);
  EXPECT_EQ(FeedAll(&parser, line + "\r\nHost: h\r\n\r\n"), State::kComplete);
  RequestParser longer(options);
  EXPECT_EQ(FeedAll(&longer, "GET /a" + line.substr(5) + "\r\nHost: h\r\n\r\n"), State::kError);
  EXPECT_EQ(longer.error_status(), 414);
}

TEST(RequestParserTest, RefusesTooManyHeaderBytesWith431) {
  RequestParser parser;
  std::string raw = "GET / HTTP/1.1\r\nHost: h\r\nX-Big: " +
                    std::string(RequestParserOptions::kMaxHeaderBytes, 'x') + "\r\n\r\n";
  EXPECT_EQ(FeedAll(&parser, raw), State::kError);
  EXPECT_EQ(parser.error_status(), 431);
  EXPECT_NE(parser.error_message().find("65536 bytes"), std::string::npos)
      << parser.error_message();
}

TEST(RequestParserTest, CountsEveryHeaderLineAgainstTheHeaderBudget) {
  RequestParserOptions options;
  options.max_header_bytes = 100;
  RequestParser parser(options);
  std::string raw = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (int i = 0; i < 10; ++i) raw += "X-" + std::to_string(i) + ": 0123456789\r\n";
  EXPECT_EQ(FeedAll(&parser, raw + "\r\n"), State::kError);
  EXPECT_EQ(parser.error_status(), 431);
}

TEST(RequestParserTest, RefusesTooManyHeaderFieldsWith431) {
  RequestParser parser;
  std::string raw = "GET / HTTP/1.1\r\nHost: h\r\n";
  for (size_t i = 0; i < RequestParserOptions::kMaxHeaderCount; ++i) {
    raw += "X-" + std::to_string(i) + ": v\r\n";
  }
  raw += "\r\n";
  EXPECT_EQ(FeedAll(&parser, raw), State::kError);
  EXPECT_EQ(parser.error_status(), 431);
}

TEST(RequestParserTest, RefusesUnknownHttpVersionWith505) {
  RequestParser parser;
  EXPECT_EQ(FeedAll(&parser, "GET / HTTP/2.0\r\nHost: h\r\n\r\n"), State::kError);
  EXPECT_EQ(parser.error_status(), 505);
}

TEST(RequestParserTest, RefusesUnknownTransferEncodingWith501) {
  RequestParser parser;
  EXPECT_EQ(
      FeedAll(&parser, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
      State::kError);
  EXPECT_EQ(parser.error_status(), 501);
}

TEST(RequestParserTest, RefusesContentLengthTogetherWithTransferEncodingWith400) {
  RequestParser parser;
  EXPECT_EQ(FeedAll(&parser,
                    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                    "Transfer-Encoding: chunked\r\n\r\n"),
            State::kError);
  EXPECT_EQ(parser.error_status(), 400);
}

TEST(RequestParserTest, RefusesConflictingContentLengthsWith400) {
  RequestParser parser;
  EXPECT_EQ(FeedAll(&parser,
                    "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                    "Content-Length: 4\r\n\r\nabcd"),
            State::kError);
  EXPECT_EQ(parser.error_status(), 400);
}

TEST(RequestParserTest, RefusesMalformedRequestLinesWith400) {
  for (std::string_view bad :
       {"GET\r\n", "GET /\r\n", "GET  / HTTP/1.1\r\n", "GET / HTTP/1.1 extra\r\n",
        "G(T / HTTP/1.1\r\n", "GET nopath HTTP/1.1\r\n", "GET / HTTX/1.1\r\n",
        "GET /a#frag HTTP/1.1\r\n", "GET /?q=%4 HTTP/1.1\r\n", "GET * HTTP/1.1\r\n",
        "GET /\x01 HTTP/1.1\r\n", "GET /\xff HTTP/1.1\r\n"}) {
    RequestParser parser;
    std::string raw(bad);
    raw += "Host: h\r\n\r\n";
    EXPECT_EQ(FeedAll(&parser, raw), State::kError) << bad;
    EXPECT_EQ(parser.error_status(), 400) << bad;
  }
}

TEST(RequestParserTest, RefusesHeaderInjectionAndMalformedHeadersWith400) {
  for (std::string_view bad : {
           "X-A: ok\rInjected: yes\r\n",  // bare CR
           "X-A : v\r\n",                 // space before colon
           "NoColon\r\n",
           " folded: v\r\n",  // obsolete line folding
           "X-A: \x07\r\n",   // control character
       }) {
    RequestParser parser;
    std::string raw = "GET / HTTP/1.1\r\nHost: h\r\n";
    raw += bad;
    raw += "\r\n";
    EXPECT_EQ(FeedAll(&parser, raw), State::kError) << bad;
    EXPECT_EQ(parser.error_status(), 400) << bad;
  }
  RequestParser nul;
  std::string raw = "GET / HTTP/1.1\r\nHost: h\r\nX-A: a";
  raw.push_back('\0');
  raw += "b\r\n\r\n";
  EXPECT_EQ(FeedAll(&nul, raw), State::kError);
  EXPECT_EQ(nul.error_status(), 400);
}

TEST(RequestParserTest, RequiresHostInHttp11ButNotInHttp10) {
  RequestParser v11;
  EXPECT_EQ(FeedAll(&v11, "GET / HTTP/1.1\r\n\r\n"), State::kError);
  EXPECT_EQ(v11.error_status(), 400);
  RequestParser v10;
  EXPECT_EQ(FeedAll(&v10, "GET / HTTP/1.0\r\n\r\n"), State::kComplete);
}

TEST(RequestParserTest, FollowsKeepAliveRulesOfEachVersion) {
  struct Case {
    std::string_view raw;
    bool keep_alive;
  } cases[] = {
      {"GET / HTTP/1.1\r\nHost: h\r\n\r\n", true},
      {"GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", false},
      {"GET / HTTP/1.1\r\nHost: h\r\nConnection: Upgrade, CLOSE\r\n\r\n", false},
      {"GET / HTTP/1.0\r\n\r\n", false},
      {"GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", true},
  };
  for (const Case& c : cases) {
    RequestParser parser;
    ASSERT_EQ(FeedAll(&parser, c.raw), State::kComplete) << c.raw;
    EXPECT_EQ(parser.request().keep_alive, c.keep_alive) << c.raw;
  }
}

TEST(RequestParserTest, ReportsExpectContinueUntilTheBodyStarts) {
  RequestParser parser;
  ASSERT_EQ(FeedAll(&parser,
                    "PUT /p HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
                    "Content-Length: 3\r\n\r\n"),
            State::kNeedMore);
  EXPECT_TRUE(parser.headers_complete());
  EXPECT_TRUE(parser.expects_continue());
  parser.set_continue_sent();
  EXPECT_FALSE(parser.expects_continue());
  EXPECT_EQ(FeedAll(&parser, "abc"), State::kComplete);
  EXPECT_EQ(parser.request().body, "abc");
}

TEST(RequestParserTest, AcceptsAbsoluteFormTargetsAndOptionsStar) {
  RequestParser absolute;
  ASSERT_EQ(FeedAll(&absolute, "GET http://example.com:8080/a/b?x=1 HTTP/1.1\r\nHost: h\r\n\r\n"),
            State::kComplete);
  EXPECT_EQ(absolute.request().path, "/a/b");
  EXPECT_EQ(*absolute.request().QueryParam("x"), "1");
  RequestParser star;
  ASSERT_EQ(FeedAll(&star, "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n"), State::kComplete);
  EXPECT_EQ(star.request().path, "*");
}

TEST(RequestParserTest, IgnoresBlankLinesBeforeTheRequestLineButNotForever) {
  RequestParser parser;
  EXPECT_EQ(FeedAll(&parser, "\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), State::kComplete);
  RequestParser flood;
  std::string raw;
  for (int i = 0; i < 10000; ++i) raw += "\r\n";
  EXPECT_EQ(FeedAll(&flood, raw), State::kError);
  EXPECT_EQ(flood.error_status(), 400);
}

TEST(RequestParserTest, ConsumesNothingAfterAnError) {
  RequestParser parser;
  ASSERT_EQ(FeedAll(&parser, "GET / HTTP/9.9\r\n"), State::kError);
  EXPECT_EQ(parser.Feed("Host: h\r\n\r\n"), 0u);
  parser.Reset();
  EXPECT_EQ(FeedAll(&parser, "GET / HTTP/1.1\r\nHost: h\r\n\r\n"), State::kComplete);
}

TEST(RequestParserTest, KeepsThePathRawSoTheRouterDecidesAboutItsEscapes) {
  RequestParser parser;
  ASSERT_EQ(FeedAll(&parser, "GET /a%2Fb/%00 HTTP/1.1\r\nHost: h\r\n\r\n"), State::kComplete);
  EXPECT_EQ(parser.request().path, "/a%2Fb/%00");
  EXPECT_FALSE(parser.request().DecodedPath().ok());
}

TEST(RequestParserTest, AcceptsBareLfLineEndings) {
  RequestParser parser;
  EXPECT_EQ(FeedAll(&parser, "GET /x HTTP/1.1\nHost: h\n\n"), State::kComplete);
  EXPECT_EQ(parser.request().path, "/x");
}

}  // namespace
}  // namespace keel::http
