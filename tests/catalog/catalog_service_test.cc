// CatalogService behaviour that is not about who may do what: bootstrap, names, deletion,
// grant validation and atomicity, effective permissions and storage locations.

#include "catalog/catalog_service.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "catalog_test_env.h"

namespace keel::catalog {
namespace {

using testing::CatalogTestEnv;

class CatalogServiceTest : public ::testing::Test {
 protected:
  int64_t Securables() { return env_.Count("securables"); }
  int64_t Grants() { return env_.Count("grants"); }

  CatalogTestEnv env_;
};

TEST_F(CatalogServiceTest, InitWorkspaceCreatesTheDocumentedWorkspace) {
  const Principal& admin = env_.admin();
  EXPECT_TRUE(admin.is_admin);
  EXPECT_EQ(admin.name, "admin");
  auto catalogs = env_.svc().ListSecurables(admin, SecurableType::kCatalog, "");
  ASSERT_TRUE(catalogs.ok());
  std::vector<std::string> names;
  for (const auto& c : *catalogs) names.push_back(c.full_name);
  EXPECT_EQ(names, (std::vector<std::string>{"dev", "prod", "staging"}));
  for (const char* cat : {"dev", "staging", "prod"}) {
    auto schemas = env_.svc().ListSecurables(admin, SecurableType::kSchema, cat);
    ASSERT_TRUE(schemas.ok());
    ASSERT_EQ(schemas->size(), 1u) << cat;
    EXPECT_EQ((*schemas)[0].full_name, std::string(cat) + ".default");
  }
  auto sp = env_.svc().GetPrincipal(admin, "keel-automation");
  ASSERT_TRUE(sp.ok());
  EXPECT_EQ(sp->kind, PrincipalKind::kServicePrincipal);
  EXPECT_FALSE(sp->is_admin);
  for (const char* g : {"data-scientists", "ml-engineers"}) {
    auto group = env_.svc().GetPrincipal(admin, g);
    ASSERT_TRUE(group.ok()) << g;
    EXPECT_EQ(group->kind, PrincipalKind::kGroup);
  }
  // dev: 2 groups x (ALL_PRIVILEGES, MANAGE); staging: 1 + 6 + 1; prod: 6 + 6 + 1.
  EXPECT_EQ(Grants(), 4 + 8 + 13);

  auto staging = env_.svc().GetPermissions(admin, SecurableType::kCatalog, "staging", "");
  ASSERT_TRUE(staging.ok());
  ASSERT_EQ(staging->size(), 3u);
  EXPECT_EQ((*staging)[0].principal, "data-scientists");
  EXPECT_EQ((*staging)[0].privileges, std::vector<Privilege>{Privilege::kBrowse});
  EXPECT_EQ((*staging)[1].principal, "keel-automation");
  EXPECT_EQ((*staging)[1].privileges, std::vector<Privilege>{Privilege::kAllPrivileges});
  EXPECT_EQ((*staging)[2].principal, "ml-engineers");
  EXPECT_EQ((*staging)[2].privileges.size(), 6u);
}

TEST_F(CatalogServiceTest, InitWorkspaceTwiceChangesNothing) {
  int64_t principals = env_.Count("principals");
  int64_t securables = Securables();
  int64_t grants = Grants();
  int64_t tokens = env_.Count("tokens");
  auto again = env_.svc().InitWorkspace("admin");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_FALSE(again->created);
  EXPECT_TRUE(again->admin_token.empty());
  EXPECT_EQ(env_.Count("principals"), principals);
  EXPECT_EQ(Securables(), securables);
  EXPECT_EQ(Grants(), grants);
  EXPECT_EQ(env_.Count("tokens"), tokens);
  // The first token still works.
  EXPECT_TRUE(env_.svc().Authenticate(env_.admin_token()).ok());
}

TEST_F(CatalogServiceTest, InitWorkspaceKeepsGrantsThatWereChangedSinceTheFirstRun) {
  env_.Grant(SecurableType::kCatalog, "staging", "data-scientists", {Privilege::kBrowse}, true);
  int64_t grants = Grants();
  auto again = env_.svc().InitWorkspace("admin");
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->created);
  EXPECT_EQ(Grants(), grants);
}

TEST_F(CatalogServiceTest, InvalidObjectNamesAreRejectedAndNothingIsCreated) {
  const std::vector<std::string> bad = {
      "",
      "..",
      "a..b",
      "a.b",
      "a/b",
      "../etc",
      "a\\b",
      std::string("a\0b", 3),
      std::string(1, '\0'),
      "a b",
      " ",
      "tab\tname",
      "line\n",
      "-leading-dash",
      "caf\xc3\xa9",
      std::string(256, 'a'),
  };
  int64_t before = Securables();
  for (const std::string& name : bad) {
    EXPECT_EQ(env_.Create(env_.admin(), SecurableType::kCatalog, "", name).code(),
              ErrorCode::kInvalidParameterValue)
        << "catalog name of " << name.size() << " bytes";
    EXPECT_EQ(env_.Create(env_.admin(), SecurableType::kSchema, "dev", name).code(),
              ErrorCode::kInvalidParameterValue);
    for (SecurableType type : {SecurableType::kTable, SecurableType::kVolume,
                               SecurableType::kRegisteredModel, SecurableType::kFunction}) {
      EXPECT_EQ(env_.Create(env_.admin(), type, "dev.default", name).code(),
                ErrorCode::kInvalidParameterValue)
          << SecurableTypeName(type);
    }
  }
  EXPECT_EQ(Securables(), before);
}

TEST_F(CatalogServiceTest, NamesOf255BytesAreAccepted) {
  std::string name(255, 'a');
  EXPECT_TRUE(env_.Create(env_.admin(), SecurableType::kCatalog, "", name).ok());
  EXPECT_TRUE(env_.Create(env_.admin(), SecurableType::kTable, "dev.default", name).ok());
}

TEST_F(CatalogServiceTest, MalformedFullNamesAreInvalidNotMissing) {
  CatalogService& svc = env_.svc();
  for (const std::string& name :
       {std::string("dev.default"), std::string("dev.default.t.x"), std::string("dev..t"),
        std::string(".default.t"), std::string("dev.default."), std::string("dev/default/t"),
        std::string("dev.default.t\0", 14)}) {
    EXPECT_EQ(svc.GetSecurable(env_.admin(), SecurableType::kTable, name).status().code(),
              ErrorCode::kInvalidParameterValue)
        << name;
  }
  // A bad parent name is reported as such, not created.
  EXPECT_EQ(env_.Create(env_.admin(), SecurableType::kTable, "dev/../prod.default", "t").code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(env_.Create(env_.admin(), SecurableType::kTable, "dev.nope", "t").code(),
            ErrorCode::kResourceDoesNotExist);
}

TEST_F(CatalogServiceTest, NamesDifferingOnlyInCaseAlreadyExist) {
  const Principal& admin = env_.admin();
  ASSERT_TRUE(env_.Create(admin, SecurableType::kCatalog, "", "Sales").ok());
  EXPECT_EQ(env_.Create(admin, SecurableType::kCatalog, "", "sales").code(),
            ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(env_.Create(admin, SecurableType::kCatalog, "", "DEV").code(),
            ErrorCode::kResourceAlreadyExists);
  EXPECT_EQ(env_.Create(admin, SecurableType::kSchema, "dev", "Default").code(),
            ErrorCode::kResourceAlreadyExists);
  ASSERT_TRUE(env_.Create(admin, SecurableType::kTable, "dev.default", "Events").ok());
  EXPECT_EQ(env_.Create(admin, SecurableType::kTable, "DEV.default", "EVENTS").code(),
            ErrorCode::kResourceAlreadyExists);
  // Lookups ignore case too and return the stored spelling.
  auto t = env_.svc().GetSecurable(admin, SecurableType::kTable, "Dev.DEFAULT.events");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->name, "Events");
}

TEST_F(CatalogServiceTest, DeletingANonEmptyCatalogNeedsForceAndForceRemovesChildrenAndGrants) {
  const Principal& admin = env_.admin();
  env_.AddUser("alice", {});
  int64_t securables = Securables();
  int64_t grants = Grants();
  int64_t tags = env_.Count("securable_tags");
  ASSERT_TRUE(env_.Create(admin, SecurableType::kCatalog, "", "tmp").ok());
  ASSERT_TRUE(env_.Create(admin, SecurableType::kSchema, "tmp", "s").ok());
  ASSERT_TRUE(env_.Create(admin, SecurableType::kTable, "tmp.s", "t").ok());
  ASSERT_TRUE(env_.Create(admin, SecurableType::kVolume, "tmp.s", "v").ok());
  env_.Grant(SecurableType::kCatalog, "tmp", "alice", {Privilege::kUseCatalog});
  env_.Grant(SecurableType::kTable, "tmp.s.t", "alice", {Privilege::kSelect});
  ASSERT_TRUE(env_.svc().SetTag(admin, SecurableType::kTable, "tmp.s.t", "pii", "yes").ok());

  EXPECT_EQ(env_.svc().DeleteSecurable(admin, SecurableType::kCatalog, "tmp", false).code(),
            ErrorCode::kInvalidState);
  EXPECT_EQ(env_.svc().DeleteSecurable(admin, SecurableType::kSchema, "tmp.s", false).code(),
            ErrorCode::kInvalidState);
  EXPECT_TRUE(env_.svc().GetSecurable(admin, SecurableType::kTable, "tmp.s.t").ok());
  EXPECT_EQ(Securables(), securables + 4);

  ASSERT_TRUE(env_.svc().DeleteSecurable(admin, SecurableType::kCatalog, "tmp", true).ok());
  EXPECT_EQ(env_.svc().GetSecurable(admin, SecurableType::kTable, "tmp.s.t").status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(env_.svc().GetSecurable(admin, SecurableType::kCatalog, "tmp").status().code(),
            ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(Securables(), securables);
  EXPECT_EQ(Grants(), grants);
  EXPECT_EQ(env_.Count("securable_tags"), tags);

  // A catalog of the same name starts clean: no grant survives from the old one.
  ASSERT_TRUE(env_.Create(admin, SecurableType::kCatalog, "", "tmp").ok());
  auto perms = env_.svc().GetPermissions(admin, SecurableType::kCatalog, "tmp", "");
  ASSERT_TRUE(perms.ok());
  EXPECT_TRUE(perms->empty());
}

TEST_F(CatalogServiceTest, DeletingAnEmptyContainerNeedsNoForce) {
  ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kSchema, "dev", "empty").ok());
  EXPECT_TRUE(
      env_.svc().DeleteSecurable(env_.admin(), SecurableType::kSchema, "dev.empty", false).ok());
  EXPECT_EQ(
      env_.svc().DeleteSecurable(env_.admin(), SecurableType::kSchema, "dev.empty", false).code(),
      ErrorCode::kResourceDoesNotExist);
}

TEST_F(CatalogServiceTest, UnknownPrivilegeNamesAreInvalid) {
  for (const std::string& name :
       {std::string("SELEKT"), std::string(""), std::string("USE  CATALOG"),
        std::string("SELECT\0", 7), std::string("OWNER"), std::string(100, 'A')}) {
    EXPECT_EQ(ParsePrivilege(name).status().code(), ErrorCode::kInvalidParameterValue) << name;
  }
  EXPECT_EQ(*ParsePrivilege("use catalog"), Privilege::kUseCatalog);
  EXPECT_EQ(*ParsePrivilege("All Privileges"), Privilege::kAllPrivileges);
  EXPECT_EQ(*ParsePrivilege("READ_VOLUME"), Privilege::kReadVolume);
  for (Privilege p : AllPrivilegeValues()) {
    auto parsed = ParsePrivilege(PrivilegeName(p));
    ASSERT_TRUE(parsed.ok()) << PrivilegeName(p);
    EXPECT_EQ(*parsed, p);
  }
}

TEST_F(CatalogServiceTest, PrivilegesThatDoNotApplyToTheTypeCannotBeGranted) {
  env_.AddUser("alice", {});
  struct Case {
    SecurableType type;
    const char* name;
    Privilege privilege;
  };
  const Case cases[] = {
      {SecurableType::kTable, "dev.default.t", Privilege::kUseCatalog},
      {SecurableType::kTable, "dev.default.t", Privilege::kUseSchema},
      {SecurableType::kTable, "dev.default.t", Privilege::kExecute},
      {SecurableType::kTable, "dev.default.t", Privilege::kReadVolume},
      {SecurableType::kTable, "dev.default.t", Privilege::kCreateTable},
      {SecurableType::kVolume, "dev.default.v", Privilege::kSelect},
      {SecurableType::kSchema, "dev.default", Privilege::kUseCatalog},
      {SecurableType::kSchema, "dev.default", Privilege::kCreateSchema},
      {SecurableType::kSchema, "dev.default", Privilege::kBrowse},
      {SecurableType::kCatalog, "dev", Privilege::kCreateCatalog},
  };
  ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kTable, "dev.default", "t").ok());
  ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kVolume, "dev.default", "v").ok());
  int64_t grants = Grants();
  for (const Case& c : cases) {
    auto r = env_.svc().UpdatePermissions(env_.admin(), c.type, c.name,
                                          {PermissionsChange{"alice", {c.privilege}, {}}});
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue)
        << PrivilegeName(c.privilege) << " on " << c.name;
  }
  EXPECT_EQ(Grants(), grants);
}

