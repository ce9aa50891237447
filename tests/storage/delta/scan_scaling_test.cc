// ScanTable concatenates the batches of a table's files with batch::AppendBatch; reading a table
// must cost time linear in its rows, however many files hold them.

#include <gtest/gtest.h>

#include <chrono>

#include "storage/batch/column_ops.h"
#include "storage/batch/record_batch.h"

namespace keel::delta {
namespace {

using batch::DataType;
using batch::TypeId;

// Seconds to append `chunks` copies of a 100,000-row string batch into one batch, as ScanTable
// does with the files of a table.
double SecondsToAppend(int chunks) {
  batch::Schema schema;
  schema.fields = {{"name", DataType::Primitive(TypeId::kString), true}};
  batch::RecordBatch part = batch::RecordBatch::Make(schema);
  batch::Column& c = part.columns[0];
  for (int i = 0; i < 100'000; ++i) {
    c.bytes += "abcdefghijklmnop";
    c.offsets.push_back(static_cast<int64_t>(c.bytes.size()));
    c.MarkAppendedValid();
  }
  part.num_rows = c.length;
  batch::RecordBatch all = batch::RecordBatch::Make(schema);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < chunks; ++i) batch::AppendBatch(part, &all);
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// Found by bench/delta_bench: exact reserves in AppendOffsets once made appending N files
// O(N^2) (100 files of 100,000 rows: 29 s).
TEST(ScanScalingTest, AppendingTwiceTheFilesCostsAboutTwiceTheTime) {
  double small = SecondsToAppend(30);
  double large = SecondsToAppend(60);
  EXPECT_LT(large, 3.0 * small + 0.05)
      << "30 chunks: " << small << " s, 60 chunks: " << large << " s (quadratic)";
}

}  // namespace
}  // namespace keel::delta
