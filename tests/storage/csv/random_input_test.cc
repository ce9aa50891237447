#include <gtest/gtest.h>

#include <random>
#include <string>

#include "storage/batch/data_type.h"
#include "storage/csv/text_ingest.h"

namespace keel::csv {
namespace {

using batch::DataType;
using batch::TypeId;

// Text made of the characters the parsers branch on, so that short inputs reach every state.
std::string RandomText(std::mt19937* rng) {
  static const std::string kAlphabet = "a1,;\"\"\n\r .-+eE:{}[]tTfF0\xC3\xA9\xFF\\";
  std::uniform_int_distribution<size_t> len(0, 60), pick(0, kAlphabet.size() - 1);
  std::string s;
  for (size_t n = len(*rng); n > 0; --n) s.push_back(kAlphabet[pick(*rng)]);
  return s;
}

TEST(RandomInputTest, ArbitraryTextGivesABatchOrAnErrorNeverACrash) {
  std::mt19937 rng(42);
  IngestOptions typed;
  typed.header = false;
  typed.schema.fields = {{"a", DataType::Primitive(TypeId::kDouble), true},
                         {"b", DataType::Array(DataType::Primitive(TypeId::kLong)), true}};
  for (int i = 0; i < 20000; ++i) {
    std::string text = RandomText(&rng);
    for (TextFormat format : {TextFormat::kCsv, TextFormat::kJsonLines}) {
      IngestOptions o;
      o.format = format;
      o.header = i % 2 == 0;
      auto r = ParseText(text, o);
      if (r.ok()) {
        EXPECT_TRUE(r->Validate().ok()) << r->Validate().ToString();
      } else {
        EXPECT_FALSE(r.status().message().empty());
      }
      typed.format = format;
      auto t = ParseText(text, typed);
      if (t.ok()) EXPECT_TRUE(t->Validate().ok()) << t->Validate().ToString();
    }
  }
}

}  // namespace
}  // namespace keel::csv