TEST_F(CatalogServiceTest, AnUpdateWithOneBadChangeChangesNothing) {
  env_.AddUser("alice", {});
  env_.AddUser("bob", {});
  ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kTable, "staging.default", "t").ok());
  env_.Grant(SecurableType::kTable, "staging.default.t", "bob", {Privilege::kModify});
  int64_t grants = Grants();
  auto before =
      env_.svc().GetPermissions(env_.admin(), SecurableType::kTable, "staging.default.t", "");
  ASSERT_TRUE(before.ok());

  // The bad change comes last, after good adds and a good remove.
  auto r = env_.svc().UpdatePermissions(
      env_.admin(), SecurableType::kTable, "staging.default.t",
      {PermissionsChange{"alice", {Privilege::kSelect}, {}},
       PermissionsChange{"bob", {}, {Privilege::kModify}},
       PermissionsChange{"bob", {Privilege::kSelect, Privilege::kUseCatalog}, {}}});
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(Grants(), grants);
  auto after =
      env_.svc().GetPermissions(env_.admin(), SecurableType::kTable, "staging.default.t", "");
  ASSERT_TRUE(after.ok());
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].principal, "bob");
  EXPECT_EQ((*after)[0].privileges, std::vector<Privilege>{Privilege::kModify});

  // An unknown grantee in the middle is just as atomic.
  r = env_.svc().UpdatePermissions(env_.admin(), SecurableType::kTable, "staging.default.t",
                                   {PermissionsChange{"alice", {Privilege::kSelect}, {}},
                                    PermissionsChange{"nobody", {Privilege::kSelect}, {}},
                                    PermissionsChange{"bob", {Privilege::kSelect}, {}}});
  EXPECT_EQ(r.status().code(), ErrorCode::kResourceDoesNotExist);
  EXPECT_EQ(Grants(), grants);
}

