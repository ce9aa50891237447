// Personal access tokens: storage, expiry, revocation and who may make or revoke them.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "catalog/catalog_service.h"
#include "catalog_test_env.h"

namespace keel::catalog {
namespace {

using testing::CatalogTestEnv;

class TokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.AddUser("alice", {"data-scientists"});
    env_.AddUser("bob", {"ml-engineers"});
  }

  CreatedToken MakeToken(const Principal& caller, const std::string& for_whom,
                         int64_t lifetime_seconds = 0) {
    auto t = env_.svc().CreateToken(caller, for_whom, lifetime_seconds, "test token");
    EXPECT_TRUE(t.ok()) << t.status().ToString();
    return t.ok() ? *t : CreatedToken{};
  }

  ErrorCode AuthCode(const std::string& token) {
    return env_.svc().Authenticate(token).status().code();
  }

  CatalogTestEnv env_;
};

TEST_F(TokenTest, TokensAreStoredOnlyAsHashes) {
  CreatedToken t = MakeToken(env_.admin(), "alice");
  ASSERT_FALSE(t.token_value.empty());
  std::vector<std::string> secrets = {t.token_value, env_.admin_token()};
  int64_t rows = 0;
  ASSERT_TRUE(env_.db()
                  .Read([&](metastore::Transaction& tx) -> Status {
                    KEEL_ASSIGN_OR_RETURN(auto all, tx.Query("SELECT id, principal_id, token_hash, "
                                                             "COALESCE(comment, '') FROM tokens"));
                    for (const auto& row : all) {
                      ++rows;
                      for (size_t col = 0; col < row.size(); ++col) {
                        for (const std::string& secret : secrets) {
                          EXPECT_EQ(row.Text(col).find(secret), std::string::npos)
                              << "column " << col << " holds a token";
                          // Not even the random part without the prefix.
                          EXPECT_EQ(row.Text(col).find(secret.substr(4)), std::string::npos);
                        }
                      }
                    }
                    return Status::OK();
                  })
                  .ok());
  EXPECT_EQ(rows, 2);
  // What is stored and listed is a hash, which does not authenticate.
  EXPECT_NE(t.info.token_hash, t.token_value);
  EXPECT_EQ(AuthCode(t.info.token_hash), ErrorCode::kUnauthenticated);
  auto alice = env_.svc().Authenticate(t.token_value);
  ASSERT_TRUE(alice.ok());
  EXPECT_EQ(alice->name, "alice");
  EXPECT_FALSE(alice->is_admin);
}

TEST_F(TokenTest, EachTokenIsDifferent) {
  CreatedToken a = MakeToken(env_.admin(), "alice");
  CreatedToken b = MakeToken(env_.admin(), "alice");
  EXPECT_NE(a.token_value, b.token_value);
  EXPECT_NE(a.info.id, b.info.id);
  EXPECT_GE(a.token_value.size(), 40u);
}

TEST_F(TokenTest, AnExpiredTokenIsUnauthenticated) {
  CreatedToken t = MakeToken(env_.admin(), "alice", /*lifetime_seconds=*/3600);
  EXPECT_EQ(t.info.expires_at, testing::kStartMillis + 3600 * 1000);
  EXPECT_TRUE(env_.svc().Authenticate(t.token_value).ok());
  env_.clock().Advance(3600 * 1000 - 1);
  EXPECT_TRUE(env_.svc().Authenticate(t.token_value).ok());
  env_.clock().Advance(1);
  EXPECT_EQ(AuthCode(t.token_value), ErrorCode::kUnauthenticated);
  // A token without expiry outlives it.
  EXPECT_TRUE(env_.svc().Authenticate(env_.admin_token()).ok());
}

