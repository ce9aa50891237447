#include <gtest/gtest.h>

#include "common/error_code.h"
#include "common/result.h"
#include "common/sha256.h"
#include "common/status.h"

namespace keel {
namespace {

TEST(ErrorCodeTest, EveryCodeMapsToTheMlflowStatusAndName) {
  struct Row {
    ErrorCode code;
    int http;
    const char* name;
  } rows[] = {
      {ErrorCode::kInvalidParameterValue, 400, "INVALID_PARAMETER_VALUE"},
      {ErrorCode::kResourceAlreadyExists, 400, "RESOURCE_ALREADY_EXISTS"},
      {ErrorCode::kResourceDoesNotExist, 404, "RESOURCE_DOES_NOT_EXIST"},
      {ErrorCode::kPermissionDenied, 403, "PERMISSION_DENIED"},
      {ErrorCode::kUnauthenticated, 401, "UNAUTHENTICATED"},
      {ErrorCode::kResourceConflict, 409, "RESOURCE_CONFLICT"},
      {ErrorCode::kRequestLimitExceeded, 429, "REQUEST_LIMIT_EXCEEDED"},
      {ErrorCode::kNotImplemented, 501, "NOT_IMPLEMENTED"},
      {ErrorCode::kTemporarilyUnavailable, 503, "TEMPORARILY_UNAVAILABLE"},
      {ErrorCode::kInternalError, 500, "INTERNAL_ERROR"},
  };
  for (const Row& r : rows) {
    EXPECT_EQ(ErrorCodeHttpStatus(r.code), r.http) << r.name;
    EXPECT_EQ(ErrorCodeName(r.code), r.name);
    ErrorCode back;
    ASSERT_TRUE(ErrorCodeFromName(r.name, &back));
    EXPECT_EQ(back, r.code);
  }
}

TEST(StatusTest, OkIsFreeAndErrorsCarryCodeAndMessage) {
  Status ok;
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.ToString(), "OK");
  Status s = Status::NotFound("catalog 'x' not found");
  EXPECT_EQ(s.code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(s.ToString(), "RESOURCE_DOES_NOT_EXIST: catalog 'x' not found");
  Status copy = s;
  EXPECT_EQ(copy.message(), s.message());
  EXPECT_EQ(s.WithContext("reading").message(), "reading: catalog 'x' not found");
}

Result<int> Half(int x) {
  if (x % 2) return Status::InvalidArgument("odd");
  return x / 2;
}

Result<int> Quarter(int x) {
  KEEL_ASSIGN_OR_RETURN(int h, Half(x));
  return Half(h);
}

TEST(ResultTest, AssignOrReturnPropagatesTheFirstError) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_EQ(Quarter(6).status().code(), ErrorCode::kInvalidParameterValue);
}

TEST(Sha256Test, MatchesFipsVectors) {
  EXPECT_EQ(Sha256::HexDigest(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256::HexDigest("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256::HexDigest(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace keel

#include "common/base64.h"

namespace keel {
namespace {

TEST(Base64Test, RoundTripsAndRefusesGarbage) {
  for (std::string s : {std::string(""), std::string("f"), std::string("fo"), std::string("foo"),
                        std::string("foob"), std::string("fooba"), std::string("foobar"),
                        std::string("\0\xff", 2)}) {
    auto back = Base64Decode(Base64Encode(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_FALSE(Base64Decode("Zm9v!").ok());
  EXPECT_FALSE(Base64Decode("Z").ok());
}

}  // namespace
}  // namespace keel
