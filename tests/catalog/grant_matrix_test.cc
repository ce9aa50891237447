// The acceptance test of the seed grants (DESIGN.md §1): for every privilege and securable level,
// the data scientist, the ML engineer and the automation principal get exactly the access the
// Unity Catalog rules give. Expectations are written out by hand, not computed.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog/catalog_service.h"
#include "catalog_test_env.h"

namespace keel::catalog {
namespace {

using testing::CatalogTestEnv;

constexpr const char* kCatalogs[] = {"dev", "staging", "prod"};

// Operations of the matrix, in the column order of the expectation strings below.
enum Op {
  kBrowseCatalog,
  kCreateSchema,
  kCreateTable,
  kCreateModel,
  kCreateVolume,
  kCreateFunction,
  kSelectTable,
  kModifyTable,
  kExecuteModel,
  kExecuteFunction,
  kReadVolume,
  kWriteVolume,
  kTagTable,
  kManageTable,
  kBrowseTable,
  kOpCount,
};

constexpr const char* kOpNames[kOpCount] = {
    "browse catalog",  "create schema",  "create table", "create model", "create volume",
    "create function", "SELECT t",       "MODIFY t",     "EXECUTE m",    "EXECUTE f",
    "READ_VOLUME v",   "WRITE_VOLUME v", "tag t",        "manage t",     "browse t"};

struct Expectation {
  const char* principal;
  const char* catalog;
  // One character per Op: 'Y' allowed, '-' PERMISSION_DENIED.
  const char* allowed;
};

// clang-format off
//                                  browse cat
//                                  |create schema
//                                  ||create table/model/volume/function
//                                  ||||||SELECT t, MODIFY t
//                                  ||||||||EXECUTE m, EXECUTE f
//                                  ||||||||||READ_VOLUME v, WRITE_VOLUME v
//                                  ||||||||||||tag t, manage t, browse t
const Expectation kMatrix[] = {
    {"alice",           "dev",     "YYYYYYYYYYYYYYY"},
    {"alice",           "staging", "Y-------------Y"},
    {"alice",           "prod",    "Y-----Y-YYY---Y"},
    {"bob",             "dev",     "YYYYYYYYYYYYYYY"},
    {"bob",             "staging", "Y-----Y-YYY---Y"},
    {"bob",             "prod",    "Y-----Y-YYY---Y"},
    {"keel-automation", "dev",     "---------------"},
    {"keel-automation", "staging", "YYYYYYYYYYYYY-Y"},
    {"keel-automation", "prod",    "YYYYYYYYYYYYY-Y"},
};
// clang-format on

class GrantMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    env_.AddUser("alice", {"data-scientists"});
    env_.AddUser("bob", {"ml-engineers"});
    env_.AddUser("zed", {});  // a bystander that "manage" grants to
    for (const char* cat : kCatalogs) {
      std::string sch = std::string(cat) + ".default";
      ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kTable, sch, "t").ok());
      ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kVolume, sch, "v").ok());
      ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kRegisteredModel, sch, "m").ok());
      ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kFunction, sch, "f").ok());
    }
  }

  // Runs one operation as `who` on catalog `cat`. Object names made by create operations are
  // unique per (principal, catalog) so that no operation depends on another's outcome.
  Status Run(const Principal& who, const std::string& cat, Op op) {
    CatalogService& svc = env_.svc();
    std::string sch = cat + ".default";
    std::string t = sch + ".t";
    std::string suffix = "by_" + who.name;
    switch (op) {
      case kBrowseCatalog:
        return svc.GetSecurable(who, SecurableType::kCatalog, cat).status();
      case kCreateSchema:
        return env_.Create(who, SecurableType::kSchema, cat, "s_" + suffix);
      case kCreateTable:
        return env_.Create(who, SecurableType::kTable, sch, "t_" + suffix);
      case kCreateModel:
        return env_.Create(who, SecurableType::kRegisteredModel, sch, "m_" + suffix);
      case kCreateVolume:
        return env_.Create(who, SecurableType::kVolume, sch, "v_" + suffix);
      case kCreateFunction:
        return env_.Create(who, SecurableType::kFunction, sch, "f_" + suffix);
      case kSelectTable:
        return svc.AuthorizeDataAccess(who, SecurableType::kTable, t, Privilege::kSelect).status();
      case kModifyTable:
        return svc.AuthorizeDataAccess(who, SecurableType::kTable, t, Privilege::kModify).status();
      case kExecuteModel:
        return svc
            .AuthorizeDataAccess(who, SecurableType::kRegisteredModel, sch + ".m",
                                 Privilege::kExecute)
            .status();
      case kExecuteFunction:
        return svc
            .AuthorizeDataAccess(who, SecurableType::kFunction, sch + ".f", Privilege::kExecute)
            .status();
      case kReadVolume:
        return svc
            .AuthorizeDataAccess(who, SecurableType::kVolume, sch + ".v", Privilege::kReadVolume)
            .status();
      case kWriteVolume:
        return svc
            .AuthorizeDataAccess(who, SecurableType::kVolume, sch + ".v", Privilege::kWriteVolume)
            .status();
      case kTagTable:
        return svc.SetTag(who, SecurableType::kTable, t, "owner-team", suffix);
      case kManageTable:
        return svc
            .UpdatePermissions(who, SecurableType::kTable, t,
                               {PermissionsChange{"zed", {Privilege::kSelect}, {}}})
            .status();
      case kBrowseTable:
        return svc.GetSecurable(who, SecurableType::kTable, t).status();
      case kOpCount:
        break;
    }
    return Status::Internal("unknown op");
  }

  // Whether `who` may select `table` (OK) or is refused (PERMISSION_DENIED); other errors fail.
  bool CanSelect(const Principal& who, const std::string& table) {
    Status s = env_.svc()
                   .AuthorizeDataAccess(who, SecurableType::kTable, table, Privilege::kSelect)
                   .status();
    EXPECT_TRUE(s.ok() || s.code() == ErrorCode::kPermissionDenied) << s.ToString();
    return s.ok();
  }

  bool CanManage(const Principal& who, SecurableType type, const std::string& name) {
    Status s = env_.svc()
                   .UpdatePermissions(who, type, name,
                                      {PermissionsChange{"zed", {Privilege::kApplyTag}, {}}})
                   .status();
    EXPECT_TRUE(s.ok() || s.code() == ErrorCode::kPermissionDenied) << s.ToString();
    return s.ok();
  }

  std::vector<std::string> VisibleCatalogs(const Principal& who) {
    auto list = env_.svc().ListSecurables(who, SecurableType::kCatalog, "");
    EXPECT_TRUE(list.ok()) << list.status().ToString();
    std::vector<std::string> names;
    if (list.ok()) {
      for (const auto& c : *list) names.push_back(c.full_name);
    }
    return names;
  }

  CatalogTestEnv env_;
};

