#pragma once

#include <string>

namespace keel::testutil {

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
// Aborts the test process if the directory cannot be created (a broken test machine).
//
// Thread-safety: path() may be read from any thread.
class TempDir {
 public:
  // `prefix` starts the directory name ("keel-test-XXXXXX").
  explicit TempDir(const std::string& prefix = "keel-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + relative.
  std::string Join(const std::string& relative) const { return path_ + "/" + relative; }

 private:
  std::string path_;
};

}  // namespace keel::testutil
