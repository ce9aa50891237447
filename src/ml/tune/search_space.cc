#include "ml/tune/search_space.h"

#include <charconv>
#include <cmath>
#include <set>
#include <string>
#include <utility>

namespace keel::ml {

namespace {

// Shortest form that reads back as the same double: "2", "0.001".
std::string FormatNumber(double d) {
  char buf[64];
  std::to_chars_result r = std::to_chars(buf, buf + sizeof(buf), d);
  return std::string(buf, r.ptr);
}

// A value as JSON for a message, cut short so a stray long string does not flood it.
std::string Abbreviate(const json::Value& v) {
  constexpr size_t kMaxShownChars = 80;
  std::string text = v.Dump();
  if (text.size() > kMaxShownChars) text = text.substr(0, kMaxShownChars) + "...";
  return text;
}

Status ParamError(std::string_view name, std::string_view what) {
  std::string msg = "search space parameter '";
  msg += name;
  msg += "': ";
  msg += what;
  return Status::InvalidArgument(std::move(msg));
}

Result<ParamKind> ParseKind(std::string_view name, const json::Value* type) {
  if (type == nullptr || type->is_null()) {
    return ParamError(name,
                      "missing 'type'; use one of uniform, loguniform, int, choice (or give a "
                      "list of values as shorthand for choice)");
  }
  if (!type->is_string()) {
    return ParamError(name, "'type' must be a string: uniform, loguniform, int or choice");
  }
  const std::string& t = type->as_string();
  if (t == "uniform") return ParamKind::kUniform;
  if (t == "loguniform") return ParamKind::kLogUniform;
  if (t == "int") return ParamKind::kInt;
  if (t == "choice") return ParamKind::kChoice;
  return ParamError(name, "unknown type '" + t + "'; use uniform, loguniform, int or choice");
}

Result<double> ReadBound(std::string_view name, const json::Value& body, std::string_view key) {
  const json::Value* v = body.Find(key);
  if (v == nullptr || v->is_null()) {
    return ParamError(name, "missing '" + std::string(key) + "'; give a number");
  }
  if (!v->is_number()) {
    return ParamError(name, "'" + std::string(key) + "' must be a number, not " + Abbreviate(*v));
  }
  double d = v->as_double();
  if (!std::isfinite(d)) {
    return ParamError(name, "'" + std::string(key) + "' must be finite, not " + Abbreviate(*v));
  }
  return d;
}

Status CheckMembers(std::string_view name, const json::Value& body,
                    std::initializer_list<std::string_view> allowed) {
  for (const json::Value::Member& member : body.as_object()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || member.first == a;
    if (known) continue;
    std::string list;
    for (std::string_view a : allowed) {
      if (!list.empty()) list += ", ";
      list += a;
    }
    return ParamError(name, "unknown member '" + member.first + "'; expected only " + list);
  }
  return Status::OK();
}

Result<std::vector<json::Value>> ReadChoices(std::string_view name, const json::Value& list) {
  if (!list.is_array()) {
    return ParamError(name, "'values' must be a list of the values to choose from");
  }
  if (list.size() == 0) {
    return ParamError(name, "the choice has no values; list at least one");
  }
  if (list.size() > kMaxChoiceValues) {
    return ParamError(name, "the choice has " + std::to_string(list.size()) +
                                " values, more than the limit of " +
                                std::to_string(kMaxChoiceValues));
  }
  return list.as_array();
}

Result<ParamSpec> ParseParam(const std::string& name, const json::Value& body) {
  ParamSpec param;
  param.name = name;
  if (body.is_array()) {
    param.kind = ParamKind::kChoice;
    KEEL_ASSIGN_OR_RETURN(param.choices, ReadChoices(name, body));
    return param;
  }
  if (!body.is_object()) {
    return ParamError(name,
                      "expected an object such as {\"type\": \"uniform\", \"low\": 0, \"high\": "
                      "1} or a list of choices, not " +
                          Abbreviate(body));
  }
  KEEL_ASSIGN_OR_RETURN(param.kind, ParseKind(name, body.Find("type")));
  if (param.kind == ParamKind::kChoice) {
    KEEL_RETURN_IF_ERROR(CheckMembers(name, body, {"type", "values"}));
    const json::Value* values = body.Find("values");
    if (values == nullptr || values->is_null()) {
      return ParamError(name, "missing 'values'; list the values to choose from");
    }
    KEEL_ASSIGN_OR_RETURN(param.choices, ReadChoices(name, *values));
    return param;
  }
  KEEL_RETURN_IF_ERROR(CheckMembers(name, body, {"type", "low", "high"}));
  KEEL_ASSIGN_OR_RETURN(param.low, ReadBound(name, body, "low"));
  KEEL_ASSIGN_OR_RETURN(param.high, ReadBound(name, body, "high"));
  if (param.kind == ParamKind::kInt) {
    if (param.low != std::floor(param.low) || param.high != std::floor(param.high)) {
      return ParamError(name, "int bounds must be integers (got low " + FormatNumber(param.low) +
                                  ", high " + FormatNumber(param.high) + ")");
    }
    if (std::fabs(param.low) > kMaxIntParamMagnitude ||
        std::fabs(param.high) > kMaxIntParamMagnitude) {
      return ParamError(name, "int bounds must lie within +-2^53");
    }
  }
  if (param.low > param.high) {
    std::string what = "low (" + FormatNumber(param.low) + ") is greater than high (" +
                       FormatNumber(param.high) + ")";
    if (param.kind == ParamKind::kInt) what += ", so the range holds no integer";
    return ParamError(name, what + "; swap them");
  }
  if (param.kind == ParamKind::kLogUniform && param.low <= 0) {
    return ParamError(name, "loguniform needs low > 0 (got " + FormatNumber(param.low) +
                                "); use uniform for ranges that include zero or negative values");
  }
  return param;
}

}  // namespace

std::string_view ParamKindName(ParamKind kind) {
  switch (kind) {
    case ParamKind::kUniform:
      return "uniform";
    case ParamKind::kLogUniform:
      return "loguniform";
    case ParamKind::kInt:
      return "int";
    case ParamKind::kChoice:
      return "choice";
  }
  return "unknown";
}

Result<SearchSpace> SearchSpace::FromJson(const json::Value& spec) {
  if (!spec.is_object()) {
    return Status::InvalidArgument(
        "search space must be an object of parameter name -> distribution, such as "
        "{\"eta\": {\"type\": \"loguniform\", \"low\": 0.001, \"high\": 0.3}}");
  }
  const json::Value::Object& members = spec.as_object();
  if (members.empty()) {
    return Status::InvalidArgument("search space is empty; give at least one parameter to tune");
  }
  if (members.size() > kMaxSearchSpaceParams) {
    return Status::InvalidArgument("search space has " + std::to_string(members.size()) +
                                   " parameters, more than the limit of " +
                                   std::to_string(kMaxSearchSpaceParams));
  }
  SearchSpace space;
  std::set<std::string> seen;
  for (const json::Value::Member& member : members) {
    if (member.first.empty()) {
      return Status::InvalidArgument("search space has a parameter with an empty name");
    }
    if (!seen.insert(member.first).second) {
      return ParamError(member.first, "named twice; give each parameter once");
    }
    KEEL_ASSIGN_OR_RETURN(ParamSpec param, ParseParam(member.first, member.second));
    space.params.push_back(std::move(param));
  }
  return space;
}

json::Value SearchSpace::ToJson() const {
  json::Value out = json::Value::MakeObject();
  for (const ParamSpec& param : params) {
    json::Value body = json::Value::MakeObject();
    body.Set("type", ParamKindName(param.kind));
    if (param.kind == ParamKind::kChoice) {
      body.Set("values", json::Value(param.choices));
    } else if (param.kind == ParamKind::kInt) {
      body.Set("low", json::Value(static_cast<int64_t>(param.low)));
      body.Set("high", json::Value(static_cast<int64_t>(param.high)));
    } else {
      body.Set("low", param.low);
      body.Set("high", param.high);
    }
    out.Set(param.name, std::move(body));
  }
  return out;
}

}  // namespace keel::ml