TEST_F(GrantMatrixTest, EachPersonaGetsExactlyTheAccessTheSeedGrantsGive) {
  for (const Expectation& e : kMatrix) {
    ASSERT_EQ(std::string(e.allowed).size(), static_cast<size_t>(kOpCount));
    Principal who = env_.As(e.principal);
    for (int op = 0; op < kOpCount; ++op) {
      Status s = Run(who, e.catalog, static_cast<Op>(op));
      bool expect_allowed = e.allowed[op] == 'Y';
      if (expect_allowed) {
        EXPECT_TRUE(s.ok()) << e.principal << " should be allowed to " << kOpNames[op] << " in "
                            << e.catalog << ": " << s.ToString();
      } else {
        EXPECT_EQ(s.code(), ErrorCode::kPermissionDenied)
            << e.principal << " should be denied " << kOpNames[op] << " in " << e.catalog << ": "
            << s.ToString();
      }
    }
  }
}

TEST_F(GrantMatrixTest, EachPersonaListsOnlyTheCatalogsItMayBrowse) {
  using V = std::vector<std::string>;
  EXPECT_EQ(VisibleCatalogs(env_.As("alice")), (V{"dev", "prod", "staging"}));
  EXPECT_EQ(VisibleCatalogs(env_.As("bob")), (V{"dev", "prod", "staging"}));
  EXPECT_EQ(VisibleCatalogs(env_.As("keel-automation")), (V{"prod", "staging"}));
  EXPECT_EQ(VisibleCatalogs(env_.As("zed")), V{});
  EXPECT_EQ(VisibleCatalogs(env_.admin()), (V{"dev", "prod", "staging"}));
}

