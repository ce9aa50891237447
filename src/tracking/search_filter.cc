#include "tracking/search_filter.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>

#include "common/strings.h"

namespace keel::tracking {

namespace {

// Attributes of MLflow's SearchLoggedModelsUtils.
bool IsLoggedModelNumber(std::string_view key) {
  return key == "creation_timestamp" || key == "last_updated_timestamp";
}
bool IsLoggedModelText(std::string_view key) {
  return key == "name" || key == "model_id" || key == "model_type" || key == "status" ||
         key == "source_run_id";
}

bool IsIdentChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
         c == ':' || c == '/';
}

std::string Lower(std::string_view s) { return AsciiLower(s); }

// The key type for a prefix ("metrics", "param", ...), if it is one.
bool KeyTypeFromPrefix(std::string_view prefix, KeyType* type) {
  std::string p = Lower(prefix);
  if (p == "metric" || p == "metrics")
    *type = KeyType::kMetric;
  else if (p == "param" || p == "params" || p == "parameter" || p == "parameters")
    *type = KeyType::kParam;
  else if (p == "tag" || p == "tags")
    *type = KeyType::kTag;
  else if (p == "attribute" || p == "attributes" || p == "attr" || p == "run")
    *type = KeyType::kAttribute;
  else if (p == "dataset" || p == "datasets")
    *type = KeyType::kDataset;
  else
    return false;
  return true;
}

// Reads filter text left to right. Every error names the position (0-based byte offset).
class Parser {
 public:
  Parser(std::string_view text, SearchEntity entity) : s_(text), entity_(entity) {}

  Status Error(std::string_view what) const {
    return Status::InvalidArgument("Invalid search expression at position " + std::to_string(pos_) +
                                   ": " + std::string(what));
  }

  void SkipSpace() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ >= s_.size();
  }

  // A bare word (letters, digits and identifier punctuation).
  std::string_view Word() {
    size_t start = pos_;
    while (pos_ < s_.size() && IsIdentChar(s_[pos_])) ++pos_;
    return s_.substr(start, pos_ - start);
  }

