#include "tracking/artifact_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "testutil/temp_dir.h"

namespace keel::tracking {
namespace {

class ArtifactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(root_);
    std::ofstream(dir_.path() + "/secret.txt") << "do not touch";
  }
  // Every file under the temp dir that is outside the artifact root.
  std::vector<std::string> OutsideFiles() {
    std::vector<std::string> out;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir_.path())) {
      std::string p = e.path().string();
      if (p.rfind(root_, 0) != 0) out.push_back(p);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  testutil::TempDir dir_;
  std::string root_ = dir_.path() + "/root";
  ArtifactStore store_{root_};
};

TEST_F(ArtifactStoreTest, PutGetListDeleteRoundTrip) {
  ASSERT_TRUE(store_.Put("1/run/artifacts", "model/MLmodel", "flavors: {}").ok());
  ASSERT_TRUE(store_.Put("1/run/artifacts", "model/data/model.json", "{}").ok());
  ASSERT_TRUE(store_.Put("1/run/artifacts", "empty.txt", "").ok());
  EXPECT_EQ(*store_.Get("1/run/artifacts", "model/MLmodel"), "flavors: {}");
  EXPECT_EQ(*store_.Get("1/run/artifacts", "./model/./MLmodel"), "flavors: {}");
  EXPECT_EQ(store_.Get("1/run/artifacts", "model//MLmodel").status().code(),
            ErrorCode::kInvalidParameterValue);
  auto top = store_.List("1/run/artifacts", "");
  ASSERT_TRUE(top.ok());
  ASSERT_EQ(top->size(), 2u);
  EXPECT_EQ((*top)[0].path, "empty.txt");
  EXPECT_FALSE((*top)[0].is_dir);
  EXPECT_EQ((*top)[1].path, "model");
  EXPECT_TRUE((*top)[1].is_dir);
  auto model = store_.List("1/run/artifacts", "model");
  ASSERT_EQ(model->size(), 2u);
  EXPECT_EQ((*model)[0].path, "model/MLmodel");
  EXPECT_EQ((*model)[0].file_size, 11);
  EXPECT_TRUE(store_.List("1/run/artifacts", "missing")->empty());
  ASSERT_TRUE(store_.Put("1/run/artifacts", "model/MLmodel", "v2").ok());  // overwrite
  EXPECT_EQ(*store_.Get("1/run/artifacts", "model/MLmodel"), "v2");
  ASSERT_TRUE(store_.Delete("1/run/artifacts", "model").ok());
  EXPECT_EQ(store_.Get("1/run/artifacts", "model/MLmodel").status().code(),
            ErrorCode::kResourceDoesNotExist);
}

TEST_F(ArtifactStoreTest, TraversalAttemptsAreRefusedForEveryOperation) {
  std::vector<std::string> before = OutsideFiles();
  for (std::string bad : {std::string("../secret.txt"), std::string("a/../../secret.txt"),
                          std::string("/etc/passwd"), std::string("..\\secret.txt"),
                          std::string("a\\b"), std::string("a\0b", 3), std::string("C:x"),
                          std::string("a/\x01"), std::string(2000, 'a'),
                          std::string(300, 'b') + "/x", std::string("../../../../../../tmp/x")}) {
    EXPECT_EQ(store_.Put("1/r/artifacts", bad, "x").code(), ErrorCode::kInvalidParameterValue)
        << bad;
    EXPECT_EQ(store_.Get("1/r/artifacts", bad).status().code(), ErrorCode::kInvalidParameterValue);
    EXPECT_EQ(store_.List("1/r/artifacts", bad).status().code(),
              ErrorCode::kInvalidParameterValue);
    EXPECT_EQ(store_.Delete("1/r/artifacts", bad).code(), ErrorCode::kInvalidParameterValue);
  }
  // Percent signs are ordinary characters here (the router decoded once already), so encoded
  // traversal can only ever name a file literally called "%2e%2e".
  ASSERT_TRUE(store_.Put("1/r/artifacts", "%2e%2e/%252e%252e/x", "ok").ok());
  EXPECT_TRUE(std::filesystem::exists(root_ + "/1/r/artifacts/%2e%2e/%252e%252e/x"));
  EXPECT_EQ(OutsideFiles(), before);
}

TEST_F(ArtifactStoreTest, SymlinksInsideTheRootAreNeverFollowed) {
  ASSERT_TRUE(store_.Put("1/r/artifacts", "ok.txt", "x").ok());
  std::string artifacts = root_ + "/1/r/artifacts";
  ASSERT_EQ(::symlink(dir_.path().c_str(), (artifacts + "/escape").c_str()), 0);
  ASSERT_EQ(::symlink((dir_.path() + "/secret.txt").c_str(), (artifacts + "/leak.txt").c_str()),
            0);
  std::vector<std::string> before = OutsideFiles();
  EXPECT_EQ(store_.Get("1/r/artifacts", "escape/secret.txt").status().code(),
            ErrorCode::kInvalidParameterValue);
  EXPECT_FALSE(store_.Get("1/r/artifacts", "leak.txt").ok());
  EXPECT_FALSE(store_.Put("1/r/artifacts", "escape/planted.txt", "x").ok());
  EXPECT_FALSE(store_.Put("1/r/artifacts", "leak.txt", "overwrite").ok());
  EXPECT_FALSE(store_.List("1/r/artifacts", "escape").ok());
  EXPECT_EQ(OutsideFiles(), before);
  std::ifstream secret(dir_.path() + "/secret.txt");
  std::string text((std::istreambuf_iterator<char>(secret)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "do not touch");
  // Links are not listed as artifacts.
  auto listing = store_.List("1/r/artifacts", "");
  ASSERT_TRUE(listing.ok());
  ASSERT_EQ(listing->size(), 1u);
  EXPECT_EQ((*listing)[0].path, "ok.txt");
}

TEST_F(ArtifactStoreTest, ConcurrentWritersIntoOneDirectoryAllLand) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        std::string name = "f" + std::to_string(t) + "_" + std::to_string(i);
        if (!store_.Put("1/r/artifacts", "dir/" + name, name).ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  auto listing = store_.List("1/r/artifacts", "dir");
  ASSERT_TRUE(listing.ok());
  EXPECT_EQ(listing->size(), 160u);
  EXPECT_EQ(*store_.Get("1/r/artifacts", "dir/f3_7"), "f3_7");
}

TEST_F(ArtifactStoreTest, LargeFilesRoundTrip) {
  std::string big(20u << 20, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 2654435761u >> 24);
  ASSERT_TRUE(store_.Put("1/r/artifacts", "big.bin", big).ok());
  auto back = store_.Get("1/r/artifacts", "big.bin");
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(*back == big);
}

}  // namespace
}  // namespace keel::tracking
