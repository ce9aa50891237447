#include "jobs/bundle/bundle.h"

#include <deque>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <system_error>

#include "jobs/bundle/deep_merge_internal.h"
#include "jobs/bundle/include_glob.h"
#include "jobs/bundle/interpolation.h"
#include "jobs/bundle/source_file_internal.h"

namespace keel::jobs {

namespace {

namespace fs = std::filesystem;

using bundle_internal::At;
using bundle_internal::DeepMerge;
using bundle_internal::ErrorAt;
using bundle_internal::JoinIndex;
using bundle_internal::JoinKey;
using bundle_internal::JoinNames;
using bundle_internal::LocationsUnder;
using bundle_internal::Origin;
using bundle_internal::ReadSource;
using bundle_internal::RejectUnknownKeys;
using bundle_internal::RequireObject;
using bundle_internal::SourceFile;

// Variables referring to variables nest at most this deep, which also bounds the recursion.
constexpr int kMaxVariableNesting = 32;

constexpr std::string_view kResourceKinds[] = {"jobs", "experiments", "registered_models"};

// The text of a scalar variable value; nullopt for null, arrays and mappings.
std::optional<std::string> ScalarText(const json::Value& v) {
  switch (v.type()) {
    case json::Type::kString:
      return v.as_string();
    case json::Type::kBool:
      return std::string(v.as_bool() ? "true" : "false");
    case json::Type::kInt:
      return std::to_string(v.as_int());
    case json::Type::kDouble:
      return v.Dump();
    case json::Type::kNull:
    case json::Type::kArray:
    case json::Type::kObject:
      return std::nullopt;
  }
  return std::nullopt;
}

// ${workspace.current_user.short_name}: the user name up to '@', as Databricks derives it.
std::string ShortName(const std::string& user) {
  std::string out;
  for (char c : user.substr(0, user.find('@'))) {
    bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    out.push_back(alnum ? c : '_');
  }
  return out;
}

// A resource before target overrides: its value as resolved from the file that defines it.
struct PendingResource {
  json::Value settings;
  const SourceFile* file = nullptr;
  std::string path;  // "resources.jobs.<key>" or "targets.<t>.resources.jobs.<key>"
};

// Loads one bundle for one target; used once.
class BundleLoader {
 public:
  BundleLoader(const std::map<std::string, std::string>& overrides, const BundleContext& context)
      : overrides_(overrides), context_(context) {}

  Result<Bundle> Load(const std::string& root_dir, std::string_view target);

 private:
  Status ReadProjectFile();
  Status ReadBundleSection();
  Status SelectTarget(std::string_view requested);
  Status ReadTargetSettings();
  Status DeclareVariables();
  Status ResolveAllVariables();
  Status ReadIncludedFiles();
  Status CollectResources(const SourceFile& file);
  Status ApplyTargetResources();
  Status ApplyRunAs();
  Status ApplyMode();
  Status CheckExperimentsAndModels();
  void Emit();

  // Gives the value of reference `name` used at `origin`.
  Result<std::string> Lookup(std::string_view name, const Origin& origin);
  Result<std::string> ResolveVariable(const std::string& name, const Origin& origin);
  // Substitutes the references in `text`, which came from `origin`.
  Result<std::string> Interpolate(const std::string& text, const Origin& origin, size_t max_bytes);
  // Substitutes in every string of `value` (at `path` in `file`).
  Result<json::Value> ResolveTree(const SourceFile& file, const std::string& path,
                                  const json::Value& value);

  const SourceFile& project() const { return files_.front(); }

  const std::map<std::string, std::string>& overrides_;
  const BundleContext& context_;

  std::string root_;
  // [0] is keel.yml. A deque, so the Origins and resources pointing at files stay valid.
  std::deque<SourceFile> files_;
  std::string name_;
  std::string target_name_;
  std::string target_path_;              // "targets.<name>"
  const json::Value* target_ = nullptr;  // in project().doc; an object, or null for `dev:`
  BundleMode mode_ = BundleMode::kDefault;
  std::string required_branch_;

