#include "server/http/request.h"

#include <gtest/gtest.h>

#include "server/http/response.h"

namespace keel::http {
namespace {

TEST(HeadersTest, LooksNamesUpCaseInsensitively) {
  Headers h;
  h.Add("Content-Type", "application/json");
  h.Add("X-Multi", "a");
  h.Add("x-multi", "b");
  EXPECT_EQ(h.Get("content-type"), "application/json");
  EXPECT_EQ(h.GetAll("X-MULTI"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(h.Find("missing"), nullptr);
  h.Set("X-Multi", "c");
  EXPECT_EQ(h.GetAll("x-multi"), (std::vector<std::string>{"c"}));
  EXPECT_EQ(h.Remove("X-MULTI"), 1u);
}

TEST(HeadersTest, FindsTokensInCommaSeparatedLists) {
  Headers h{{"Connection", "keep-alive, Upgrade"}};
  EXPECT_TRUE(h.HasToken("connection", "upgrade"));
  EXPECT_FALSE(h.HasToken("connection", "close"));
}

TEST(PercentDecodeTest, DecodesEscapesAndOptionallyPlus) {
  EXPECT_EQ(PercentDecode("a%20b+c", false).value(), "a b+c");
  EXPECT_EQ(PercentDecode("a%20b+c", true).value(), "a b c");
  EXPECT_EQ(PercentDecode("%e2%9c%93", false).value(), "\xe2\x9c\x93");
}

TEST(PercentDecodeTest, RefusesTruncatedOrInvalidEscapesAndNul) {
  for (std::string_view bad : {"%", "%4", "%zz", "a%0", "%00"}) {
    Result<std::string> r = PercentDecode(bad, false);
    EXPECT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kMalformedRequest) << bad;
  }
}

TEST(PercentEncodeTest, RoundTripsThroughQueryStrings) {
  QueryParams params = {{"filter", "metrics.acc > 0.9 & x=1"}, {"empty", ""}, {"ü", "/"}};
  std::string query = BuildQueryString(params);
  EXPECT_EQ(query.find(' '), std::string::npos);
  EXPECT_EQ(ParseQueryString(query).value(), params);
  EXPECT_EQ(PercentEncode("/a b/", true), "/a%20b/");
}

TEST(RequestTest, DecodesThePathOnRequest) {
  Request r;
  r.path = "/artifacts/a%20file.txt";
  EXPECT_EQ(r.DecodedPath().value(), "/artifacts/a file.txt");
  r.path = "/bad%2";
  EXPECT_FALSE(r.DecodedPath().ok());
}

TEST(ResponseTest, SerialisesJsonWithFramingHeaders) {
  json::Value body = json::Value::MakeObject();
  body.Set("ok", true);
  Response r = Response::Json(201, body);
  r.headers.Add("X-Request-Id", "abc");
  std::string wire = SerializeResponse(r, true, false);
  EXPECT_EQ(wire,
            "HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nX-Request-Id: abc\r\n"
            "Content-Length: 11\r\nConnection: keep-alive\r\n\r\n{\"ok\":true}");
}

TEST(ResponseTest, DropsHeadersThatWouldSplitTheResponse) {
  Response r = Response::Text(200, "x");
  r.headers.Add("X-Evil", "a\r\nSet-Cookie: stolen");
  r.headers.Add("Content-Length", "999");
  std::string wire = SerializeResponse(r, false, false);
  EXPECT_EQ(wire.find("Set-Cookie"), std::string::npos);
  EXPECT_EQ(wire.find("999"), std::string::npos);
  EXPECT_NE(wire.find("Connection: close"), std::string::npos);
}

TEST(ResponseTest, HeadResponsesKeepTheLengthButNotTheBody) {
  std::string wire = SerializeResponse(Response::Text(200, "hello"), true, true);
  EXPECT_NE(wire.find("Content-Length: 5\r\n"), std::string::npos);
  EXPECT_EQ(wire.substr(wire.size() - 4), "\r\n\r\n");
}

TEST(ResponseTest, ErrorBodiesUseTheMlflowShape) {
  Response r = Response::Error(404, "RESOURCE_DOES_NOT_EXIST", "no such run");
  EXPECT_EQ(r.body, R"({"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no such run"})");
  EXPECT_EQ(r.content_type, "application/json");
}

}  // namespace
}  // namespace keel::http