TEST_F(GrantMatrixTest, AdminCanDoEverythingEverywhere) {
  for (const char* cat : kCatalogs) {
    for (int op = 0; op < kOpCount; ++op) {
      Status s = Run(env_.admin(), cat, static_cast<Op>(op));
      EXPECT_TRUE(s.ok()) << "admin: " << kOpNames[op] << " in " << cat << ": " << s.ToString();
    }
  }
  EXPECT_TRUE(env_.Create(env_.admin(), SecurableType::kCatalog, "", "sandbox").ok());
  EXPECT_TRUE(env_.svc().DeleteSecurable(env_.admin(), SecurableType::kCatalog, "prod", true).ok());
}

TEST_F(GrantMatrixTest, AutomationOwnsTheTableItCreatesInProdAndAliceCannotManageIt) {
  Principal automation = env_.As("keel-automation");
  Principal alice = env_.As("alice");
  ASSERT_TRUE(env_.Create(automation, SecurableType::kTable, "prod.default", "features").ok());
  auto info = env_.svc().GetSecurable(automation, SecurableType::kTable, "prod.default.features");
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->owner, "keel-automation");

  EXPECT_TRUE(CanManage(automation, SecurableType::kTable, "prod.default.features"));
  EXPECT_FALSE(CanManage(alice, SecurableType::kTable, "prod.default.features"));
  // Alice still reads it through the catalog-level read-only grant.
  EXPECT_TRUE(CanSelect(alice, "prod.default.features"));
  EXPECT_EQ(env_.svc()
                .DeleteSecurable(alice, SecurableType::kTable, "prod.default.features", false)
                .code(),
            ErrorCode::kPermissionDenied);
  EXPECT_TRUE(
      env_.svc()
          .DeleteSecurable(automation, SecurableType::kTable, "prod.default.features", false)
          .ok());
}

TEST_F(GrantMatrixTest, PrivilegesOnASchemaApplyToTablesCreatedLater) {
  Principal zed = env_.As("zed");
  env_.Grant(SecurableType::kCatalog, "staging", "zed", {Privilege::kUseCatalog});
  env_.Grant(SecurableType::kSchema, "staging.default", "zed",
             {Privilege::kUseSchema, Privilege::kSelect});
  ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kTable, "staging.default", "later").ok());
  EXPECT_TRUE(CanSelect(zed, "staging.default.later"));
  EXPECT_TRUE(CanSelect(zed, "staging.default.t"));
  // The schema grant does not reach other schemas of the catalog.
  ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kSchema, "staging", "other").ok());
  ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kTable, "staging.other", "t").ok());
  EXPECT_FALSE(CanSelect(zed, "staging.other.t"));
}

TEST_F(GrantMatrixTest, RevokedPrivilegeStopsApplyingAtOnce) {
  Principal zed = env_.As("zed");
  env_.Grant(SecurableType::kCatalog, "staging", "zed",
             {Privilege::kUseCatalog, Privilege::kUseSchema});
  env_.Grant(SecurableType::kTable, "staging.default.t", "zed", {Privilege::kSelect});
  EXPECT_TRUE(CanSelect(zed, "staging.default.t"));
  env_.Grant(SecurableType::kTable, "staging.default.t", "zed", {Privilege::kSelect},
             /*revoke=*/true);
  EXPECT_FALSE(CanSelect(zed, "staging.default.t"));

  // Revoking a container privilege cuts access to everything below it.
  env_.Grant(SecurableType::kTable, "staging.default.t", "zed", {Privilege::kSelect});
  EXPECT_TRUE(CanSelect(zed, "staging.default.t"));
  env_.Grant(SecurableType::kCatalog, "staging", "zed", {Privilege::kUseCatalog}, true);
  EXPECT_FALSE(CanSelect(zed, "staging.default.t"));
}