TEST_F(TokenTest, TokenLifetimesOutsideTheLimitsAreInvalid) {
  EXPECT_EQ(env_.svc().CreateToken(env_.admin(), "alice", -1, "").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(
      env_.svc().CreateToken(env_.admin(), "alice", 11LL * 365 * 24 * 3600, "").status().code(),
      ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(
      env_.svc().CreateToken(env_.admin(), "alice", 0, std::string(2000, 'c')).status().code(),
      ErrorCode::kInvalidParameterValue);
}

TEST_F(TokenTest, ARevokedTokenIsUnauthenticated) {
  Principal alice = env_.As("alice");
  CreatedToken mine = MakeToken(alice, "");
  EXPECT_EQ(mine.info.principal_name, "alice");
  ASSERT_TRUE(env_.svc().Authenticate(mine.token_value).ok());
  ASSERT_TRUE(env_.svc().RevokeToken(alice, mine.info.id).ok());
  EXPECT_EQ(AuthCode(mine.token_value), ErrorCode::kUnauthenticated);
  // Revoking twice is harmless and keeps it revoked.
  EXPECT_TRUE(env_.svc().RevokeToken(alice, mine.info.id).ok());
  EXPECT_EQ(AuthCode(mine.token_value), ErrorCode::kUnauthenticated);
}

TEST_F(TokenTest, AdminsMayRevokeAnyToken) {
  CreatedToken t = MakeToken(env_.As("bob"), "bob");
  ASSERT_TRUE(env_.svc().RevokeToken(env_.admin(), t.info.id).ok());
  EXPECT_EQ(AuthCode(t.token_value), ErrorCode::kUnauthenticated);
}

TEST_F(TokenTest, UnknownEmptyAndOversizedTokensAreUnauthenticated) {
  EXPECT_EQ(AuthCode(""), ErrorCode::kUnauthenticated);
  EXPECT_EQ(AuthCode("keel0000"), ErrorCode::kUnauthenticated);
  EXPECT_EQ(AuthCode(std::string(100000, 'k')), ErrorCode::kUnauthenticated);
  EXPECT_EQ(AuthCode(env_.admin_token() + std::string(1, '\0')), ErrorCode::kUnauthenticated);
  EXPECT_EQ(AuthCode(env_.admin_token().substr(0, env_.admin_token().size() - 1)),
            ErrorCode::kUnauthenticated);
}

TEST_F(TokenTest, NonAdminsCannotCreateTokensForOthers) {
  Principal alice = env_.As("alice");
  EXPECT_EQ(env_.svc().CreateToken(alice, "bob", 0, "").status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(env_.svc().CreateToken(alice, "admin", 0, "").status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(env_.svc().CreateToken(alice, "keel-automation", 0, "").status().code(),
            ErrorCode::kPermissionDenied);
  // Her own name, in any case, is herself.
  auto own = env_.svc().CreateToken(alice, "ALICE", 0, "");
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(env_.svc().Authenticate(own->token_value)->name, "alice");
}

TEST_F(TokenTest, NonAdminsCannotRevokeOrSeeOthersTokens) {
  Principal alice = env_.As("alice");
  Principal bob = env_.As("bob");
  CreatedToken bobs = MakeToken(bob, "");
  EXPECT_EQ(env_.svc().RevokeToken(alice, bobs.info.id).code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_TRUE(env_.svc().Authenticate(bobs.token_value).ok());
  EXPECT_EQ(env_.svc().RevokeToken(alice, "no-such-token").code(),
            ErrorCode::kResourceDoesNotExist);

  EXPECT_EQ(env_.svc().ListTokens(alice, "bob").status().code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(env_.svc().ListTokens(alice, "*").status().code(), ErrorCode::kPermissionDenied);
  auto mine = env_.svc().ListTokens(alice, "");
  ASSERT_TRUE(mine.ok());
  for (const TokenInfo& t : *mine) EXPECT_EQ(t.principal_name, "alice");
  auto all = env_.svc().ListTokens(env_.admin(), "*");
  ASSERT_TRUE(all.ok());
  EXPECT_GT(all->size(), mine->size());
}

TEST_F(TokenTest, GroupsCannotHaveTokens) {
  EXPECT_EQ(env_.svc().CreateToken(env_.admin(), "data-scientists", 0, "").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(env_.Count("tokens"), 1);
}

TEST_F(TokenTest, ServicePrincipalsAuthenticateWithTheirToken) {
  CreatedToken t = MakeToken(env_.admin(), "keel-automation");
  auto p = env_.svc().Authenticate(t.token_value);
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->kind, PrincipalKind::kServicePrincipal);
  EXPECT_FALSE(p->is_admin);
}

TEST_F(TokenTest, TokensOfAnUnknownPrincipalCannotBeCreated) {
  EXPECT_EQ(env_.svc().CreateToken(env_.admin(), "nobody", 0, "").status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(env_.svc().CreateToken(env_.admin(), "../etc", 0, "").status().code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(TokenTest, DeletingAPrincipalInvalidatesItsTokens) {
  CreatedToken t = MakeToken(env_.admin(), "bob");
  ASSERT_TRUE(env_.svc().Authenticate(t.token_value).ok());
  ASSERT_TRUE(env_.svc().DeletePrincipal(env_.admin(), "bob").ok());
  EXPECT_EQ(AuthCode(t.token_value), ErrorCode::kUnauthenticated);
  // A new principal of the same name does not inherit the old token.
  env_.AddUser("bob", {});
  EXPECT_EQ(AuthCode(t.token_value), ErrorCode::kUnauthenticated);
}

TEST_F(TokenTest, AuthenticationReportsTheGroupsOfTheCaller) {
  auto p = env_.svc().Authenticate(MakeToken(env_.admin(), "alice").token_value);
  ASSERT_TRUE(p.ok());
  auto group = env_.svc().GetPrincipal(env_.admin(), "data-scientists");
  ASSERT_TRUE(group.ok());
  EXPECT_NE(std::find(p->identity_ids.begin(), p->identity_ids.end(), group->id),
            p->identity_ids.end());
  EXPECT_NE(std::find(p->identity_ids.begin(), p->identity_ids.end(), p->id),
            p->identity_ids.end());
  EXPECT_EQ(p->identity_ids.size(), 2u);
}

TEST_F(TokenTest, TheInitTokenBelongsToTheAdmin) {
  auto tokens = env_.svc().ListTokens(env_.admin(), "");
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].principal_name, "admin");
  EXPECT_EQ((*tokens)[0].expires_at, 0);
  EXPECT_EQ((*tokens)[0].revoked_at, 0);
}

}  // namespace
}  // namespace keel::catalog
