#include "ml/model_loader.h"

#include "ml/linear/linear_model.h"
#include "ml/xgboost/xgboost_model.h"
#include "registry/mlmodel.h"

namespace keel::ml {

namespace {

using LoadFn = Result<std::unique_ptr<Model>> (*)(FileSystem*, const std::string&,
                                                  const registry::MlModel&);

Result<std::unique_ptr<Model>> LoadLinear(FileSystem* fs, const std::string& dir,
                                          const registry::MlModel& mlmodel) {
  KEEL_ASSIGN_OR_RETURN(std::unique_ptr<LinearModel> model, LoadLinearModel(fs, dir, mlmodel));
  return std::unique_ptr<Model>(std::move(model));
}

Result<std::unique_ptr<Model>> LoadXgboost(FileSystem* fs, const std::string& dir,
                                           const registry::MlModel& mlmodel) {
  KEEL_ASSIGN_OR_RETURN(std::unique_ptr<XgboostModel> model, LoadXgboostModel(fs, dir, mlmodel));
  return std::unique_ptr<Model>(std::move(model));
}

struct FlavorLoader {
  std::string_view flavor;
  LoadFn load;
};

// The flavors Keel loads.
constexpr FlavorLoader kLoaders[] = {
    {kKeelLinearFlavor, &LoadLinear},
    {kXgboostFlavor, &LoadXgboost},
};

const FlavorLoader* FindLoader(std::string_view flavor) {
  for (const FlavorLoader& loader : kLoaders) {
    if (loader.flavor == flavor) return &loader;
  }
  return nullptr;
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

}  // namespace

Result<std::unique_ptr<Model>> LoadModel(FileSystem* fs, const std::string& model_dir) {
  KEEL_ASSIGN_OR_RETURN(registry::MlModel mlmodel, registry::ReadMlModel(fs, model_dir));
  std::vector<std::string> flavors = mlmodel.flavor_names();
  for (const std::string& flavor : flavors) {
    if (const FlavorLoader* loader = FindLoader(flavor))
      return loader->load(fs, model_dir, mlmodel);
  }
  std::vector<std::string> supported;
  for (const FlavorLoader& loader : kLoaders) supported.emplace_back(loader.flavor);
  return Status::InvalidArgument("model has flavors [" + JoinNames(flavors) +
                                 "]; Keel can load: " + JoinNames(supported));
}

}  // namespace keel::ml