TEST_F(GrantMatrixTest, GroupGrantsApplyToMembersOfNestedGroups) {
  // nlp-team is a member of data-scientists; dana is a member of nlp-team only.
  auto group = env_.svc().CreatePrincipal(env_.admin(), PrincipalKind::kGroup, "nlp-team",
                                          {"data-scientists"});
  ASSERT_TRUE(group.ok()) << group.status().ToString();
  env_.AddUser("dana", {"nlp-team"});
  Principal dana = env_.As("dana");
  EXPECT_TRUE(CanSelect(dana, "prod.default.t"));
  EXPECT_EQ(
      env_.svc()
          .AuthorizeDataAccess(dana, SecurableType::kTable, "prod.default.t", Privilege::kModify)
          .status()
          .code(),
      ErrorCode::kPermissionDenied);
  EXPECT_TRUE(env_.Create(dana, SecurableType::kTable, "dev.default", "dana_t").ok());

  // A grant to the nested group itself also applies.
  env_.Grant(SecurableType::kTable, "prod.default.t", "nlp-team", {Privilege::kModify});
  EXPECT_TRUE(env_.svc()
                  .AuthorizeDataAccess(env_.As("dana"), SecurableType::kTable, "prod.default.t",
                                       Privilege::kModify)
                  .ok());

  // Leaving the outer group removes what it gave.
  ASSERT_TRUE(env_.svc().RemoveGroupMember(env_.admin(), "data-scientists", "nlp-team").ok());
  Principal dana_after = env_.As("dana");
  EXPECT_FALSE(CanSelect(dana_after, "prod.default.t"));
  EXPECT_EQ(env_.Create(dana_after, SecurableType::kTable, "dev.default", "dana_t2").code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(GrantMatrixTest, AllPrivilegesDoesNotIncludeManage) {
  Principal zed = env_.As("zed");
  env_.Grant(SecurableType::kCatalog, "staging", "zed", {Privilege::kAllPrivileges});
  EXPECT_TRUE(CanSelect(zed, "staging.default.t"));
  EXPECT_TRUE(
      env_.svc()
          .AuthorizeDataAccess(zed, SecurableType::kTable, "staging.default.t", Privilege::kModify)
          .ok());
  EXPECT_FALSE(CanManage(zed, SecurableType::kTable, "staging.default.t"));
  EXPECT_FALSE(CanManage(zed, SecurableType::kCatalog, "staging"));
  EXPECT_EQ(
      env_.svc().DeleteSecurable(zed, SecurableType::kTable, "staging.default.t", false).code(),
      ErrorCode::kPermissionDenied);

  env_.Grant(SecurableType::kCatalog, "staging", "zed", {Privilege::kManage});
  EXPECT_TRUE(CanManage(zed, SecurableType::kTable, "staging.default.t"));
  EXPECT_TRUE(CanManage(zed, SecurableType::kCatalog, "staging"));
}

TEST_F(GrantMatrixTest, UseCatalogAndUseSchemaAloneDoNotGiveSelect) {
  Principal zed = env_.As("zed");
  env_.Grant(SecurableType::kCatalog, "staging", "zed", {Privilege::kUseCatalog});
  EXPECT_FALSE(CanSelect(zed, "staging.default.t"));
  env_.Grant(SecurableType::kCatalog, "staging", "zed", {Privilege::kUseSchema});
  EXPECT_FALSE(CanSelect(zed, "staging.default.t"));
  env_.Grant(SecurableType::kTable, "staging.default.t", "zed", {Privilege::kSelect});
  EXPECT_TRUE(CanSelect(zed, "staging.default.t"));
}

TEST_F(GrantMatrixTest, UseCatalogAndUseSchemaAloneDoNotRevealTables) {
  Principal zed = env_.As("zed");
  env_.Grant(SecurableType::kCatalog, "staging", "zed",
             {Privilege::kUseCatalog, Privilege::kUseSchema});
  EXPECT_TRUE(env_.svc().GetSecurable(zed, SecurableType::kCatalog, "staging").ok());
  EXPECT_TRUE(env_.svc().GetSecurable(zed, SecurableType::kSchema, "staging.default").ok());
  EXPECT_EQ(
      env_.svc().GetSecurable(zed, SecurableType::kTable, "staging.default.t").status().code(),
      ErrorCode::kPermissionDenied);
  auto tables = env_.svc().ListSecurables(zed, SecurableType::kTable, "staging.default");
  ASSERT_TRUE(tables.ok()) << tables.status().ToString();
  EXPECT_TRUE(tables->empty());

  env_.Grant(SecurableType::kTable, "staging.default.t", "zed", {Privilege::kSelect});
  tables = env_.svc().ListSecurables(zed, SecurableType::kTable, "staging.default");
  ASSERT_TRUE(tables.ok());
  ASSERT_EQ(tables->size(), 1u);
  EXPECT_EQ((*tables)[0].full_name, "staging.default.t");
}

TEST_F(GrantMatrixTest, SelectWithoutUseSchemaIsDenied) {
  Principal zed = env_.As("zed");
  env_.Grant(SecurableType::kCatalog, "staging", "zed", {Privilege::kUseCatalog});
  env_.Grant(SecurableType::kTable, "staging.default.t", "zed", {Privilege::kSelect});
  Status s =
      env_.svc()
          .AuthorizeDataAccess(zed, SecurableType::kTable, "staging.default.t", Privilege::kSelect)
          .status();
  EXPECT_EQ(s.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(s.message().find("USE_SCHEMA"), std::string::npos) << s.message();
  env_.Grant(SecurableType::kSchema, "staging.default", "zed", {Privilege::kUseSchema});
  EXPECT_TRUE(CanSelect(zed, "staging.default.t"));
}

TEST_F(GrantMatrixTest, SelectWithoutUseCatalogIsDenied) {
  Principal zed = env_.As("zed");
  env_.Grant(SecurableType::kSchema, "staging.default", "zed",
             {Privilege::kUseSchema, Privilege::kSelect});
  Status s =
      env_.svc()
          .AuthorizeDataAccess(zed, SecurableType::kTable, "staging.default.t", Privilege::kSelect)
          .status();
  EXPECT_EQ(s.code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(s.message().find("USE_CATALOG"), std::string::npos) << s.message();
}

TEST_F(GrantMatrixTest, ParentOwnerCanManageAChildItDoesNotOwn) {
  Principal automation = env_.As("keel-automation");
  ASSERT_TRUE(env_.Create(automation, SecurableType::kSchema, "staging", "pipelines").ok());
  ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kTable, "staging.pipelines", "admins").ok());
  auto t = env_.svc().GetSecurable(env_.admin(), SecurableType::kTable, "staging.pipelines.admins");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->owner, "admin");

  EXPECT_TRUE(CanManage(automation, SecurableType::kTable, "staging.pipelines.admins"));
  UpdateSecurableRequest req;
  req.comment = "managed by the schema owner";
  EXPECT_TRUE(
      env_.svc()
          .UpdateSecurable(automation, SecurableType::kTable, "staging.pipelines.admins", req)
          .ok());
  // Bob reads staging but owns nothing there.
  EXPECT_FALSE(CanManage(env_.As("bob"), SecurableType::kTable, "staging.pipelines.admins"));
  EXPECT_TRUE(
      env_.svc()
          .DeleteSecurable(automation, SecurableType::kTable, "staging.pipelines.admins", false)
          .ok());
}

TEST_F(GrantMatrixTest, OwnershipOfACatalogDoesNotGiveDataAccessToItsTables) {
  env_.AddUser("olga", {});
  UpdateSecurableRequest req;
  req.owner = "olga";
  ASSERT_TRUE(
      env_.svc().UpdateSecurable(env_.admin(), SecurableType::kCatalog, "staging", req).ok());
  Principal olga = env_.As("olga");
  // She owns the catalog: she may see and manage everything in it, but reading data needs a
  // grant (which she may give herself).
  EXPECT_TRUE(env_.svc().GetSecurable(olga, SecurableType::kTable, "staging.default.t").ok());
  EXPECT_FALSE(CanSelect(olga, "staging.default.t"));
  EXPECT_TRUE(env_.svc()
                  .UpdatePermissions(
                      olga, SecurableType::kSchema, "staging.default",
                      {PermissionsChange{"olga", {Privilege::kUseSchema, Privilege::kSelect}, {}}})
                  .ok());
  EXPECT_TRUE(CanSelect(olga, "staging.default.t"));
}

TEST_F(GrantMatrixTest, GrantsToAUserDoNotLeakToItsGroupsOtherMembers) {
  env_.AddUser("sam", {"data-scientists"});
  env_.Grant(SecurableType::kCatalog, "staging", "alice",
             {Privilege::kUseCatalog, Privilege::kUseSchema, Privilege::kSelect});
  EXPECT_TRUE(CanSelect(env_.As("alice"), "staging.default.t"));
  EXPECT_FALSE(CanSelect(env_.As("sam"), "staging.default.t"));
}

TEST_F(GrantMatrixTest, DataAccessIsCheckedOnlyWithThePrivilegeThatGovernsTheObject) {
  // zed may read every table of staging; that must not open its volumes or models.
  Principal zed = env_.As("zed");
  env_.Grant(SecurableType::kCatalog, "staging", "zed",
             {Privilege::kUseCatalog, Privilege::kUseSchema, Privilege::kSelect});
  EXPECT_TRUE(CanSelect(zed, "staging.default.t"));
  struct Case {
    SecurableType type;
    const char* name;
    Privilege privilege;
  };
  const Case wrong[] = {
      {SecurableType::kVolume, "staging.default.v", Privilege::kSelect},
      {SecurableType::kRegisteredModel, "staging.default.m", Privilege::kSelect},
      {SecurableType::kFunction, "staging.default.f", Privilege::kModify},
      {SecurableType::kTable, "staging.default.t", Privilege::kReadVolume},
      {SecurableType::kTable, "staging.default.t", Privilege::kExecute},
      {SecurableType::kTable, "staging.default.t", Privilege::kUseCatalog},
      {SecurableType::kTable, "staging.default.t", Privilege::kAllPrivileges},
      {SecurableType::kTable, "staging.default.t", Privilege::kManage},
      {SecurableType::kCatalog, "staging", Privilege::kSelect},
      {SecurableType::kSchema, "staging.default", Privilege::kSelect},
  };
  for (const Case& c : wrong) {
    for (const Principal* who : std::vector<const Principal*>{&zed, &env_.admin()}) {
      EXPECT_EQ(env_.svc().AuthorizeDataAccess(*who, c.type, c.name, c.privilege).status().code(),
                ErrorCode::kInvalidParameterValue)
          << who->name << ": " << PrivilegeName(c.privilege) << " on " << c.name;
    }
  }
}

TEST_F(GrantMatrixTest, CreateCatalogOnTheMetastoreLetsANonAdminCreateAndOwnACatalog) {
  Principal zed = env_.As("zed");
  EXPECT_EQ(env_.Create(zed, SecurableType::kCatalog, "", "zeds").code(),
            ErrorCode::kPermissionDenied);
  env_.Grant(SecurableType::kMetastore, "", "zed", {Privilege::kCreateCatalog});
  ASSERT_TRUE(env_.Create(zed, SecurableType::kCatalog, "", "zeds").ok());
  // As owner of the catalog zed may use it, create in it and manage it.
  ASSERT_TRUE(env_.Create(zed, SecurableType::kSchema, "zeds", "s").ok());
  ASSERT_TRUE(env_.Create(zed, SecurableType::kTable, "zeds.s", "t").ok());
  EXPECT_TRUE(CanSelect(zed, "zeds.s.t"));
  EXPECT_TRUE(CanManage(zed, SecurableType::kCatalog, "zeds"));
  // Nobody else sees it.
  EXPECT_EQ(VisibleCatalogs(env_.As("alice")),
            (std::vector<std::string>{"dev", "prod", "staging"}));
  // CREATE_CATALOG gives nothing on the other catalogs.
  EXPECT_EQ(Run(zed, "staging", kBrowseCatalog).code(), ErrorCode::kPermissionDenied);
}

TEST_F(GrantMatrixTest, ObjectsOwnedByAGroupAreOwnedByItsMembers) {
  UpdateSecurableRequest req;
  req.owner = "ml-engineers";
  ASSERT_TRUE(
      env_.svc().UpdateSecurable(env_.admin(), SecurableType::kTable, "prod.default.t", req).ok());
  Principal bob = env_.As("bob");
  EXPECT_TRUE(CanManage(bob, SecurableType::kTable, "prod.default.t"));
  EXPECT_TRUE(
      env_.svc()
          .AuthorizeDataAccess(bob, SecurableType::kTable, "prod.default.t", Privilege::kModify)
          .ok());
  EXPECT_FALSE(CanManage(env_.As("alice"), SecurableType::kTable, "prod.default.t"));
}

}  // namespace
}  // namespace keel::catalog