  // A quoted string starting at s_[pos_] (' " or `). As in MLflow, only the outer quotes are
  // removed: a doubled quote or a backslash keeps the quote from ending the string, but every
  // character stays in the value ('C:\\data' is C:\data; 'it''s' is it''s).
  Result<std::string> Quoted() {
    char quote = s_[pos_++];
    std::string out;
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == '\\' && pos_ < s_.size()) {
        out += c;
        out += s_[pos_++];
        continue;
      }
      if (c == quote) {
        if (pos_ < s_.size() && s_[pos_] == quote) {
          out += quote;
          out += quote;
          ++pos_;
          continue;
        }
        return out;
      }
      out += c;
    }
    return Error(std::string("unterminated quoted string (") + quote + ")");
  }

  // key := [type "."] name; fills type and name.
  Status Key(KeyType* type, std::string* name) {
    SkipSpace();
    if (pos_ >= s_.size()) return Error("expected a key");
    char c = s_[pos_];
    if (c == '`' || c == '"') {  // a quoted bare name is an attribute
      KEEL_ASSIGN_OR_RETURN(*name, Quoted());
      *type = KeyType::kAttribute;
      return Status::OK();
    }
    size_t start = pos_;
    std::string_view word = Word();
    if (word.empty()) return Error("expected a key, found '" + std::string(1, c) + "'");
    size_t dot = word.find('.');
    KeyType prefixed;
    if (dot != std::string_view::npos && KeyTypeFromPrefix(word.substr(0, dot), &prefixed)) {
      *type = prefixed;
      std::string_view rest = word.substr(dot + 1);
      if (rest.empty()) {
        // metrics.`quoted name` or metrics."quoted name"
        if (pos_ < s_.size() && (s_[pos_] == '`' || s_[pos_] == '"')) {
          KEEL_ASSIGN_OR_RETURN(*name, Quoted());
        } else {
          pos_ = start;
          return Error("expected a name after '" + std::string(word) + "'");
        }
      } else {
        *name = std::string(rest);
      }
    } else {
      *type = KeyType::kAttribute;
      *name = std::string(word);
    }
    if (name->empty()) return Error("empty key name");
    return Status::OK();
  }

  Result<CompareOp> Op() {
    SkipSpace();
    auto starts = [&](std::string_view op) { return s_.substr(pos_, op.size()) == op; };
    if (starts("!=")) {
      pos_ += 2;
      return CompareOp::kNe;
    }
    if (starts(">=")) {
      pos_ += 2;
      return CompareOp::kGe;
    }
    if (starts("<=")) {
      pos_ += 2;
      return CompareOp::kLe;
    }
    if (starts("=")) {
      pos_ += 1;
      return CompareOp::kEq;
    }
    if (starts(">")) {
      pos_ += 1;
      return CompareOp::kGt;
    }
    if (starts("<")) {
      pos_ += 1;
      return CompareOp::kLt;
    }
    size_t start = pos_;
    std::string word = Lower(Word());
    if (word == "like") return CompareOp::kLike;
    if (word == "ilike") return CompareOp::kILike;
    if (word == "in") return CompareOp::kIn;
    if (word == "not") {
      SkipSpace();
      if (Lower(Word()) == "in") return CompareOp::kNotIn;
    }
    pos_ = start;
    return Error("invalid comparator; use =, !=, >, >=, <, <=, LIKE, ILIKE, IN or NOT IN");
  }

  Status Value(CompareOp op, FilterValue* value) {
    SkipSpace();
    if (pos_ >= s_.size()) return Error("expected a value");
    if (op == CompareOp::kIn || op == CompareOp::kNotIn) {
      if (s_[pos_] != '(') return Error("IN needs a parenthesised list of quoted strings");
      ++pos_;
      while (true) {
        SkipSpace();
        if (pos_ >= s_.size()) return Error("unterminated list");
        if (s_[pos_] != '\'' && s_[pos_] != '"') return Error("list values must be quoted strings");
        KEEL_ASSIGN_OR_RETURN(std::string item, Quoted());
        value->list.push_back(std::move(item));
        if (value->list.size() > kMaxInListValues) return Error("too many values in the list");
        SkipSpace();
        if (pos_ < s_.size() && s_[pos_] == ',') {
          ++pos_;
          continue;
        }
        if (pos_ < s_.size() && s_[pos_] == ')') {
          ++pos_;
          return Status::OK();
        }
        return Error("expected ',' or ')' in the list");
      }
    }
    char c = s_[pos_];
    if (c == '\'' || c == '"') {
      KEEL_ASSIGN_OR_RETURN(value->text, Quoted());
      return Status::OK();
    }
    size_t start = pos_;
    if (c == '-' || c == '+') ++pos_;
    while (pos_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[pos_])) ||
                                s_[pos_] == '.' || s_[pos_] == 'e' || s_[pos_] == 'E' ||
                                ((s_[pos_] == '-' || s_[pos_] == '+') &&
                                 (s_[pos_ - 1] == 'e' || s_[pos_ - 1] == 'E')))) {
      ++pos_;
    }
    std::string_view num = s_.substr(start, pos_ - start);
    double d = 0;
    const char* first = num.data() + (num.size() && num[0] == '+' ? 1 : 0);
    auto res = std::from_chars(first, num.data() + num.size(), d);
    if (num.empty() || res.ec != std::errc() || res.ptr != num.data() + num.size()) {
      pos_ = start;
      return Error("expected a number or a quoted string");
    }
    value->is_number = true;
    value->number = d;
    return Status::OK();
  }

  Result<Filter> ParseAll() {
    Filter filter;
    if (AtEnd()) return filter;
    while (true) {
      Comparison c;
      size_t clause_start = pos_;
      KEEL_RETURN_IF_ERROR(Key(&c.key_type, &c.key));
      KEEL_ASSIGN_OR_RETURN(c.op, Op());
      KEEL_RETURN_IF_ERROR(Value(c.op, &c.value));
      KEEL_RETURN_IF_ERROR(Check(&c, clause_start));
      filter.clauses.push_back(std::move(c));
      if (filter.clauses.size() > kMaxFilterClauses) return Error("too many clauses");
      if (AtEnd()) return filter;
      size_t word_start = pos_;
      std::string word = Lower(Word());
      if (word == "and") continue;
      pos_ = word_start;
      if (word == "or") return Error("OR is not supported; combine clauses with AND");
      return Error("expected AND between clauses");
    }
  }

  // Checks that the clause's key, operator and value go together, normalising aliases.
  Status Check(Comparison* c, size_t at) {
    size_t saved = pos_;
    pos_ = at;
    Status s = CheckAt(c);
    pos_ = saved;
    return s;
  }

  Status CheckAt(Comparison* c) {
    bool numeric_op = c->op == CompareOp::kEq || c->op == CompareOp::kNe ||
                      c->op == CompareOp::kGt || c->op == CompareOp::kGe ||
                      c->op == CompareOp::kLt || c->op == CompareOp::kLe;
    bool string_op = c->op == CompareOp::kEq || c->op == CompareOp::kNe ||
                     c->op == CompareOp::kLike || c->op == CompareOp::kILike;
    bool list_op = c->op == CompareOp::kIn || c->op == CompareOp::kNotIn;
    auto need_number = [&]() -> Status {
      if (!numeric_op) return Error("'" + c->key + "' takes =, !=, >, >=, < or <=");
      if (!c->value.is_number) return Error("'" + c->key + "' must be compared with a number");
      return Status::OK();
    };
    auto need_string = [&](bool lists_allowed) -> Status {
      if (list_op && lists_allowed) return Status::OK();
      if (!string_op) {
        return Error("'" + c->key + "' takes =, !=, LIKE or ILIKE" +
                     (lists_allowed ? std::string(", IN or NOT IN") : std::string()));
      }
      if (c->value.is_number) {
        return Error("'" + c->key + "' must be compared with a quoted string");
      }
      return Status::OK();
    };
    if (entity_ == SearchEntity::kExperiments) {
      if (c->key_type == KeyType::kTag) return need_string(false);
      if (c->key_type != KeyType::kAttribute) {
        return Error(
            "experiments can be searched by name, tags, creation_time and "
            "last_update_time");
      }
      if (c->key == "name") return need_string(false);
      if (c->key == "creation_time" || c->key == "last_update_time") return need_number();
      return Error("invalid attribute key '" + c->key + "' for experiments");
    }
    if (entity_ == SearchEntity::kRegisteredModels || entity_ == SearchEntity::kModelVersions) {
      return CheckRegistry(c, need_number, need_string);
    }
    if (entity_ == SearchEntity::kLoggedModels && c->key_type == KeyType::kAttribute) {
      if (IsLoggedModelNumber(c->key)) return need_number();
      if (IsLoggedModelText(c->key)) return need_string(false);
      return Error("invalid attribute key '" + c->key +
                   "'; logged model attributes are name, model_id, model_type, status, "
                   "source_run_id, creation_timestamp and last_updated_timestamp");
    }
    if (entity_ == SearchEntity::kLoggedModels && c->key_type == KeyType::kDataset) {
      return Error("logged models cannot be filtered by datasets");
    }
    switch (c->key_type) {
      case KeyType::kMetric:
        return need_number();
      case KeyType::kParam:
      case KeyType::kTag:
        return need_string(false);
      case KeyType::kDataset:
        if (c->key != "name" && c->key != "digest" && c->key != "context") {
          return Error("invalid dataset key '" + c->key + "'; use name, digest or context");
        }
        return need_string(true);
      case KeyType::kAttribute: {
        if (c->key == "created" || c->key == "Created") c->key = "start_time";
        if (c->key == "run name" || c->key == "Run name" || c->key == "Run Name" ||
            c->key == "runName") {
          c->key = "run_name";
        }
        if (c->key == "start_time" || c->key == "end_time") return need_number();
        if (c->key == "run_id") return need_string(true);
        if (c->key == "run_name" || c->key == "status" || c->key == "user_id" ||
            c->key == "artifact_uri") {
          return need_string(false);
        }
        return Error("invalid attribute key '" + c->key +
                     "'; attributes are run_id, run_name, status, user_id, artifact_uri, "
                     "start_time and end_time");
      }
    }
    return Status::OK();
  }

  // Model registry searches: registered models by name and tags; model versions also by
  // run_id, source_path and version_number (as MLflow's search_model_versions).
  template <typename NeedNumber, typename NeedString>
  Status CheckRegistry(Comparison* c, const NeedNumber& need_number,
                       const NeedString& need_string) {
    bool versions = entity_ == SearchEntity::kModelVersions;
    if (c->key_type == KeyType::kTag) return need_string(false);
    if (c->key_type == KeyType::kAttribute) {
      if (c->key == "name") return need_string(false);
      if (versions && c->key == "run_id") return need_string(true);
      if (versions && c->key == "source_path") return need_string(false);
      if (versions && c->key == "version_number") return need_number();
    }
    return Error(versions ? "model versions can be searched by name, run_id, source_path, "
                            "version_number and tags"
                          : "registered models can be searched by name and tags");
  }

  Result<OrderBy> ParseOrder() {
    OrderBy o;
    KEEL_RETURN_IF_ERROR(Key(&o.key_type, &o.key));
    if (!AtEnd()) {
      std::string dir = Lower(Word());
      if (dir == "asc")
        o.ascending = true;
      else if (dir == "desc")
        o.ascending = false;
      else
        return Error("order_by direction must be ASC or DESC");
      if (!AtEnd()) return Error("unexpected text after the order_by direction");
    }
    if (o.key_type == KeyType::kAttribute && (o.key == "created" || o.key == "Created")) {
      o.key = "start_time";
    }
    if (entity_ == SearchEntity::kExperiments) {
      if (o.key_type != KeyType::kAttribute ||
          (o.key != "name" && o.key != "experiment_id" && o.key != "creation_time" &&
           o.key != "last_update_time")) {
        return Error(
            "experiments can be ordered by name, experiment_id, creation_time or "
            "last_update_time");
      }
      return o;
    }
    if (entity_ == SearchEntity::kRegisteredModels || entity_ == SearchEntity::kModelVersions) {
      if (o.key == "timestamp") o.key = "last_updated_timestamp";
      bool known = o.key == "name" || o.key == "creation_timestamp" ||
                   o.key == "last_updated_timestamp" ||
                   (entity_ == SearchEntity::kModelVersions && o.key == "version_number");
      if (o.key_type != KeyType::kAttribute || !known) {
        return Error("invalid order_by field '" + o.key + "'; use name, " +
                     (entity_ == SearchEntity::kModelVersions ? "version_number, " : "") +
                     "creation_timestamp or last_updated_timestamp");
      }
      return o;
    }
    if (entity_ == SearchEntity::kLoggedModels) {
      if (o.key_type == KeyType::kDataset ||
          (o.key_type == KeyType::kAttribute && !IsLoggedModelNumber(o.key) &&
           !IsLoggedModelText(o.key))) {
        return Error("invalid order_by field '" + o.key + "' for logged models");
      }
      return o;
    }
    if (o.key_type == KeyType::kDataset) return Error("runs cannot be ordered by datasets");
    if (o.key_type == KeyType::kAttribute && o.key != "run_id" && o.key != "run_name" &&
        o.key != "status" && o.key != "user_id" && o.key != "artifact_uri" &&
        o.key != "start_time" && o.key != "end_time") {
      return Error("invalid order_by attribute '" + o.key + "'");
    }
    return o;
  }

 private:
  std::string_view s_;
  SearchEntity entity_;
  size_t pos_ = 0;
};

}  // namespace

