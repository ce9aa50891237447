#include <gtest/gtest.h>

#include <filesystem>
#include <iostream>

#include "storage/batch/row.h"
#include "storage/parquet/file_reader.h"

namespace keel::parquet {
namespace {

TEST(ReaderSmokeTest, DISABLED_PrintsEveryConformanceFile) {
  std::string dir = std::string(KEEL_SOURCE_DIR) + "/../shared/conformance/parquet";
  for (const char* sub : {"data", "bad_data", "encrypted"}) {
    for (auto& e : std::filesystem::directory_iterator(dir + "/" + sub)) {
      std::string p = e.path().string();
      if (p.size() > 4 && p.substr(p.size() - 4) == ".csv") continue;
      auto r = FileReader::Open(p);
      if (!r.ok()) {
        std::cout << "OPEN-FAIL " << p << ": " << r.status().ToString() << "\n";
        continue;
      }
      auto b = (*r)->ReadAll();
      if (!b.ok()) {
        std::cout << "READ-FAIL " << p << ": " << b.status().ToString() << "\n";
        continue;
      }
      Status v = b->Validate();
      std::cout << "OK " << p << " rows=" << b->num_rows << " schema=" << b->schema.ToString()
                << (v.ok() ? "" : " INVALID " + v.ToString()) << "\n";
    }
  }
}

}  // namespace
}  // namespace keel::parquet