  struct Variable {
    std::string raw;  // before substitution
    bool has_value = false;
    Origin origin;  // where the value (or the declaration) is
    enum class State { kPending, kResolving, kDone } state = State::kPending;
    std::string value;
  };
  std::map<std::string, Variable> variables_;
  std::vector<std::string> resolving_;  // the chain being resolved, for cycle messages
  size_t resolved_bytes_ = 0;

  // kind -> key -> resource; std::map keeps keys sorted.
  std::map<std::string, std::map<std::string, PendingResource>, std::less<>> resources_;
  Bundle bundle_;
};

Result<Bundle> BundleLoader::Load(const std::string& root_dir, std::string_view target) {
  std::error_code ec;
  fs::path root = fs::canonical(root_dir, ec);
  if (ec) return Status::NotFound("bundle folder '" + root_dir + "' does not exist");
  if (!fs::is_directory(root, ec)) {
    return Status::InvalidArgument("bundle folder '" + root_dir + "' is not a folder");
  }
  root_ = root.string();
  KEEL_RETURN_IF_ERROR(ReadProjectFile());
  KEEL_RETURN_IF_ERROR(ReadBundleSection());
  KEEL_RETURN_IF_ERROR(SelectTarget(target));
  KEEL_RETURN_IF_ERROR(ReadTargetSettings());
  KEEL_RETURN_IF_ERROR(DeclareVariables());
  KEEL_RETURN_IF_ERROR(ResolveAllVariables());
  KEEL_RETURN_IF_ERROR(ReadIncludedFiles());
  for (const SourceFile& file : files_) KEEL_RETURN_IF_ERROR(CollectResources(file));
  KEEL_RETURN_IF_ERROR(ApplyTargetResources());
  KEEL_RETURN_IF_ERROR(ApplyRunAs());
  KEEL_RETURN_IF_ERROR(ApplyMode());
  KEEL_RETURN_IF_ERROR(CheckExperimentsAndModels());
  Emit();
  return std::move(bundle_);
}

Status BundleLoader::ReadProjectFile() {
  std::error_code ec;
  bool has_yml = fs::exists(root_ + "/keel.yml", ec);
  bool has_yaml = fs::exists(root_ + "/keel.yaml", ec);
  if (has_yml && has_yaml) {
    return Status::InvalidArgument("the bundle folder has both keel.yml and keel.yaml; keep one");
  }
  if (!has_yml && !has_yaml) {
    return Status::NotFound("no keel.yml in '" + root_ +
                            "'; a bundle folder needs a keel.yml with at least `bundle: {name: "
                            "...}`");
  }
  KEEL_ASSIGN_OR_RETURN(SourceFile file, ReadSource(root_, has_yml ? "keel.yml" : "keel.yaml"));
  files_.push_back(std::move(file));
  const SourceFile& main = project();
  if (main.doc.is_null()) {
    return Status::InvalidArgument(main.name +
                                   ": the file is empty; it needs at least "
                                   "`bundle: {name: ...}`");
  }
  KEEL_RETURN_IF_ERROR(RequireObject(At(main, ""), main.doc, "the project file"));
  return RejectUnknownKeys(main, "", main.doc,
                           {"bundle", "variables", "include", "resources", "targets", "run_as"},
                           "the project file");
}

Status BundleLoader::ReadBundleSection() {
  const SourceFile& main = project();
  const json::Value* bundle = main.doc.Find("bundle");
  if (bundle == nullptr || bundle->is_null()) {
    return ErrorAt(At(main, ""), "`bundle: {name: ...}` is missing");
  }
  KEEL_RETURN_IF_ERROR(RequireObject(At(main, "bundle"), *bundle, "bundle"));
  KEEL_RETURN_IF_ERROR(RejectUnknownKeys(main, "bundle", *bundle, {"name"}, "bundle"));
  const json::Value* name = bundle->Find("name");
  if (name == nullptr || !name->is_string() || name->as_string().empty()) {
    return ErrorAt(At(main, "bundle"), "bundle.name must be a non-empty string");
  }
  name_ = name->as_string();
  return Status::OK();
}

Status BundleLoader::SelectTarget(std::string_view requested) {
  const SourceFile& main = project();
  const json::Value* targets = main.doc.Find("targets");
  if (targets == nullptr || targets->is_null() || targets->size() == 0) {
    return ErrorAt(At(main, ""),
                   "no targets are defined; add e.g. `targets: {dev: {mode: "
                   "development, default: true}}`");
  }
  KEEL_RETURN_IF_ERROR(RequireObject(At(main, "targets"), *targets, "targets"));
  std::vector<std::string> names;
  std::vector<std::string> defaults;
  for (const auto& [key, value] : targets->as_object()) {
    names.push_back(key);
    std::string path = JoinKey("targets", key);
    if (!value.is_null()) {
      // Every target, not only the selected one: deploying dev catches a typo in prod.
      KEEL_RETURN_IF_ERROR(RequireObject(At(main, path), value, "target '" + key + "'"));
      KEEL_RETURN_IF_ERROR(RejectUnknownKeys(
          main, path, value, {"mode", "default", "variables", "resources", "run_as", "git"},
          "target '" + key + "'"));
    }
    const json::Value* is_default = value.Find("default");
    if (is_default != nullptr && !is_default->is_bool()) {
      return ErrorAt(At(main, JoinKey(path, "default")), "`default` must be true or false");
    }
    if (is_default != nullptr && is_default->as_bool()) defaults.push_back(key);
  }
  if (defaults.size() > 1) {
    return ErrorAt(At(main, "targets"), "more than one target has `default: true` (" +
                                            JoinNames(defaults) + "); keep one");
  }
  if (requested.empty()) {
    if (defaults.empty()) {
      return Status::InvalidArgument(
          "no target given and none has `default: true`; pick one "
          "of: " +
          JoinNames(names));
    }
    requested = defaults.front();
  }
  target_ = targets->Find(requested);
  if (target_ == nullptr) {
    return Status::InvalidArgument("unknown target '" + std::string(requested) + "'; " + main.name +
                                   " defines: " + JoinNames(names));
  }
  target_name_ = std::string(requested);
  target_path_ = JoinKey("targets", requested);
  return Status::OK();
}

Status BundleLoader::ReadTargetSettings() {
  const SourceFile& main = project();
  if (target_->is_null()) return Status::OK();
  if (const json::Value* mode = target_->Find("mode"); mode != nullptr && !mode->is_null()) {
    std::string mode_path = JoinKey(target_path_, "mode");
    if (!mode->is_string()) return ErrorAt(At(main, mode_path), "`mode` must be a string");
    if (mode->as_string() == "development") {
      mode_ = BundleMode::kDevelopment;
    } else if (mode->as_string() == "production") {
      mode_ = BundleMode::kProduction;
    } else {
      return ErrorAt(At(main, mode_path),
                     "unknown mode '" + mode->as_string() + "'; use development or production");
    }
  }
  if (const json::Value* git = target_->Find("git"); git != nullptr && !git->is_null()) {
    std::string git_path = JoinKey(target_path_, "git");
    KEEL_RETURN_IF_ERROR(RequireObject(At(main, git_path), *git, "git"));
    KEEL_RETURN_IF_ERROR(RejectUnknownKeys(main, git_path, *git, {"branch"}, "git"));
    const json::Value* branch = git->Find("branch");
    if (branch != nullptr && (!branch->is_string() || branch->as_string().empty())) {
      return ErrorAt(At(main, JoinKey(git_path, "branch")),
                     "git.branch must be a non-empty branch name");
    }
    // Only production deploys are held to the branch, as in Databricks.
    if (branch != nullptr && mode_ == BundleMode::kProduction) {
      required_branch_ = branch->as_string();
    }
  }
  if (mode_ == BundleMode::kDevelopment && context_.user.empty()) {
    return Status::InvalidArgument("target '" + target_name_ +
                                   "' is in development mode, which names resources after the "
                                   "current user, but no user is known; log in first");
  }
  return Status::OK();
}

Status BundleLoader::DeclareVariables() {
  const SourceFile& main = project();
  const json::Value* declared = main.doc.Find("variables");
  if (declared != nullptr && !declared->is_null()) {
    KEEL_RETURN_IF_ERROR(RequireObject(At(main, "variables"), *declared, "variables"));
    for (const auto& [name, spec] : declared->as_object()) {
      std::string path = JoinKey("variables", name);
      Variable variable;
      variable.origin = At(main, path);
      if (!spec.is_null()) {
        KEEL_RETURN_IF_ERROR(RequireObject(At(main, path), spec, "variable '" + name + "'"));
        KEEL_RETURN_IF_ERROR(RejectUnknownKeys(main, path, spec, {"description", "default"},
                                               "variable '" + name + "'"));
        const json::Value* description = spec.Find("description");
        if (description != nullptr && !description->is_null() && !description->is_string()) {
          return ErrorAt(At(main, JoinKey(path, "description")), "description must be a string");
        }
        if (const json::Value* value = spec.Find("default");
            value != nullptr && !value->is_null()) {
          std::optional<std::string> text = ScalarText(*value);
          std::string default_path = JoinKey(path, "default");
          if (!text) {
            return ErrorAt(At(main, default_path),
                           "variable '" + name +
                               "' has a list or mapping as default; variables "
                               "hold strings, numbers or booleans");
          }
          variable.raw = *text;
          variable.has_value = true;
          variable.origin = At(main, default_path);
        }
      }
      variables_[name] = std::move(variable);
    }
  }

  const json::Value* target_values = target_->is_null() ? nullptr : target_->Find("variables");
  if (target_values != nullptr && !target_values->is_null()) {
    std::string values_path = JoinKey(target_path_, "variables");
    KEEL_RETURN_IF_ERROR(RequireObject(At(main, values_path), *target_values, "variables"));
    for (const auto& [name, value] : target_values->as_object()) {
      std::string path = JoinKey(values_path, name);
      auto it = variables_.find(name);
      if (it == variables_.end()) {
        return ErrorAt(At(main, path), "target '" + target_name_ + "' sets variable '" + name +
                                           "', which is not declared; declare it under the "
                                           "top-level `variables:`");
      }
      std::optional<std::string> text = ScalarText(value);
      if (!text) {
        return ErrorAt(At(main, path), "give variable '" + name +
                                           "' a string, number or boolean value here (`" + name +
                                           ": value`)");
      }
      it->second.raw = *text;
      it->second.has_value = true;
      it->second.origin = At(main, path);
    }
  }

  for (const auto& [name, value] : overrides_) {
    auto it = variables_.find(name);
    if (it == variables_.end()) {
      std::vector<std::string> names;
      for (const auto& entry : variables_) names.push_back(entry.first);
      return Status::InvalidArgument("--var " + name + ": no variable '" + name +
                                     "' is declared in " + main.name +
                                     "; declared: " + JoinNames(names));
    }
    it->second.raw = value;
    it->second.has_value = true;
    it->second.origin = Origin{nullptr, "", "--var " + name};
  }

  for (const auto& [name, variable] : variables_) {
    if (variable.has_value) continue;
    return ErrorAt(variable.origin, "variable '" + name +
                                        "' has no value; give it a `default`, "
                                        "set it under targets." +
                                        target_name_ + ".variables, or pass --var " + name +
                                        "=<value>");
  }
  return Status::OK();
}

Status BundleLoader::ResolveAllVariables() {
  for (auto& [name, variable] : variables_) {
    KEEL_ASSIGN_OR_RETURN(std::string value, ResolveVariable(name, variable.origin));
    bundle_.variables[name] = std::move(value);
  }
  return Status::OK();
}

Result<std::string> BundleLoader::ResolveVariable(const std::string& name, const Origin& origin) {
  auto it = variables_.find(name);
  if (it == variables_.end()) {
    std::vector<std::string> names;
    for (const auto& entry : variables_) names.push_back(entry.first);
    return ErrorAt(origin, "unknown variable '" + name + "' in ${var." + name +
                               "}; declared variables: " + JoinNames(names));
  }
  Variable& variable = it->second;
  if (variable.state == Variable::State::kDone) return variable.value;
  if (variable.state == Variable::State::kResolving) {
    std::string chain;
    bool in_cycle = false;
    for (const std::string& link : resolving_) {
      in_cycle = in_cycle || link == name;
      if (in_cycle) chain += link + " -> ";
    }
    return ErrorAt(origin, "variables refer to each other in a cycle: " + chain + name +
                               "; give one of them a plain value");
  }
  if (resolving_.size() >= static_cast<size_t>(kMaxVariableNesting)) {
    return ErrorAt(origin, "variables refer to variables more than " +
                               std::to_string(kMaxVariableNesting) + " levels deep");
  }
  variable.state = Variable::State::kResolving;
  resolving_.push_back(name);
  Result<std::string> value = Interpolate(variable.raw, variable.origin, kMaxBundleVariableBytes);
  resolving_.pop_back();
  if (!value.ok()) return value.status();
  variable.value = std::move(value).value();
  variable.state = Variable::State::kDone;
  return variable.value;
}

Result<std::string> BundleLoader::Lookup(std::string_view name, const Origin& origin) {
  if (name.substr(0, 4) == "var.") return ResolveVariable(std::string(name.substr(4)), origin);
  std::string ref = "${" + std::string(name) + "}";
  auto known = [&](const std::string& value, std::string_view why_empty) -> Result<std::string> {
    if (!value.empty()) return value;
    return ErrorAt(origin, ref + " has no value: " + std::string(why_empty));
  };
  if (name == "bundle.name") return name_;
  if (name == "bundle.target") return target_name_;
  if (name == "bundle.git.commit") {
    return known(context_.git_commit, "the bundle is not deployed from a git checkout");
  }
  if (name == "bundle.git.branch") {
    return known(context_.git_branch, "the checkout is not on a branch (detached HEAD?)");
  }
  if (name == "workspace.current_user.userName") {
    return known(context_.user, "no current user is known; log in first");
  }
  if (name == "workspace.current_user.short_name") {
    return known(ShortName(context_.user), "no current user is known; log in first");
  }
  return ErrorAt(origin, "unknown reference " + ref +
                             "; bundles know ${var.<name>}, ${bundle.name}, ${bundle.target}, "
                             "${bundle.git.commit}, ${bundle.git.branch}, "
                             "${workspace.current_user.userName} and "
                             "${workspace.current_user.short_name} (write $${ for a literal ${)");
}

Result<std::string> BundleLoader::Interpolate(const std::string& text, const Origin& origin,
                                              size_t max_bytes) {
  if (text.find('$') == std::string::npos) return text;
  bool lookup_failed = false;
  Result<std::string> result = SubstituteReferences(
      text,
      [&](std::string_view name) {
        Result<std::string> value = Lookup(name, origin);
        lookup_failed = !value.ok();
        return value;
      },
      max_bytes);
  // Lookup errors already say where they are; only the size error needs the place.
  if (!result.ok() && !lookup_failed) {
    return Status(result.status().code(), origin.Describe() + ": " + result.status().message());
  }
  if (result.ok()) {
    resolved_bytes_ += result->size();
    if (resolved_bytes_ > kMaxBundleResolvedBytes) {
      return Status::LimitExceeded(origin.Describe() +
                                   ": substituting references gives more than " +
                                   std::to_string(kMaxBundleResolvedBytes) + " bytes in all");
    }
  }
  return result;
}

Result<json::Value> BundleLoader::ResolveTree(const SourceFile& file, const std::string& path,
                                              const json::Value& value) {
  switch (value.type()) {
    case json::Type::kString: {
      KEEL_ASSIGN_OR_RETURN(std::string text, Interpolate(value.as_string(), At(file, path),
                                                          kMaxBundleResolvedBytes));
      return json::Value(std::move(text));
    }
    case json::Type::kArray: {
      json::Value out = json::Value::MakeArray();
      const json::Value::Array& elements = value.as_array();
      for (size_t element_idx = 0; element_idx < elements.size(); ++element_idx) {
        KEEL_ASSIGN_OR_RETURN(json::Value element, ResolveTree(file, JoinIndex(path, element_idx),
                                                               elements[element_idx]));
        out.Append(std::move(element));
      }
      return out;
    }
    case json::Type::kObject: {
      json::Value out = json::Value::MakeObject();
      for (const auto& [key, member] : value.as_object()) {
        KEEL_ASSIGN_OR_RETURN(json::Value resolved, ResolveTree(file, JoinKey(path, key), member));
        out.as_object().emplace_back(key, std::move(resolved));
      }
      return out;
    }
    case json::Type::kNull:
    case json::Type::kBool:
    case json::Type::kInt:
    case json::Type::kDouble:
      return value;
  }
  return value;
}

Status BundleLoader::ReadIncludedFiles() {
  const SourceFile& main = project();
  const json::Value* include = main.doc.Find("include");
  if (include == nullptr || include->is_null()) return Status::OK();
  if (!include->is_array()) {
    return ErrorAt(At(main, "include"), "`include` must be a list of paths or globs");
  }
  IncludeGlobOptions options;
  options.skip = {"keel.yml", "keel.yaml"};
  options.max_walk_entries = kMaxBundleWalkEntries;
  size_t walk_entries = 0;
  std::vector<std::string> paths;
  const json::Value::Array& patterns = include->as_array();
  for (size_t pattern_idx = 0; pattern_idx < patterns.size(); ++pattern_idx) {
    Origin origin = At(main, JoinIndex("include", pattern_idx));
    const json::Value& pattern = patterns[pattern_idx];
    if (!pattern.is_string()) return ErrorAt(origin, "include entries must be strings");
    Status status =
        ExpandIncludePattern(root_, pattern.as_string(), options, &walk_entries, &paths);
    if (!status.ok()) return Status(status.code(), origin.Describe() + ": " + status.message());
    if (paths.size() > kMaxBundleIncludedFiles) {
      return Status::LimitExceeded(origin.Describe() + ": the includes match more than " +
                                   std::to_string(kMaxBundleIncludedFiles) + " files");
    }
  }
  for (const std::string& path : paths) {
    KEEL_ASSIGN_OR_RETURN(SourceFile file, ReadSource(root_, path));
    if (!file.doc.is_null()) {
      KEEL_RETURN_IF_ERROR(RequireObject(At(file, ""), file.doc, "an included file"));
      for (const auto& [key, value] : file.doc.as_object()) {
        if (key == "resources") continue;
        return ErrorAt(At(file, key), "'" + key +
                                          "' is not allowed in an included file, only "
                                          "`resources`; put it in " +
                                          main.name);
      }
    }
    files_.push_back(std::move(file));
  }
  return Status::OK();
}

// "jobs" -> "job" for messages.
std::string KindSingular(std::string_view kind) {
  if (kind == "jobs") return "job";
  if (kind == "experiments") return "experiment";
  return "registered model";
}

// Validates the `resources` mapping at `path` in `file`, calling add(kind, key, value_path, value)
// for each resource.
template <typename AddFn>
Status ForEachResource(const SourceFile& file, const std::string& path,
                       const json::Value& resources, AddFn add) {
  KEEL_RETURN_IF_ERROR(RequireObject(At(file, path), resources, "resources"));
  for (const auto& [kind, by_key] : resources.as_object()) {
    std::string kind_path = JoinKey(path, kind);
    bool known = false;
    for (std::string_view name : kResourceKinds) known = known || kind == name;
    if (!known) {
      return ErrorAt(At(file, kind_path), "unknown resource type '" + kind +
                                              "'; bundles hold jobs, experiments and "
                                              "registered_models");
    }
    if (by_key.is_null()) continue;
    KEEL_RETURN_IF_ERROR(RequireObject(At(file, kind_path), by_key, "resources." + kind));
    for (const auto& [key, value] : by_key.as_object()) {
      std::string key_path = JoinKey(kind_path, key);
      if (!value.is_object()) {
        return ErrorAt(At(file, key_path),
                       KindSingular(kind) + " '" + key + "' must be a mapping of its settings");
      }
      KEEL_RETURN_IF_ERROR(add(kind, key, key_path, value));
    }
  }
  return Status::OK();
}

Status BundleLoader::CollectResources(const SourceFile& file) {
  const json::Value* resources = file.doc.Find("resources");
  if (resources == nullptr || resources->is_null()) return Status::OK();
  return ForEachResource(
      file, "resources", *resources,
      [&](const std::string& kind, const std::string& key, const std::string& path,
          const json::Value& value) -> Status {
        auto& by_key = resources_[kind];
        auto it = by_key.find(key);
        if (it != by_key.end()) {
          return ErrorAt(At(file, path), KindSingular(kind) + " '" + key +
                                             "' is defined twice: in " +
                                             At(*it->second.file, it->second.path).Describe() +
                                             " and here; rename one of them");
        }
        KEEL_ASSIGN_OR_RETURN(json::Value resolved, ResolveTree(file, path, value));
        by_key[key] = PendingResource{std::move(resolved), &file, path};
        return Status::OK();
      });
}

Status BundleLoader::ApplyTargetResources() {
  if (target_->is_null()) return Status::OK();
  const json::Value* overrides = target_->Find("resources");
  if (overrides == nullptr || overrides->is_null()) return Status::OK();
  const SourceFile& main = project();
  return ForEachResource(main, JoinKey(target_path_, "resources"), *overrides,
                         [&](const std::string& kind, const std::string& key,
                             const std::string& path, const json::Value& value) -> Status {
                           KEEL_ASSIGN_OR_RETURN(json::Value resolved,
                                                 ResolveTree(main, path, value));
                           auto& by_key = resources_[kind];
                           auto it = by_key.find(key);
                           if (it == by_key.end()) {
                             by_key[key] = PendingResource{std::move(resolved), &main, path};
                           } else {
                             DeepMerge(&it->second.settings, resolved);
                           }
                           return Status::OK();
                         });
}

Status BundleLoader::ApplyRunAs() {
  const SourceFile& main = project();
  std::string path = "run_as";
  const json::Value* run_as = main.doc.Find("run_as");
  if (!target_->is_null()) {
    if (const json::Value* own = target_->Find("run_as"); own != nullptr && !own->is_null()) {
      run_as = own;
      path = JoinKey(target_path_, "run_as");
    }
  }
  if (run_as == nullptr || run_as->is_null()) return Status::OK();
  KEEL_RETURN_IF_ERROR(RequireObject(At(main, path), *run_as, "run_as"));
  KEEL_RETURN_IF_ERROR(
      RejectUnknownKeys(main, path, *run_as, {"user_name", "service_principal_name"}, "run_as"));
  if (run_as->size() != 1 || !run_as->as_object().front().second.is_string()) {
    return ErrorAt(At(main, path),
                   "run_as needs exactly one of user_name or "
                   "service_principal_name, a string");
  }
  KEEL_ASSIGN_OR_RETURN(json::Value resolved, ResolveTree(main, path, *run_as));
  for (auto& [key, job] : resources_["jobs"]) {
    if (job.settings.Find("run_as") == nullptr) job.settings.Set("run_as", resolved);
  }
  return Status::OK();
}

Status BundleLoader::ApplyMode() {
  for (auto& [key, job] : resources_["jobs"]) {
    json::Value& settings = job.settings;
    Origin origin = At(*job.file, job.path);
    const json::Value* name = settings.Find("name");
    if (name != nullptr && !name->is_string()) {
      return ErrorAt(At(*job.file, JoinKey(job.path, "name")), "a job's name must be a string");
    }
    if (name == nullptr) settings.Set("name", key);
    if (mode_ != BundleMode::kDevelopment) continue;

    // Each developer deploys their own copy: named after them, never firing on its own.
    const std::string& user = context_.user;
    settings.Set("name", "[dev " + user + "] " + settings.Find("name")->as_string());
    for (std::string_view field : {"schedule", "trigger", "continuous"}) {
      json::Value* when = nullptr;
      for (auto& member : settings.as_object()) {
        if (member.first == field) when = &member.second;
      }
      if (when == nullptr || when->is_null()) continue;
      if (!when->is_object()) {
        return ErrorAt(At(*job.file, JoinKey(job.path, field)),
                       std::string(field) + " must be a mapping");
      }
      when->Set("pause_status", "PAUSED");
    }
    json::Value& tags = settings["tags"];
    if (!tags.is_null() && !tags.is_object()) {
      return ErrorAt(At(*job.file, JoinKey(job.path, "tags")), "tags must be a mapping");
    }
    tags.Set("dev", user);
  }
  return Status::OK();
}

Status BundleLoader::CheckExperimentsAndModels() {
  struct Rule {
    std::string_view kind;
    std::initializer_list<std::string_view> allowed;
    std::initializer_list<std::string_view> required;
  };
  const Rule rules[] = {
      {"experiments", {"name"}, {"name"}},
      {"registered_models",
       {"catalog_name", "schema_name", "name", "comment"},
       {"catalog_name", "schema_name", "name"}},
  };
  for (const Rule& rule : rules) {
    for (const auto& [key, resource] : resources_[std::string(rule.kind)]) {
      std::string what = KindSingular(rule.kind) + " '" + key + "'";
      KEEL_RETURN_IF_ERROR(
          RejectUnknownKeys(*resource.file, resource.path, resource.settings, rule.allowed, what));
      for (std::string_view field : rule.allowed) {
        const json::Value* value = resource.settings.Find(field);
        bool required = false;
        for (std::string_view name : rule.required) required = required || name == field;
        if (value == nullptr || value->is_null()) {
          if (!required) continue;
          return ErrorAt(At(*resource.file, resource.path),
                         what + " needs `" + std::string(field) + "`");
        }
        if (!value->is_string() || (required && value->as_string().empty())) {
          return ErrorAt(At(*resource.file, JoinKey(resource.path, field)),
                         std::string(field) + " of " + what + " must be a non-empty string");
        }
      }
    }
  }
  return Status::OK();
}

void BundleLoader::Emit() {
  bundle_.name = name_;
  bundle_.target = target_name_;
  bundle_.mode = mode_;
  bundle_.user = context_.user;
  bundle_.required_branch = required_branch_;
  bundle_.root_dir = root_;
  for (std::string_view kind : kResourceKinds) {
    std::vector<Bundle::Resource>* out = kind == "jobs"          ? &bundle_.jobs
                                         : kind == "experiments" ? &bundle_.experiments
                                                                 : &bundle_.registered_models;
    for (auto& [key, pending] : resources_[std::string(kind)]) {
      Bundle::Resource resource;
      resource.key = key;
      resource.settings = std::move(pending.settings);
      resource.file = pending.file->name;
      auto it = pending.file->locations.find(pending.path);
      if (it != pending.file->locations.end()) resource.line = it->second.first;
      resource.locations = LocationsUnder(pending.file->locations, pending.path);
      out->push_back(std::move(resource));
    }
  }
}

}  // namespace

std::string_view BundleModeName(BundleMode mode) {
  switch (mode) {
    case BundleMode::kDefault:
      return "";
    case BundleMode::kDevelopment:
      return "development";
    case BundleMode::kProduction:
      return "production";
  }
  return "";
}

Result<Bundle> LoadBundle(const std::string& root_dir, std::string_view target,
                          const std::map<std::string, std::string>& var_overrides,
                          const BundleContext& context) {
  BundleLoader loader(var_overrides, context);
  return loader.Load(root_dir, target);
}

Status ValidateGitBranch(const Bundle& bundle, std::string_view current_branch) {
  if (bundle.required_branch.empty() || current_branch == bundle.required_branch) {
    return Status::OK();
  }
  std::string on = current_branch.empty() ? std::string("a detached HEAD")
                                          : "branch '" + std::string(current_branch) + "'";
  return Status::InvalidState("target '" + bundle.target + "' deploys only from branch '" +
                              bundle.required_branch + "', but the checkout is on " + on +
                              "; check out '" + bundle.required_branch + "' and deploy again");
}

}  // namespace keel::jobs