TEST_F(CatalogServiceTest, GrantingTwiceAndRevokingWhatWasNeverGrantedAreHarmless) {
  env_.AddUser("alice", {});
  ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kTable, "dev.default", "t").ok());
  int64_t grants = Grants();
  env_.Grant(SecurableType::kTable, "dev.default.t", "alice", {Privilege::kSelect});
  env_.Grant(SecurableType::kTable, "dev.default.t", "ALICE", {Privilege::kSelect});
  EXPECT_EQ(Grants(), grants + 1);
  env_.Grant(SecurableType::kTable, "dev.default.t", "alice", {Privilege::kModify}, true);
  EXPECT_EQ(Grants(), grants + 1);
}

TEST_F(CatalogServiceTest, EffectivePermissionsNameWhereInheritedPrivilegesComeFrom) {
  env_.AddUser("alice", {"data-scientists"});
  ASSERT_TRUE(env_.Create(env_.admin(), SecurableType::kTable, "prod.default", "t").ok());
  env_.Grant(SecurableType::kTable, "prod.default.t", "alice", {Privilege::kApplyTag});
  env_.Grant(SecurableType::kSchema, "prod.default", "alice", {Privilege::kModify});

  auto eff = env_.svc().GetEffectivePermissions(env_.admin(), SecurableType::kTable,
                                                "prod.default.t", "alice");
  ASSERT_TRUE(eff.ok()) << eff.status().ToString();
  bool direct_tag = false, schema_modify = false, catalog_select = false;
  for (const auto& a : *eff) {
    // Only alice's own grants and those of her groups count.
    EXPECT_TRUE(a.principal == "alice" || a.principal == "data-scientists") << a.principal;
    for (const auto& p : a.privileges) {
      if (a.principal == "alice" && p.privilege == Privilege::kApplyTag) {
        direct_tag = true;
        EXPECT_EQ(p.inherited_from_type, "");
        EXPECT_EQ(p.inherited_from_name, "");
      }
      if (a.principal == "alice" && p.privilege == Privilege::kModify) {
        schema_modify = true;
        EXPECT_EQ(p.inherited_from_type, "SCHEMA");
        EXPECT_EQ(p.inherited_from_name, "prod.default");
      }
      if (a.principal == "data-scientists" && p.privilege == Privilege::kSelect) {
        catalog_select = true;
        EXPECT_EQ(p.inherited_from_type, "CATALOG");
        EXPECT_EQ(p.inherited_from_name, "prod");
      }
    }
  }
  EXPECT_TRUE(direct_tag);
  EXPECT_TRUE(schema_modify);
  EXPECT_TRUE(catalog_select);
}

