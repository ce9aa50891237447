#include <gtest/gtest.h>

#include <random>

#include "storage/parquet/encoding/bit_util.h"
#include "storage/parquet/encoding/byte_stream_split.h"
#include "storage/parquet/encoding/delta_binary_packed.h"
#include "storage/parquet/encoding/delta_byte_array.h"
#include "storage/parquet/encoding/plain.h"
#include "storage/parquet/encoding/rle.h"
#include "storage/parquet/thrift_compact.h"

namespace keel::parquet {
namespace {

TEST(RleTest, EncodedRunsAndLiteralsDecodeBackAtEveryBitWidth) {
  std::mt19937 rng(3);
  for (int width = 0; width <= 32; ++width) {
    uint64_t max = width == 32 ? 0xffffffffu : (uint64_t{1} << width) - 1;
    std::vector<uint32_t> values;
    while (values.size() < 3000) {
      uint32_t v = static_cast<uint32_t>(rng() & max);
      int run = rng() % 3 == 0 ? 1 + static_cast<int>(rng() % 40) : 1;
      values.insert(values.end(), run, v);
    }
    std::string encoded;
    EncodeRle(values.data(), static_cast<int64_t>(values.size()), width, &encoded);
    std::vector<uint32_t> decoded(values.size());
    RleDecoder dec(encoded, width);
    ASSERT_TRUE(dec.Get(static_cast<int64_t>(decoded.size()), decoded.data()).ok()) << width;
    EXPECT_EQ(decoded, values) << "bit width " << width;
  }
}

TEST(RleTest, RunningOutOfInputIsCorruptionNotAnOverread) {
  std::vector<uint32_t> values(100, 5);
  std::string encoded;
  EncodeRle(values.data(), 100, 3, &encoded);
  std::vector<uint32_t> out(101);
  RleDecoder dec(encoded, 3);
  Status s = dec.Get(101, out.data());
  EXPECT_EQ(s.code(), ErrorCode::kCorruption);
}

TEST(DeltaBinaryPackedTest, DecodesAHandBuiltBlock) {
  // block 128, 4 miniblocks, 5 values, first value 7; deltas 1,1,1,1 -> min_delta 1, width 0.
  std::string data;
  WriteUleb(128, &data);
  WriteUleb(4, &data);
  WriteUleb(5, &data);
  WriteUleb(14, &data);  // zigzag(7)
  WriteUleb(2, &data);   // zigzag(1) min delta
  data.append(4, '\0');  // bit widths
  std::vector<int64_t> out;
  size_t used = 0;
  ASSERT_TRUE(DecodeDeltaBinaryPacked(data, 5, &out, &used).ok());
  EXPECT_EQ(out, (std::vector<int64_t>{7, 8, 9, 10, 11}));
}

TEST(DeltaBinaryPackedTest, RefusesBadBlockSizesAndShortHeaders) {
  std::string data;
  WriteUleb(100, &data);  // not a multiple of 128
  WriteUleb(4, &data);
  WriteUleb(1, &data);
  WriteUleb(0, &data);
  std::vector<int64_t> out;
  size_t used;
  EXPECT_EQ(DecodeDeltaBinaryPacked(data, 1, &out, &used).code(), ErrorCode::kCorruption);
  EXPECT_EQ(DecodeDeltaBinaryPacked("\x80", 1, &out, &used).code(), ErrorCode::kCorruption);
}

TEST(DeltaByteArrayTest, PrefixLongerThanThePreviousValueIsCorruption) {
  // One value with prefix length 3 but no previous value.
  std::string data;
  for (int64_t first : {3, 1}) {  // prefix lengths block, then suffix lengths block
    WriteUleb(128, &data);
    WriteUleb(4, &data);
    WriteUleb(1, &data);
    WriteUleb(static_cast<uint64_t>(first) << 1, &data);
  }
  data += "x";
  std::string previous;
  PhysicalValues out;
  EXPECT_EQ(DecodeDeltaByteArray(data, 1, &previous, &out).code(), ErrorCode::kCorruption);
}

TEST(ByteStreamSplitTest, InterleavedBytesBecomeLittleEndianValues) {
  std::string split = {'\x01', '\x02', '\x00', '\x00'};  // two 2-byte values: 0x0001, 0x0002
  std::string out;
  ASSERT_TRUE(DecodeByteStreamSplit(split, 2, 2, &out).ok());
  EXPECT_EQ(out, std::string("\x01\x00\x02\x00", 4));
  EXPECT_FALSE(DecodeByteStreamSplit(split, 4, 2, &out).ok());
}

TEST(PlainTest, ByteArrayLengthPastThePageIsCorruption) {
  std::string data(
      "\x10\x00\x00\x00"
      "abc",
      7);
  PhysicalValues out;
  size_t used;
  Status s = DecodePlain(Type::kByteArray, 0, data, 1, &out, &used);
  EXPECT_EQ(s.code(), ErrorCode::kCorruption);
  EXPECT_NE(s.message().find("runs past the end"), std::string::npos);
}

TEST(ThriftCompactTest, WrittenStructsReadBackAndUnknownFieldsAreSkipped) {
  std::string buf;
  ThriftWriter w(&buf);
  w.BeginStruct();
  w.FieldI32(1, -5);
  w.FieldBinary(2, "hello");
  w.FieldI64(40, int64_t{1} << 40);  // a long field-id delta
  w.FieldListBegin(41, ThriftType::kI32, 20);
  for (int i = 0; i < 20; ++i) w.ElementI32(i);
  w.FieldStructBegin(42);
  w.FieldBool(1, true);
  w.EndStruct();
  w.EndStruct();
  ThriftReader r(buf, 100);
  int32_t a = 0;
  std::string b;
  int64_t c = 0;
  Status s = r.ReadStruct([&](int16_t id, ThriftType t) -> Status {
    if (id == 1) return r.ReadI32(t, &a);
    if (id == 2) return r.ReadBinary(t, &b);
    if (id == 40) return r.ReadI64(t, &c);
    return r.Skip(t);
  });
  ASSERT_TRUE(s.ok()) << s.ToString();
  EXPECT_EQ(a, -5);
  EXPECT_EQ(b, "hello");
  EXPECT_EQ(c, int64_t{1} << 40);
  EXPECT_EQ(r.position(), buf.size());
}

TEST(ThriftCompactTest, TruncatedInputAndHugeListsFailWithTheByteOffset) {
  std::string buf;
  ThriftWriter w(&buf);
  w.BeginStruct();
  w.FieldBinary(1, "a long enough string");
  w.EndStruct();
  ThriftReader r(std::string_view(buf).substr(0, 6), 1000);
  Status s = r.ReadStruct([&](int16_t, ThriftType t) { return r.Skip(t); });
  ASSERT_EQ(s.code(), ErrorCode::kCorruption);
  EXPECT_NE(s.message().find("byte offset 10"), std::string::npos) << s.ToString();

  std::string list = "\x19\xf5\xff\xff\xff\x0f";  // field 1: list of 2^32-1 i32s, no bytes
  ThriftReader r2(list, 0);
  Status s2 = r2.ReadStruct([&](int16_t, ThriftType t) { return r2.Skip(t); });
  ASSERT_EQ(s2.code(), ErrorCode::kCorruption);
  EXPECT_NE(s2.message().find("exceeds the metadata"), std::string::npos) << s2.ToString();
}

TEST(ThriftCompactTest, DeeplyNestedStructsAreRefused) {
  std::string buf;
  for (int i = 0; i < 100; ++i) buf.push_back('\x1c');  // field 1: struct, nested
  ThriftReader r(buf, 0);
  Status s = r.ReadStruct([&](int16_t, ThriftType t) { return r.Skip(t); });
  ASSERT_EQ(s.code(), ErrorCode::kCorruption);
  EXPECT_NE(s.message().find("nested too deeply"), std::string::npos) << s.ToString();
}

}  // namespace
}  // namespace keel::parquet
