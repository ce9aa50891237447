#include "common/yaml.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <utility>
#include <vector>

namespace keel::yaml {
namespace {

json::Value ParseOk(std::string_view text) {
  auto v = Parse(text);
  EXPECT_TRUE(v.ok()) << v.status().ToString() << "\n" << text;
  return v.ok() ? *v : json::Value();
}

void ExpectRoundTrip(const json::Value& v) {
  std::string text = Emit(v);
  auto back = Parse(text);
  ASSERT_TRUE(back.ok()) << back.status().ToString() << "\n" << text.substr(0, 2000);
  EXPECT_EQ(*back, v) << text.substr(0, 2000) << "\nread back as " << back->Dump().substr(0, 2000);
}

void ExpectContains(const std::string& text, std::string_view part) {
  EXPECT_NE(text.find(part), std::string::npos) << "no " << part << " in\n" << text;
}

void ExpectInvalid(std::string_view text, std::string_view message_part) {
  auto v = Parse(text);
  ASSERT_FALSE(v.ok()) << "accepted: " << text;
  EXPECT_EQ(v.status().code(), ErrorCode::kInvalidParameterValue);
  EXPECT_NE(v.status().message().find(message_part), std::string::npos) << v.status().message();
}

TEST(YamlTest, MapsMappingsToObjectsInDocumentOrder) {
  json::Value v = ParseOk("zeta: 1\nalpha:\n  b: x\n  a: y\nmid: [1, 2]\n");
  EXPECT_EQ(v.Dump(), R"({"zeta":1,"alpha":{"b":"x","a":"y"},"mid":[1,2]})");
}

TEST(YamlTest, ResolvesPlainScalarsByTheCoreSchema) {
  json::Value v = ParseOk(
      "n1: null\nn2: ~\nn3:\nb1: true\nb2: False\ni1: 42\ni2: -7\ni3: 0x1F\ni4: 0o17\n"
      "f1: 1.5\nf2: 1.0e+20\nf3: .5\nf4: -.inf\nf5: .nan\nf6: 2e3\n"
      "s1: yes\ns2: on\ns3: 2.9.2\ns4: 2024-01-01\ns5: hello world\n");
  EXPECT_TRUE(v.Find("n1")->is_null());
  EXPECT_TRUE(v.Find("n2")->is_null());
  EXPECT_TRUE(v.Find("n3")->is_null());
  EXPECT_EQ(*v.Find("b1"), json::Value(true));
  EXPECT_EQ(*v.Find("b2"), json::Value(false));
  EXPECT_EQ(*v.Find("i1"), json::Value(42));
  EXPECT_EQ(*v.Find("i2"), json::Value(-7));
  EXPECT_EQ(*v.Find("i3"), json::Value(31));
  EXPECT_EQ(*v.Find("i4"), json::Value(15));
  EXPECT_EQ(*v.Find("f1"), json::Value(1.5));
  EXPECT_EQ(*v.Find("f2"), json::Value(1e20));
  EXPECT_EQ(*v.Find("f3"), json::Value(0.5));
  EXPECT_TRUE(v.Find("f4")->is_double() && std::isinf(v.Find("f4")->as_double()) &&
              v.Find("f4")->as_double() < 0);
  EXPECT_TRUE(v.Find("f5")->is_double() && std::isnan(v.Find("f5")->as_double()));
  EXPECT_EQ(*v.Find("f6"), json::Value(2000.0));
  EXPECT_EQ(*v.Find("s1"), json::Value("yes"));
  EXPECT_EQ(*v.Find("s2"), json::Value("on"));
  EXPECT_EQ(*v.Find("s3"), json::Value("2.9.2"));
  EXPECT_EQ(*v.Find("s4"), json::Value("2024-01-01"));
  EXPECT_EQ(*v.Find("s5"), json::Value("hello world"));
}

TEST(YamlTest, QuotedAndStrTaggedScalarsAreStrings) {
  json::Value v = ParseOk("a: '1'\nb: \"true\"\nc: !!str 3\nd: ''\ne: 'it''s'\nf: \"a\\tb\"\n");
  EXPECT_EQ(v.Dump(), R"({"a":"1","b":"true","c":"3","d":"","e":"it's","f":"a\tb"})");
}

TEST(YamlTest, IntegersBeyondInt64BecomeDoubles) {
  json::Value v = ParseOk("a: 123456789012345678901234567890\nb: -9223372036854775808\n");
  EXPECT_TRUE(v.Find("a")->is_double());
  EXPECT_EQ(*v.Find("b"), json::Value(static_cast<long long>(INT64_MIN)));
}

TEST(YamlTest, ReadsFoldedSingleQuotedStringsAsPyYamlWritesThem) {
  json::Value v = ParseOk(
      "signature:\n"
      "  inputs: '[{\"type\": \"double\", \"name\": \"sepal length (cm)\", \"required\": true},\n"
      "    {\"type\": \"double\", \"name\": \"sepal width (cm)\", \"required\": true}]'\n");
  EXPECT_EQ(v.Find("signature")->Find("inputs")->as_string(),
            R"j([{"type": "double", "name": "sepal length (cm)", "required": true}, )j"
            R"j({"type": "double", "name": "sepal width (cm)", "required": true}])j");
}

TEST(YamlTest, ExpandsAnchorsAndAliases) {
  json::Value v = ParseOk("base: &b {x: 1, y: [a, b]}\ncopy: *b\n");
  EXPECT_EQ(*v.Find("copy"), *v.Find("base"));
}

TEST(YamlTest, EmptyDocumentIsNullAndScalarDocumentsWork) {
  EXPECT_TRUE(ParseOk("").is_null());
  EXPECT_TRUE(ParseOk("# only a comment\n").is_null());
  EXPECT_EQ(ParseOk("--- 5\n...\n"), json::Value(5));
}

TEST(YamlTest, EmitsPyYamlBlockLayout) {
  json::Value v = json::Value::MakeObject();
  v.Set("name", "model");
  json::Value nested = json::Value::MakeObject();
  nested.Set("a", 1);
  nested.Set("b", json::Value::MakeObject());
  v.Set("nested", nested);
  json::Value list = json::Value::MakeArray();
  list.Append("x");
  json::Value item = json::Value::MakeObject();
  item.Set("k", 2.5);
  item.Set("l", json::Value(json::Value::Array{1, 2}));
  list.Append(item);
  list.Append(json::Value(json::Value::Array{true, nullptr}));
  list.Append(json::Value::MakeArray());
  v.Set("list", list);
  v.Set("empty", json::Value::MakeArray());
  EXPECT_EQ(Emit(v),
            "name: model\n"
            "nested:\n"
            "  a: 1\n"
            "  b: {}\n"
            "list:\n"
            "- x\n"
            "- k: 2.5\n"
            "  l:\n"
            "  - 1\n"
            "  - 2\n"
            "- - true\n"
            "  - null\n"
            "- []\n"
            "empty: []\n");
}

TEST(YamlTest, EmitSortsKeysWhenAskedAsSafeDumpDoes) {
  json::Value v = ParseOk("b: 1\na:\n  z: 1\n  y: 2\n");
  EXPECT_EQ(Emit(v, {.sort_keys = true}), "a:\n  y: 2\n  z: 1\nb: 1\n");
}

TEST(YamlTest, EmitQuotesStringsThatWouldReadBackAsAnotherType) {
  json::Value v = json::Value::MakeObject();
  for (const char* s : {"1", "1.5", "true", "null", "~", "", "yes", "off", "0x1F", "1_000", "1:30",
                        ".inf", "2023-10-03 10:12:13.123456", "1e5", "<<"}) {
    v.Set(std::string("k") + std::to_string(v.size()), s);
  }
  std::string text = Emit(v);
  ExpectContains(text, "k0: '1'\n");
  ExpectContains(text, "k5: ''\n");
  ExpectContains(text, "k6: 'yes'\n");
  ExpectContains(text, "k12: '2023-10-03 10:12:13.123456'\n");
  ExpectRoundTrip(v);
}

TEST(YamlTest, EmitLeavesOrdinaryStringsPlain) {
  json::Value v = json::Value::MakeObject();
  v.Set("mlflow_version", "2.9.2");
  v.Set("loader_module", "mlflow.sklearn");
  v.Set("path", "model.pkl");
  v.Set("text", "a, b [c] {d}");
  EXPECT_EQ(Emit(v),
            "mlflow_version: 2.9.2\nloader_module: mlflow.sklearn\npath: model.pkl\n"
            "text: a, b [c] {d}\n");
}

TEST(YamlTest, EmitQuotesIndicatorsAndEscapesControlCharacters) {
  json::Value v = json::Value::MakeObject();
  v.Set("a", "- item");
  v.Set("b", "key: value");
  v.Set("c", "x #comment");
  v.Set("d", "it's");
  v.Set("e", " padded ");
  v.Set("f", "line1\nline2\ttab");
  v.Set("g", "[{\"type\": \"double\"}]");
  v.Set("h", "caf\xc3\xa9 \xe2\x82\xac");
  v.Set("i", std::string("nul\0byte", 8));
  v.Set("key: with colon", 1);
  std::string text = Emit(v);
  ExpectContains(text, "a: '- item'\n");
  ExpectContains(text, "d: it's\n");
  ExpectContains(text, "e: ' padded '\n");
  ExpectContains(text, "f: \"line1\\nline2\\ttab\"\n");
  ExpectContains(text, "g: '[{\"type\": \"double\"}]'\n");
  ExpectContains(text, "'key: with colon': 1\n");
  ExpectRoundTrip(v);
}

// The expected text is yaml.safe_dump(v, default_flow_style=False, sort_keys=False).
TEST(YamlTest, EmitFoldsLongStringsAtSpacesAsPyYamlDoes) {
  std::string words;
  for (int i = 0; i < 25; ++i) words += (i ? " word" : "word") + std::to_string(i);
  json::Value v = json::Value::MakeObject();
  v.Set("k", words);
  json::Value nested = json::Value::MakeObject();
  nested.Set("q", "[" + words + "'s");
  v.Set("list", json::Value(json::Value::Array{nested}));
  v.Set("spaced", "a  b " + std::string(100, 'x') + "  c d");
  EXPECT_EQ(
      Emit(v),
      "k: word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 word12\n"
      "  word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 word24\n"
      "list:\n"
      "- q: '[word0 word1 word2 word3 word4 word5 word6 word7 word8 word9 word10 word11 "
      "word12\n"
      "    word13 word14 word15 word16 word17 word18 word19 word20 word21 word22 word23 "
      "word24''s'\n"
      "spaced: a  b " +
          std::string(100, 'x') + "  c\n  d\n");
  ExpectRoundTrip(v);
  EXPECT_EQ(Emit(v, {.width = 0}).find('\n'), 3 + words.size());  // unfolded
}

TEST(YamlTest, EmitWritesDoublesAsPythonRepr) {
  auto emitted = [](double d) { return Emit(json::Value(d)); };
  EXPECT_EQ(emitted(1.0), "1.0\n...\n");
  EXPECT_EQ(emitted(0.1), "0.1\n...\n");
  EXPECT_EQ(emitted(-2.5), "-2.5\n...\n");
  EXPECT_EQ(emitted(1e16), "1.0e+16\n...\n");
  EXPECT_EQ(emitted(1e15), "1000000000000000.0\n...\n");
  EXPECT_EQ(emitted(0.0001), "0.0001\n...\n");
  EXPECT_EQ(emitted(1.5e-5), "1.5e-05\n...\n");
  EXPECT_EQ(emitted(0.0), "0.0\n...\n");
  EXPECT_EQ(emitted(std::nan("")), ".nan\n...\n");
  EXPECT_EQ(emitted(-INFINITY), "-.inf\n...\n");
}

TEST(YamlTest, RoundTripsScalarsAndContainers) {
  ExpectRoundTrip(json::Value());
  ExpectRoundTrip(json::Value(true));
  ExpectRoundTrip(json::Value(-12));
  ExpectRoundTrip(json::Value(static_cast<long long>(INT64_MAX)));
  ExpectRoundTrip(json::Value(3.141592653589793));
  ExpectRoundTrip(json::Value(1e-300));
  ExpectRoundTrip(json::Value(1e300));
  ExpectRoundTrip(json::Value("plain"));
  ExpectRoundTrip(json::Value("42"));
  ExpectRoundTrip(json::Value("---"));
  ExpectRoundTrip(json::Value::MakeObject());
  ExpectRoundTrip(json::Value::MakeArray());
  auto doc = json::Parse(
      R"({"a":[[1,[2,[]]],{"b":{"c":[{"d":null},{}]}}],"e":"x:y","f":-0.5,"g":[""],)"
      R"("h":{"i":"#not comment","j":"'quoted'","k":"\"dq\"","l":"\\back"},"m":"\u2028"})");
  ASSERT_TRUE(doc.ok());
  ExpectRoundTrip(*doc);
}

TEST(YamlTest, RoundTripsEveryPrintableAsciiCharacterInKeysAndValues) {
  json::Value v = json::Value::MakeObject();
  for (char c = 0x20; c < 0x7F; ++c) {
    v.Set(std::string(1, c) + "k", std::string(1, c));
    v.Set("k" + std::string(1, c), std::string("x") + c + "y");
  }
  ExpectRoundTrip(v);
}

TEST(YamlTest, RoundTripsLongKeysAndValues) {
  json::Value v = json::Value::MakeObject();
  v.Set(std::string(3000, 'k'), std::string(100000, 'v'));
  v.Set("k", std::string(5000, ' ') + "x");
  v.Set(std::string(2000, '#'), json::Value(json::Value::Array{1, 2}));
  v.Set(std::string(2000, 'o'), v);
  ExpectRoundTrip(v);
  ExpectRoundTrip(json::Value(json::Value::Array{v, v}));
}

// Random strings from pieces that are YAML syntax, random nesting: Emit must quote whatever
// needs quoting.
json::Value RandomValue(std::mt19937* rng, int depth) {
  static const char* kPieces[] = {
      "a",  "-",    " ",    ":",         "#",   "'",   "\"",  "[",        "]",
      "{",  "}",    ",",    "?",         "!",   "&",   "*",   "|",        ">",
      "%",  "@",    "`",    "\n",        "\t",  "\\",  "1",   "0x",       ".",
      "e",  "true", "null", "~",         "yes", "---", "...", "\xc3\xa9", "\xe2\x80\xa8",
      "\r", "=",    "<<",   "2024-01-01"};
  auto random_string = [&] {
    std::string s;
    int n = static_cast<int>((*rng)() % 5);
    for (int i = 0; i < n; ++i) s += kPieces[(*rng)() % std::size(kPieces)];
    return s;
  };
  switch ((*rng)() % (depth < 4 ? 8 : 5)) {
    case 0:
      return json::Value();
    case 1:
      return json::Value((*rng)() % 2 == 0);
    case 2:
      return json::Value(static_cast<long long>((*rng)()) - (1LL << 31));
    case 3:
      return json::Value(
          std::ldexp(static_cast<double>((*rng)()), static_cast<int>((*rng)() % 200) - 100));
    case 4:
      return json::Value(random_string());
    case 5:
    case 6: {
      json::Value obj = json::Value::MakeObject();
      int n = static_cast<int>((*rng)() % 4);
      for (int i = 0; i < n; ++i)
        obj.Set(random_string() + std::to_string(i), RandomValue(rng, depth + 1));
      return obj;
    }
    default: {
      json::Value arr = json::Value::MakeArray();
      int n = static_cast<int>((*rng)() % 4);
      for (int i = 0; i < n; ++i) arr.Append(RandomValue(rng, depth + 1));
      return arr;
    }
  }
}

TEST(YamlTest, RoundTripsRandomDocumentsOfYamlSyntax) {
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    json::Value v = RandomValue(&rng, 0);
    ExpectRoundTrip(v);
    if (HasFailure()) break;
  }
}

TEST(YamlTest, RefusesTabIndentation) { ExpectInvalid("a:\n\tb: 1\n", "line 2"); }

TEST(YamlTest, RefusesUnclosedQuotes) {
  ExpectInvalid("a: 'never closed\nb: 2\n", "invalid YAML");
  ExpectInvalid("a: \"never closed\n", "invalid YAML");
  ExpectInvalid("a: 'x'\nb: !!str &anchor 'open\n", "never closed");
  ExpectInvalid("caf\xc3\xa9: 'ok'\nb: \"it\\\"s open\n", "line 2");
  ExpectInvalid(
      "\xEF\xBB\xBF"
      "a: 'open\n",
      "never closed");
  json::Value v = ParseOk("\xEF\xBB\xBFna\xc3\xafve: 'it''s'\nb: \"q\\\"\"\n");
  ASSERT_NE(v.Find("na\xc3\xafve"), nullptr);
  EXPECT_EQ(v.Find("na\xc3\xafve")->as_string(), "it's");
  EXPECT_EQ(v.Find("b")->as_string(), "q\"");
}

TEST(YamlTest, RefusesBinaryGarbage) {
  ExpectInvalid(std::string("\xff\xfe\x00\x01garbage", 11), "UTF-8");
  ExpectInvalid(std::string("a: b\x00\x01", 6), "control character");
  ExpectInvalid("\x89PNG\r\n\x1a\n", "line 1");
}

TEST(YamlTest, RefusesSyntaxErrorsWithTheirLocation) {
  ExpectInvalid("a: [1, 2\n", "invalid YAML");
  ExpectInvalid("a: 1\n b: 2\n", "line 2");
  ExpectInvalid("{a: 1", "invalid YAML");
  ExpectInvalid("- a\nb: c\n", "invalid YAML");
}

TEST(YamlTest, RefusesDuplicateNullAndComplexKeys) {
  ExpectInvalid("a: 1\na: 2\n", "duplicate mapping key 'a'");
  ExpectInvalid("~: 1\n", "null");
  ExpectInvalid("? [1, 2]\n: x\n", "keys must be scalars");
}

TEST(YamlTest, RefusesUnsupportedTags) {
  ExpectInvalid("a: !!python/object:os.system x\n", "unsupported tag");
  ExpectInvalid("a: !!int abc\n", "unsupported tag");
}

TEST(YamlTest, RefusesMoreThanOneDocument) {
  ExpectInvalid("a: 1\n---\nb: 2\n", "more than one document");
}

TEST(YamlTest, RefusesDeepNestingInsteadOfOverflowingTheStack) {
  ExpectInvalid(std::string(100000, '[') + std::string(100000, ']'), "nesting deeper than 64");
  ExpectInvalid("a: " + std::string(100, '[') + std::string(100, ']'), "nesting deeper than 64");
  ExpectInvalid(std::string(100000, '['), "invalid YAML");
  std::string block;
  for (int depth = 0; depth < 70; ++depth) block += std::string(depth * 2, ' ') + "k:\n";
  ExpectInvalid(block, "nesting deeper than 64");
  std::string ok;
  for (int depth = 0; depth < 63; ++depth) ok += std::string(depth * 2, ' ') + "k:\n";
  EXPECT_TRUE(Parse(ok).ok());
}

TEST(YamlTest, RefusesAliasBombs) {
  std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
  for (char c = 'b'; c <= 'j'; ++c) {
    std::string prev(1, c - 1);
    bomb += std::string(1, c) + ": &" + c + " [*" + prev + ", *" + prev + ", *" + prev + ", *" +
            prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev +
            ", *" + prev + "]\n";
  }
  ExpectInvalid(bomb, "aliases expand to more than");
}

TEST(YamlTest, RefusesInputOverTheSizeLimit) {
  std::string huge(17 * 1024 * 1024, 'a');
  ExpectInvalid(huge, "exceeds the limit of 16777216 bytes");
  ParseOptions small;
  small.max_input_bytes = 10;
  auto v = Parse("a: 123456789\n", small);
  ASSERT_FALSE(v.ok());
}

TEST(YamlTest, SurvivesTruncationsOfARealDocument) {
  const std::string doc =
      "artifact_path: model\nflavors:\n  python_function:\n    env:\n      conda: conda.yaml\n"
      "    loader_module: mlflow.sklearn\n  sklearn:\n    code: null\n"
      "signature:\n  inputs: '[{\"type\": \"double\", \"name\": \"x\"}]'\n"
      "list:\n- {a: [1, 2, \"q\\u00e9\"]}\n- &r b\n- *r\n";
  ASSERT_TRUE(Parse(doc).ok());
  for (size_t n = 0; n < doc.size(); ++n) {
    auto v = Parse(doc.substr(0, n));  // ok or an error, never a crash
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), ErrorCode::kInvalidParameterValue);
    }
  }
}

