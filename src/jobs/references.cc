// Scans text for {{references}} once, in one place, so that validation (job_spec.cc) and
// substitution (the runner) agree on what is a reference and what is literal text.

#include "jobs/references.h"

#include <cstddef>
#include <utility>

namespace keel::jobs {

namespace {

constexpr std::string_view kOpen = "{{";
constexpr std::string_view kClose = "}}";

// A reference longer than this is refused; it cannot be one of the forms.
constexpr size_t kMaxReferenceBytes = 1024;

constexpr std::string_view kForms =
    "{{job.id}}, {{job.name}}, {{job.run_id}}, {{job.parameters.<name>}}, "
    "{{job.trigger.type}}, {{job.start_time.iso_datetime}}, {{task.name}}, {{task.run_id}}, "
    "{{task.execution_count}}, {{tasks.<task_key>.values.<key>}}, "
    "{{tasks.<task_key>.result_state}} and {{tasks.<task_key>.run_id}}";

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

Status Unknown(std::string_view text, std::string_view why) {
  return Status::InvalidArgument("unknown reference '{{" + std::string(text) + "}}' (" +
                                 std::string(why) + "); references are " + std::string(kForms));
}

// Splits and checks one reference against the forms in references.h.
Result<Reference> MakeReference(std::string_view inner) {
  std::string_view text = Trim(inner);
  if (text.empty()) {
    return Status::InvalidArgument("empty reference '{{" + std::string(inner) +
                                   "}}'; write one of " + std::string(kForms) +
                                   ", or \\{{ for a literal {{");
  }
  if (text.size() > kMaxReferenceBytes) {
    return Status::InvalidArgument("reference '{{" + std::string(text.substr(0, 60)) +
                                   "...' is longer than " + std::to_string(kMaxReferenceBytes) +
                                   " bytes");
  }
  Reference ref;
  ref.text = std::string(text);
  size_t start = 0;
  while (true) {
    size_t dot = text.find('.', start);
    std::string_view part = text.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (part.empty()) return Unknown(text, "an empty name between dots");
    for (char c : part) {
      if (!IsNameChar(c)) {
        return Unknown(text, "names hold only letters, digits, '_' and '-'");
      }
    }
    ref.parts.emplace_back(part);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  const std::vector<std::string>& p = ref.parts;
  size_t n = p.size();
  bool known = false;
  if (p[0] == "job") {
    known = (n == 2 && (p[1] == "id" || p[1] == "name" || p[1] == "run_id")) ||
            (n == 3 && p[1] == "parameters") || (n == 3 && p[1] == "trigger" && p[2] == "type") ||
            (n == 3 && p[1] == "start_time" && p[2] == "iso_datetime");
  } else if (p[0] == "task") {
    known = n == 2 && (p[1] == "name" || p[1] == "run_id" || p[1] == "execution_count");
  } else if (p[0] == "tasks") {
    known =
        (n == 4 && p[2] == "values") || (n == 3 && (p[2] == "result_state" || p[2] == "run_id"));
  } else {
    return Unknown(text, "'" + p[0] + "' is not a namespace; use job, task or tasks");
  }
  if (!known) return Unknown(text, "not a form of the '" + p[0] + "' namespace");
  return ref;
}

// Walks `text`, handing literal pieces to on_text and references to on_ref, in order.
template <typename OnText, typename OnRef>
Status Scan(std::string_view text, OnText on_text, OnRef on_ref) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find(kOpen, pos);
    if (open == std::string_view::npos) {
      on_text(text.substr(pos));
      return Status::OK();
    }
    if (open > 0 && text[open - 1] == '\\') {
      // "\{{" is a literal "{{": drop the backslash, keep the braces as text.
      on_text(text.substr(pos, open - 1 - pos));
      on_text(kOpen);
      pos = open + kOpen.size();
      continue;
    }
    on_text(text.substr(pos, open - pos));
    size_t close = text.find(kClose, open + kOpen.size());
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("unclosed '{{' at character " + std::to_string(open + 1) +
                                     " of '" + std::string(text.substr(0, 200)) +
                                     "'; close it with }}, or write \\{{ for a literal {{");
    }
    KEEL_ASSIGN_OR_RETURN(Reference ref, MakeReference(text.substr(open + kOpen.size(),
                                                                   close - open - kOpen.size())));
    KEEL_RETURN_IF_ERROR(on_ref(std::move(ref)));
    pos = close + kClose.size();
  }
  return Status::OK();
}

}  // namespace

Result<std::vector<Reference>> FindReferences(std::string_view text) {
  std::vector<Reference> refs;
  KEEL_RETURN_IF_ERROR(Scan(
      text, [](std::string_view) {},
      [&refs](Reference ref) {
        refs.push_back(std::move(ref));
        return Status::OK();
      }));
  return refs;
}

Result<std::string> SubstituteReferences(
    std::string_view text, const std::function<Result<std::string>(const Reference&)>& resolve) {
  std::string out;
  out.reserve(text.size());
  KEEL_RETURN_IF_ERROR(Scan(
      text, [&out](std::string_view piece) { out.append(piece); },
      [&](Reference ref) -> Status {
        KEEL_ASSIGN_OR_RETURN(std::string value, resolve(ref));
        out += value;
        return Status::OK();
      }));
  return out;
}

}  // namespace keel::jobs