Result<Filter> ParseFilter(std::string_view text, SearchEntity entity) {
  if (text.size() > kMaxFilterBytes) {
    return Status::InvalidArgument("the filter is " + std::to_string(text.size()) +
                                   " bytes; the limit is " + std::to_string(kMaxFilterBytes));
  }
  return Parser(text, entity).ParseAll();
}

Result<OrderBy> ParseOrderBy(std::string_view text, SearchEntity entity) {
  if (text.size() > kMaxOrderByBytes) {
    return Status::InvalidArgument("order_by clause is longer than " +
                                   std::to_string(kMaxOrderByBytes) + " bytes");
  }
  return Parser(text, entity).ParseOrder();
}

bool MatchesText(const std::string& v, const Comparison& c) {
  switch (c.op) {
    case CompareOp::kEq:
      return v == c.value.text;
    case CompareOp::kNe:
      return v != c.value.text;
    case CompareOp::kLike:
      return MatchesLike(v, c.value.text, false);
    case CompareOp::kILike:
      return MatchesLike(v, c.value.text, true);
    case CompareOp::kIn:
      return std::find(c.value.list.begin(), c.value.list.end(), v) != c.value.list.end();
    case CompareOp::kNotIn:
      return std::find(c.value.list.begin(), c.value.list.end(), v) == c.value.list.end();
    default:
      return false;
  }
}