// ---- ParseWithLocations ------------------------------------------------------------------

std::pair<int, int> LocationOf(const Located& doc, const std::string& path) {
  auto it = doc.locations.find(path);
  EXPECT_NE(it, doc.locations.end()) << "no location for '" << path << "'";
  return it == doc.locations.end() ? std::pair<int, int>{0, 0} : it->second;
}

TEST(YamlLocationsTest, PlacesMembersAtTheirKeysAndElementsAtTheirStart) {
  auto doc = ParseWithLocations(
      "name: x\n"
      "tasks:\n"
      "  - task_key: train\n"
      "  - task_key: deploy\n"
      "    depends_on:\n"
      "      - task_key: trian\n");
  ASSERT_TRUE(doc.ok()) << doc.status().ToString();
  EXPECT_EQ(LocationOf(*doc, ""), std::make_pair(1, 1));
  EXPECT_EQ(LocationOf(*doc, "name"), std::make_pair(1, 1));
  EXPECT_EQ(LocationOf(*doc, "tasks"), std::make_pair(2, 1));  // the value starts on line 3
  EXPECT_EQ(LocationOf(*doc, "tasks[0]"), std::make_pair(3, 5));
  EXPECT_EQ(LocationOf(*doc, "tasks[1].task_key"), std::make_pair(4, 5));
  EXPECT_EQ(LocationOf(*doc, "tasks[1].depends_on"), std::make_pair(5, 5));
  EXPECT_EQ(LocationOf(*doc, "tasks[1].depends_on[0].task_key"), std::make_pair(6, 9));
  EXPECT_EQ(doc->locations.size(), 10u);
}

