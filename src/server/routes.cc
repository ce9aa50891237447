#include "server/routes.h"

#include "server/handlers/handlers.h"

namespace keel::server {

namespace h = handlers;

const std::vector<Route>& AllRoutes() {
  static const std::vector<Route> kRoutes = {
      {"GET", "/health", h::Health, /*is_public=*/true},

      // Unity Catalog
      {"POST", "/api/2.1/unity-catalog/catalogs", h::CreateCatalog},
      {"GET", "/api/2.1/unity-catalog/catalogs", h::ListCatalogs},
      {"GET", "/api/2.1/unity-catalog/catalogs/{name}", h::GetCatalog},
      {"PATCH", "/api/2.1/unity-catalog/catalogs/{name}", h::UpdateCatalog},
      {"DELETE", "/api/2.1/unity-catalog/catalogs/{name}", h::DeleteCatalog},
      {"POST", "/api/2.1/unity-catalog/schemas", h::CreateSchema},
      {"GET", "/api/2.1/unity-catalog/schemas", h::ListSchemas},
      {"GET", "/api/2.1/unity-catalog/schemas/{name}", h::GetSchema},
      {"PATCH", "/api/2.1/unity-catalog/schemas/{name}", h::UpdateSchema},
      {"DELETE", "/api/2.1/unity-catalog/schemas/{name}", h::DeleteSchema},
      {"POST", "/api/2.1/unity-catalog/volumes", h::CreateVolume},
      {"GET", "/api/2.1/unity-catalog/volumes", h::ListVolumes},
      {"GET", "/api/2.1/unity-catalog/volumes/{name}", h::GetVolume},
      {"PATCH", "/api/2.1/unity-catalog/volumes/{name}", h::UpdateVolume},
      {"DELETE", "/api/2.1/unity-catalog/volumes/{name}", h::DeleteVolume},
      {"POST", "/api/2.1/unity-catalog/tables", h::CreateTable},
      {"GET", "/api/2.1/unity-catalog/tables", h::ListTables},
      {"GET", "/api/2.1/unity-catalog/tables/{full_name}", h::GetTable},
      {"DELETE", "/api/2.1/unity-catalog/tables/{full_name}", h::DeleteTable},
      {"GET", "/api/2.1/unity-catalog/permissions/{securable_type}/{full_name}",
       h::GetPermissions},
      {"PATCH", "/api/2.1/unity-catalog/permissions/{securable_type}/{full_name}",
       h::UpdatePermissions},
      {"GET", "/api/2.1/unity-catalog/effective-permissions/{securable_type}/{full_name}",
       h::GetEffectivePermissions},
      {"GET", "/api/2.1/unity-catalog/tags/{securable_type}/{full_name}", h::GetTags},
      {"PATCH", "/api/2.1/unity-catalog/tags/{securable_type}/{full_name}", h::UpdateTags},

      // SCIM 2.0 (Databricks' subset)
      {"GET", "/api/2.0/preview/scim/v2/Me", h::ScimMe},
      {"GET", "/api/2.0/preview/scim/v2/Users", h::ScimListUsers},
      {"POST", "/api/2.0/preview/scim/v2/Users", h::ScimCreateUser},
      {"GET", "/api/2.0/preview/scim/v2/Users/{id}", h::ScimGetUser},
      {"DELETE", "/api/2.0/preview/scim/v2/Users/{id}", h::ScimDeleteUser},
      {"GET", "/api/2.0/preview/scim/v2/Groups", h::ScimListGroups},
      {"POST", "/api/2.0/preview/scim/v2/Groups", h::ScimCreateGroup},
      {"GET", "/api/2.0/preview/scim/v2/Groups/{id}", h::ScimGetGroup},
      {"PATCH", "/api/2.0/preview/scim/v2/Groups/{id}", h::ScimPatchGroup},
      {"DELETE", "/api/2.0/preview/scim/v2/Groups/{id}", h::ScimDeleteGroup},
      {"GET", "/api/2.0/preview/scim/v2/ServicePrincipals", h::ScimListServicePrincipals},
      {"POST", "/api/2.0/preview/scim/v2/ServicePrincipals", h::ScimCreateServicePrincipal},
      {"GET", "/api/2.0/preview/scim/v2/ServicePrincipals/{id}", h::ScimGetServicePrincipal},
      {"DELETE", "/api/2.0/preview/scim/v2/ServicePrincipals/{id}", h::ScimDeleteServicePrincipal},

      // MLflow tracking (REST API 2.0)
      {"POST", "/api/2.0/mlflow/experiments/create", h::CreateExperiment},
      {"GET", "/api/2.0/mlflow/experiments/get", h::GetExperiment},
      {"GET", "/api/2.0/mlflow/experiments/get-by-name", h::GetExperimentByName},
      {"POST", "/api/2.0/mlflow/experiments/search", h::SearchExperiments},
      {"GET", "/api/2.0/mlflow/experiments/search", h::SearchExperiments},
      {"GET", "/api/2.0/mlflow/experiments/list", h::ListExperiments},
      {"POST", "/api/2.0/mlflow/experiments/update", h::UpdateExperiment},
      {"POST", "/api/2.0/mlflow/experiments/delete", h::DeleteExperiment},
      {"POST", "/api/2.0/mlflow/experiments/restore", h::RestoreExperiment},
      {"POST", "/api/2.0/mlflow/experiments/set-experiment-tag", h::SetExperimentTag},
      {"POST", "/api/2.0/mlflow/experiments/delete-experiment-tag", h::DeleteExperimentTag},
      {"POST", "/api/2.0/mlflow/runs/create", h::CreateRun},
      {"GET", "/api/2.0/mlflow/runs/get", h::GetRun},
      {"POST", "/api/2.0/mlflow/runs/update", h::UpdateRun},
      {"POST", "/api/2.0/mlflow/runs/delete", h::DeleteRun},
      {"POST", "/api/2.0/mlflow/runs/restore", h::RestoreRun},
      {"POST", "/api/2.0/mlflow/runs/log-metric", h::LogMetric},
      {"POST", "/api/2.0/mlflow/runs/log-parameter", h::LogParam},
      {"POST", "/api/2.0/mlflow/runs/set-tag", h::SetTag},
      {"POST", "/api/2.0/mlflow/runs/delete-tag", h::DeleteTag},
      {"POST", "/api/2.0/mlflow/runs/log-batch", h::LogBatch},
      {"POST", "/api/2.0/mlflow/runs/log-inputs", h::LogInputs},
      {"POST", "/api/2.0/mlflow/runs/log-model", h::LogModel},
      {"POST", "/api/2.0/mlflow/runs/search", h::SearchRuns},
      {"GET", "/api/2.0/mlflow/metrics/get-history", h::GetMetricHistory},
      {"GET", "/api/2.0/mlflow/metrics/get-history-bulk-interval",
       h::GetMetricHistoryBulkInterval},
      {"POST", "/api/2.0/mlflow/runs/outputs", h::LogOutputs},
      {"POST", "/api/2.0/mlflow/logged-models", h::CreateLoggedModel},
      {"POST", "/api/2.0/mlflow/logged-models/search", h::SearchLoggedModels},
      {"GET", "/api/2.0/mlflow/logged-models/{model_id}", h::GetLoggedModel},
      {"PATCH", "/api/2.0/mlflow/logged-models/{model_id}", h::FinalizeLoggedModel},
      {"DELETE", "/api/2.0/mlflow/logged-models/{model_id}", h::DeleteLoggedModel},
      {"PATCH", "/api/2.0/mlflow/logged-models/{model_id}/tags", h::SetLoggedModelTags},
      {"DELETE", "/api/2.0/mlflow/logged-models/{model_id}/tags/{tag_key}",
       h::DeleteLoggedModelTag},
      {"POST", "/api/2.0/mlflow/logged-models/{model_id}/params", h::LogLoggedModelParams},
      {"GET", "/api/2.0/mlflow/logged-models/{model_id}/artifacts/directories",
       h::ListLoggedModelArtifacts},
      {"GET", "/api/2.0/mlflow/artifacts/list", h::ListArtifacts},
      {"PUT", "/api/2.0/mlflow-artifacts/artifacts/{path...}", h::UploadArtifact},
      {"GET", "/api/2.0/mlflow-artifacts/artifacts/{path...}", h::DownloadArtifact},
      {"GET", "/api/2.0/mlflow-artifacts/artifacts", h::ListProxyArtifacts},
      {"DELETE", "/api/2.0/mlflow-artifacts/artifacts/{path...}", h::DeleteArtifact},
      {"GET", "/api/2.0/permissions/experiments/{experiment_id}", h::GetExperimentPermissions},
      {"PATCH", "/api/2.0/permissions/experiments/{experiment_id}",
       h::UpdateExperimentPermissions},

      // Keel extensions: the data of managed tables
      {"GET", "/api/2.0/keel/tables/{full_name}/rows", h::ReadTableRows},
      {"POST", "/api/2.0/keel/tables/{full_name}/rows", h::WriteTableRows},
      {"GET", "/api/2.0/keel/tables/{full_name}/history", h::GetTableHistory},

      // Tokens
      {"POST", "/api/2.0/token/create", h::CreateToken},
      {"GET", "/api/2.0/token/list", h::ListTokens},
      {"POST", "/api/2.0/token/delete", h::DeleteToken},
      {"POST", "/api/2.0/token-management/on-behalf-of/tokens", h::CreateTokenOnBehalfOf},
  };
  return kRoutes;
}

}  // namespace keel::server