bool MatchesNumber(double v, const Comparison& c) {
  switch (c.op) {
    case CompareOp::kEq:
      return v == c.value.number;
    case CompareOp::kNe:
      return v != c.value.number;
    case CompareOp::kGt:
      return v > c.value.number;
    case CompareOp::kGe:
      return v >= c.value.number;
    case CompareOp::kLt:
      return v < c.value.number;
    case CompareOp::kLe:
      return v <= c.value.number;
    default:
      return false;
  }
}

bool MatchesLike(std::string_view value, std::string_view pattern, bool case_insensitive) {
  auto eq = [&](char a, char b) {
    if (!case_insensitive) return a == b;
    return AsciiLower(a) == AsciiLower(b);
  };
  // '_' is one character, as in SQL: step over a whole UTF-8 sequence.
  auto char_len = [&](size_t at) -> size_t {
    unsigned char c = static_cast<unsigned char>(value[at]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    return std::min(n, value.size() - at);
  };
  // Iterative matching with backtracking to the last '%' (linear in practice, no recursion).
  size_t v = 0, p = 0, star_p = std::string_view::npos, star_v = 0;
  while (v < value.size()) {
    if (p < pattern.size() && pattern[p] == '%') {
      star_p = p++;
      star_v = v;
    } else if (p < pattern.size() && pattern[p] == '_') {
      ++p;
      v += char_len(v);
    } else if (p < pattern.size() && eq(pattern[p], value[v])) {
      ++p;
      ++v;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      star_v += char_len(star_v);
      v = star_v;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '%') ++p;
  return p == pattern.size();
}

}  // namespace keel::tracking