TEST(YamlLocationsTest, LocatesNodesInsideFlowCollections) {
  auto doc = ParseWithLocations("a: {b: [x, \"y\"], c: null}\n");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(LocationOf(*doc, "a.b"), std::make_pair(1, 5));
  EXPECT_EQ(LocationOf(*doc, "a.b[0]"), std::make_pair(1, 9));
  EXPECT_EQ(LocationOf(*doc, "a.b[1]"), std::make_pair(1, 12));
  EXPECT_EQ(LocationOf(*doc, "a.c"), std::make_pair(1, 18));
}

TEST(YamlLocationsTest, NamesElementsOfATopLevelSequenceByIndexAlone) {
  auto doc = ParseWithLocations("- 1\n- [2, 3]\n");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(LocationOf(*doc, "[1]"), std::make_pair(2, 3));
  EXPECT_EQ(LocationOf(*doc, "[1][1]"), std::make_pair(2, 7));
}

TEST(YamlLocationsTest, LocatesAnAliasButNotTheNodesItCopies) {
  auto doc = ParseWithLocations("a: &x {b: 1}\nc: *x\n");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(doc->value.Dump(), R"({"a":{"b":1},"c":{"b":1}})");
  EXPECT_EQ(LocationOf(*doc, "a.b"), std::make_pair(1, 8));
  EXPECT_EQ(LocationOf(*doc, "c"), std::make_pair(2, 1));
  EXPECT_EQ(doc->locations.count("c.b"), 0u);
}