TEST_F(CatalogServiceTest, StorageLocationIsUnderTheRootAndContainsNoUserSuppliedName) {
  const Principal& admin = env_.admin();
  ASSERT_TRUE(env_.Create(admin, SecurableType::kCatalog, "", "mycatalog").ok());
  ASSERT_TRUE(env_.Create(admin, SecurableType::kSchema, "mycatalog", "myschema").ok());
  CreateSecurableRequest req;
  req.type = SecurableType::kTable;
  req.parent_full_name = "mycatalog.myschema";
  req.name = "secret_table";
  auto t = env_.svc().CreateSecurable(admin, req);
  ASSERT_TRUE(t.ok());
  req.name = "other_table";
  auto t2 = env_.svc().CreateSecurable(admin, req);
  ASSERT_TRUE(t2.ok());
  req.type = SecurableType::kVolume;
  req.name = "secret_volume";
  auto v = env_.svc().CreateSecurable(admin, req);
  ASSERT_TRUE(v.ok());

  const std::string root = env_.storage_root() + "/";
  for (const SecurableInfo* s : {&*t, &*t2, &*v}) {
    const std::string& loc = s->storage_location;
    EXPECT_EQ(loc.rfind(root, 0), 0u) << loc;
    for (const char* name : {"mycatalog", "myschema", "secret", "other_table"}) {
      EXPECT_EQ(loc.find(name), std::string::npos) << loc << " contains " << name;
    }
    EXPECT_EQ(loc.find(".."), std::string::npos) << loc;
  }
  EXPECT_NE(t->storage_location, t2->storage_location);
  EXPECT_NE(t->storage_location, v->storage_location);
  // The stored location is the one returned.
  auto again =
      env_.svc().GetSecurable(admin, SecurableType::kTable, "mycatalog.myschema.secret_table");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->storage_location, t->storage_location);
  // Containers have no files of their own.
  auto schema = env_.svc().GetSecurable(admin, SecurableType::kSchema, "mycatalog.myschema");
  ASSERT_TRUE(schema.ok());
  EXPECT_EQ(schema->storage_location, "");
}

