#include "ml/feature_matrix.h"

#include <gtest/gtest.h>

#include "ml/ml_test_util.h"

namespace keel::ml {
namespace {

using batch::TypeId;
using testing::AddNumericColumn;

void ExpectInvalid(const Result<FeatureMatrix>& m, const std::string& message_part) {
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(m.status().message().find(message_part), std::string::npos) << m.status().message();
}

TEST(FeatureMatrixTest, ConvertsEveryNumericColumnTypeToDoublesInFeatureOrder) {
  batch::RecordBatch input;
  AddNumericColumn(&input, "b", TypeId::kByte, {1, -2});
  AddNumericColumn(&input, "s", TypeId::kShort, {300, 4});
  AddNumericColumn(&input, "i", TypeId::kInt, {5, 6});
  AddNumericColumn(&input, "l", TypeId::kLong, {7000000000.0, -8});
  AddNumericColumn(&input, "f", TypeId::kFloat, {0.5, 1.25});
  AddNumericColumn(&input, "d", TypeId::kDouble, {0.1, -0.2});
  testing::AddStringColumn(&input, "ignored", {"x", "y"});
  auto m = ExtractFeatures(input, {"d", "f", "l", "i", "s", "b"});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->num_rows, 2);
  EXPECT_EQ(m->columns,
            (std::vector<std::vector<double>>{
                {0.1, -0.2}, {0.5, 1.25}, {7000000000.0, -8}, {5, 6}, {300, 4}, {1, -2}}));
}

TEST(FeatureMatrixTest, AnEmptyBatchGivesEmptyColumns) {
  batch::RecordBatch input;
  AddNumericColumn(&input, "x", TypeId::kDouble, {});
  auto m = ExtractFeatures(input, {"x"});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->num_rows, 0);
  EXPECT_TRUE(m->columns[0].empty());
}

TEST(FeatureMatrixTest, AMissingColumnIsNamedWithTheModelsFeatures) {
  batch::RecordBatch input;
  AddNumericColumn(&input, "x", TypeId::kDouble, {1});
  ExpectInvalid(ExtractFeatures(input, {"x", "y"}),
                "input has no column 'y' that the model needs; the model's features are [x, y]");
  ExpectInvalid(ExtractFeatures(input, {"X"}), "no column 'X'");  // names match exactly
}

TEST(FeatureMatrixTest, ANonNumericColumnIsNamedWithItsType) {
  batch::RecordBatch input;
  testing::AddStringColumn(&input, "city", {"Oslo"});
  ExpectInvalid(ExtractFeatures(input, {"city"}), "column 'city' has type string");
}

TEST(FeatureMatrixTest, ANullIsNamedWithItsColumnAndRow) {
  batch::RecordBatch input;
  AddNumericColumn(&input, "x", TypeId::kDouble, {1, 2, std::nullopt});
  ExpectInvalid(ExtractFeatures(input, {"x"}), "column 'x' is null at row 2");
}

TEST(FeatureMatrixTest, AMalformedBatchIsAnInternalErrorNotACrash) {
  batch::RecordBatch input;
  AddNumericColumn(&input, "x", TypeId::kDouble, {1, 2});
  input.num_rows = 5;
  auto m = ExtractFeatures(input, {"x"});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().code(), ErrorCode::kInternalError);
}

}  // namespace
}  // namespace keel::ml