TEST(YamlLocationsTest, CountsColumnsAfterAByteOrderMarkFromOne) {
  auto doc = ParseWithLocations("\xEF\xBB\xBFk: v\n");
  ASSERT_TRUE(doc.ok());
  EXPECT_EQ(LocationOf(*doc, "k"), std::make_pair(1, 1));
}

TEST(YamlLocationsTest, AnEmptyDocumentIsNullWithNoLocations) {
  auto doc = ParseWithLocations("# nothing\n");
  ASSERT_TRUE(doc.ok());
  EXPECT_TRUE(doc->value.is_null());
  EXPECT_TRUE(doc->locations.empty());
}

TEST(YamlLocationsTest, AcceptsAndRefusesExactlyWhatParseDoes) {
  const std::vector<std::string> docs = {
      "a: 1\nb: [x, {c: ~}]\n", "x: &a [1]\ny: *a\n", "k: !!int 12\n", "a: 1\na: 2\n",
      "a: 'open\n", "a:\n\t- 1\n", "--- 1\n--- 2\n", "k: !custom v\n", "[1, 2",
      std::string(70, '[') + std::string(70, ']')};
  for (const std::string& text : docs) {
    auto plain = Parse(text);
    auto located = ParseWithLocations(text);
    ASSERT_EQ(plain.ok(), located.ok()) << text;
    if (plain.ok()) {
      EXPECT_EQ(*plain, located->value) << text;
    } else {
      EXPECT_EQ(plain.status().message(), located.status().message()) << text;
    }
  }
}

}  // namespace
}  // namespace keel::yaml