TEST_F(CatalogServiceTest, TagsCanBeSetReadAndUnset) {
  const Principal& admin = env_.admin();
  ASSERT_TRUE(env_.Create(admin, SecurableType::kTable, "dev.default", "t").ok());
  ASSERT_TRUE(env_.svc().SetTag(admin, SecurableType::kTable, "dev.default.t", "pii", "no").ok());
  ASSERT_TRUE(env_.svc().SetTag(admin, SecurableType::kTable, "dev.default.t", "pii", "yes").ok());
  ASSERT_TRUE(env_.svc().SetTag(admin, SecurableType::kTable, "dev.default.t", "team", "").ok());
  auto tags = env_.svc().GetTags(admin, SecurableType::kTable, "dev.default.t");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(*tags, (std::map<std::string, std::string>{{"pii", "yes"}, {"team", ""}}));
  ASSERT_TRUE(env_.svc().UnsetTag(admin, SecurableType::kTable, "dev.default.t", "pii").ok());
  tags = env_.svc().GetTags(admin, SecurableType::kTable, "dev.default.t");
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags->size(), 1u);
  EXPECT_EQ(env_.svc().SetTag(admin, SecurableType::kTable, "dev.default.t", "", "x").code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(env_.svc()
                .SetTag(admin, SecurableType::kTable, "dev.default.t", std::string(256, 'k'), "x")
                .code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(CatalogServiceTest, TransferringOwnershipNeedsAnExistingPrincipalAndMovesManagement) {
  const Principal& admin = env_.admin();
  env_.AddUser("alice", {});
  ASSERT_TRUE(env_.Create(admin, SecurableType::kTable, "staging.default", "t").ok());
  UpdateSecurableRequest req;
  req.owner = "nobody";
  EXPECT_EQ(env_.svc()
                .UpdateSecurable(admin, SecurableType::kTable, "staging.default.t", req)
                .status()
                .code(),
            ErrorCode::kResourceDoesNotExist);
  req.owner = "alice";
  auto updated = env_.svc().UpdateSecurable(admin, SecurableType::kTable, "staging.default.t", req);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->owner, "alice");
  Principal alice = env_.As("alice");
  // The owner manages the table, but using it still needs USE on its containers.
  EXPECT_TRUE(env_.svc()
                  .UpdatePermissions(alice, SecurableType::kTable, "staging.default.t",
                                     {PermissionsChange{"admin", {Privilege::kSelect}, {}}})
                  .ok());
  EXPECT_EQ(env_.svc()
                .AuthorizeDataAccess(alice, SecurableType::kTable, "staging.default.t",
                                     Privilege::kSelect)
                .status()
                .code(),
            ErrorCode::kPermissionDenied);
}

TEST_F(CatalogServiceTest, ThePrincipalOwningObjectsCannotBeDeleted) {
  env_.AddUser("alice", {});
  env_.Grant(SecurableType::kCatalog, "dev", "alice", {Privilege::kUseCatalog});
  UpdateSecurableRequest req;
  req.owner = "alice";
  ASSERT_TRUE(
      env_.svc().UpdateSecurable(env_.admin(), SecurableType::kSchema, "dev.default", req).ok());
  EXPECT_EQ(env_.svc().DeletePrincipal(env_.admin(), "alice").code(), ErrorCode::kInvalidState);
  req.owner = "admin";
  ASSERT_TRUE(
      env_.svc().UpdateSecurable(env_.admin(), SecurableType::kSchema, "dev.default", req).ok());
  int64_t grants = Grants();
  ASSERT_TRUE(env_.svc().DeletePrincipal(env_.admin(), "alice").ok());
  EXPECT_EQ(Grants(), grants - 1);
  EXPECT_EQ(env_.svc().DeletePrincipal(env_.admin(), "admin").code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(CatalogServiceTest, GroupMembershipCyclesAreRefused) {
  const Principal& admin = env_.admin();
  ASSERT_TRUE(
      env_.svc().CreatePrincipal(admin, PrincipalKind::kGroup, "inner", {"data-scientists"}).ok());
  EXPECT_EQ(env_.svc().AddGroupMember(admin, "inner", "data-scientists").code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(env_.svc().AddGroupMember(admin, "inner", "inner").code(),
            ErrorCode::kInvalidParameterValue);
  env_.AddUser("alice", {});
  EXPECT_EQ(env_.svc().AddGroupMember(admin, "alice", "inner").code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(CatalogServiceTest, OnlyAdminsChangePrincipals) {
  env_.AddUser("alice", {"data-scientists"});
  Principal alice = env_.As("alice");
  EXPECT_EQ(env_.svc().CreatePrincipal(alice, PrincipalKind::kUser, "mallory", {}).status().code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(env_.svc().AddGroupMember(alice, "ml-engineers", "alice").code(),
            ErrorCode::kPermissionDenied);
  EXPECT_EQ(env_.svc().DeletePrincipal(alice, "admin").code(), ErrorCode::kPermissionDenied);
  EXPECT_EQ(
      env_.svc().CreatePrincipal(env_.admin(), PrincipalKind::kUser, "ALICE", {}).status().code(),
      ErrorCode::kResourceAlreadyExists);
}

TEST_F(CatalogServiceTest, TheMetastoreCannotBeCreatedOrDeleted) {
  EXPECT_EQ(env_.Create(env_.admin(), SecurableType::kMetastore, "", "m").code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_EQ(env_.svc().DeleteSecurable(env_.admin(), SecurableType::kMetastore, "", true).code(),
            ErrorCode::kInvalidParameterValue);
}

TEST_F(CatalogServiceTest, InitWorkspaceForAnotherAdminNameOnAnExistingWorkspaceChangesNothing) {
  int64_t principals = env_.Count("principals");
  int64_t tokens = env_.Count("tokens");
  auto again = env_.svc().InitWorkspace("root");
  EXPECT_EQ(again.status().code(), ErrorCode::kInvalidState);
  EXPECT_EQ(env_.Count("principals"), principals);
  EXPECT_EQ(env_.Count("tokens"), tokens);
  EXPECT_EQ(env_.svc().GetPrincipal(env_.admin(), "root").status().code(),
            ErrorCode::kResourceDoesNotExist);
  // A non-admin's name is refused too: init never promotes anyone.
  env_.AddUser("alice", {});
  EXPECT_EQ(env_.svc().InitWorkspace("alice").status().code(), ErrorCode::kInvalidState);
  EXPECT_FALSE(env_.As("alice").is_admin);
  // The admin's own name, in another case, is the same admin.
  auto same = env_.svc().InitWorkspace("ADMIN");
  ASSERT_TRUE(same.ok()) << same.status().ToString();
  EXPECT_FALSE(same->created);
}

TEST_F(CatalogServiceTest, InitWorkspaceRejectsAnInvalidAdminName) {
  testutil::TempDir dir;
  auto db = metastore::OpenSqliteDatabase(dir.path() + "/m.db");
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE(metastore::ApplyMigrations(**db).ok());
  CatalogService svc(db->get(), {dir.path() + "/storage", Clock::System()});
  for (const std::string& name : {std::string(""), std::string("../x"), std::string("a b"),
                                  std::string("a\0b", 3), std::string(256, 'a')}) {
    EXPECT_EQ(svc.InitWorkspace(name).status().code(), ErrorCode::kInvalidParameterValue);
  }
  auto init = svc.InitWorkspace("first.admin@example.com");
  ASSERT_TRUE(init.ok()) << init.status().ToString();
  EXPECT_TRUE(init->created);
  EXPECT_TRUE(svc.Authenticate(init->admin_token).ok());
}

}  // namespace
}  // namespace keel::catalog
