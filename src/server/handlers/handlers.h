#pragma once

// Every handler of the API, one declaration per route; the route table in routes.cc maps
// paths to them. A handler parses JSON, calls one service method and renders JSON; it holds
// no SQL, no file paths and no authorization logic (STYLE.md §5.2).

#include "server/router.h"

namespace keel::server::handlers {

// 200 with a JSON body; MLflow answers {} when there is nothing to say.
http::Response Ok(json::Value body = json::Value::MakeObject());

#define KEEL_HANDLER(name) \
  Result<http::Response> name(Services& services, const RequestContext& ctx)

// health_handlers.cc
KEEL_HANDLER(Health);

// catalog_handlers.cc (Unity Catalog: /api/2.1/unity-catalog/...)
KEEL_HANDLER(CreateCatalog);
KEEL_HANDLER(ListCatalogs);
KEEL_HANDLER(GetCatalog);
KEEL_HANDLER(UpdateCatalog);
KEEL_HANDLER(DeleteCatalog);
KEEL_HANDLER(CreateSchema);
KEEL_HANDLER(ListSchemas);
KEEL_HANDLER(GetSchema);
KEEL_HANDLER(UpdateSchema);
KEEL_HANDLER(DeleteSchema);
KEEL_HANDLER(CreateVolume);
KEEL_HANDLER(ListVolumes);
KEEL_HANDLER(GetVolume);
KEEL_HANDLER(UpdateVolume);
KEEL_HANDLER(DeleteVolume);

// table_handlers.cc (UC tables and Keel's /api/2.0/keel/tables/... data extension)
KEEL_HANDLER(CreateTable);
KEEL_HANDLER(GetTable);
KEEL_HANDLER(ListTables);
KEEL_HANDLER(DeleteTable);
KEEL_HANDLER(ReadTableRows);
KEEL_HANDLER(WriteTableRows);
KEEL_HANDLER(GetTableHistory);

// grant_handlers.cc
KEEL_HANDLER(GetPermissions);
KEEL_HANDLER(UpdatePermissions);
KEEL_HANDLER(GetEffectivePermissions);
KEEL_HANDLER(GetTags);
KEEL_HANDLER(UpdateTags);

// principal_handlers.cc (SCIM 2.0 subset: /api/2.0/preview/scim/v2/...)
KEEL_HANDLER(ScimListUsers);
KEEL_HANDLER(ScimCreateUser);
KEEL_HANDLER(ScimGetUser);
KEEL_HANDLER(ScimDeleteUser);
KEEL_HANDLER(ScimListGroups);
KEEL_HANDLER(ScimCreateGroup);
KEEL_HANDLER(ScimGetGroup);
KEEL_HANDLER(ScimPatchGroup);
KEEL_HANDLER(ScimDeleteGroup);
KEEL_HANDLER(ScimListServicePrincipals);
KEEL_HANDLER(ScimCreateServicePrincipal);
KEEL_HANDLER(ScimGetServicePrincipal);
KEEL_HANDLER(ScimDeleteServicePrincipal);
KEEL_HANDLER(ScimMe);

// token_handlers.cc (/api/2.0/token/...)
KEEL_HANDLER(CreateToken);
KEEL_HANDLER(ListTokens);
KEEL_HANDLER(DeleteToken);
KEEL_HANDLER(CreateTokenOnBehalfOf);

// job_handlers.cc (Jobs 2.1: /api/2.1/jobs/..., /api/2.0/permissions/jobs/..., and Keel's
// /api/2.0/keel/jobs/... for task values and webhook deliveries)
KEEL_HANDLER(JobsCreate);
KEEL_HANDLER(JobsGet);
KEEL_HANDLER(JobsList);
KEEL_HANDLER(JobsUpdate);
KEEL_HANDLER(JobsReset);
KEEL_HANDLER(JobsDelete);
KEEL_HANDLER(JobsRunNow);
KEEL_HANDLER(JobsRunsGet);
KEEL_HANDLER(JobsRunsList);
KEEL_HANDLER(JobsRunsCancel);
KEEL_HANDLER(JobsRunsCancelAll);
KEEL_HANDLER(JobsRunsRepair);
KEEL_HANDLER(JobsRunsGetOutput);
KEEL_HANDLER(JobPermissionsGet);
KEEL_HANDLER(JobPermissionsUpdate);
KEEL_HANDLER(TaskValuesSet);
KEEL_HANDLER(TaskValuesGet);
KEEL_HANDLER(WebhookDeliveriesList);

// uc_model_handlers.cc (Unity Catalog: /api/2.1/unity-catalog/models/...)
KEEL_HANDLER(UcCreateModel);
KEEL_HANDLER(UcListModels);
KEEL_HANDLER(UcGetModel);
KEEL_HANDLER(UcUpdateModel);
KEEL_HANDLER(UcDeleteModel);
KEEL_HANDLER(UcListModelVersions);
KEEL_HANDLER(UcGetModelVersion);
KEEL_HANDLER(UcUpdateModelVersion);
KEEL_HANDLER(UcDeleteModelVersion);
KEEL_HANDLER(UcSetAlias);
KEEL_HANDLER(UcGetAlias);
KEEL_HANDLER(UcDeleteAlias);

// registry_handlers.cc (MLflow model registry: /api/2.0/mlflow/registered-models|model-versions)
KEEL_HANDLER(CreateRegisteredModel);
KEEL_HANDLER(GetRegisteredModel);
KEEL_HANDLER(SearchRegisteredModels);
KEEL_HANDLER(UpdateRegisteredModel);
KEEL_HANDLER(RenameRegisteredModel);
KEEL_HANDLER(DeleteRegisteredModel);
KEEL_HANDLER(SetRegisteredModelTag);
KEEL_HANDLER(DeleteRegisteredModelTag);
KEEL_HANDLER(GetLatestVersions);
KEEL_HANDLER(SetRegisteredModelAlias);
KEEL_HANDLER(DeleteRegisteredModelAlias);
KEEL_HANDLER(GetModelVersionByAlias);
KEEL_HANDLER(CreateModelVersion);
KEEL_HANDLER(GetModelVersion);
KEEL_HANDLER(UpdateModelVersion);
KEEL_HANDLER(DeleteModelVersion);
KEEL_HANDLER(SearchModelVersions);
KEEL_HANDLER(GetModelVersionDownloadUri);
KEEL_HANDLER(SetModelVersionTag);
KEEL_HANDLER(DeleteModelVersionTag);
KEEL_HANDLER(TransitionModelVersionStage);
KEEL_HANDLER(GetModelLineage);
KEEL_HANDLER(ListRegistryEvents);

// tracking_handlers.cc (MLflow: /api/2.0/mlflow/...)
KEEL_HANDLER(CreateExperiment);
KEEL_HANDLER(GetExperiment);
KEEL_HANDLER(GetExperimentByName);
KEEL_HANDLER(SearchExperiments);
KEEL_HANDLER(ListExperiments);
KEEL_HANDLER(UpdateExperiment);
KEEL_HANDLER(DeleteExperiment);
KEEL_HANDLER(RestoreExperiment);
KEEL_HANDLER(SetExperimentTag);
KEEL_HANDLER(DeleteExperimentTag);
KEEL_HANDLER(GetExperimentPermissions);
KEEL_HANDLER(UpdateExperimentPermissions);
KEEL_HANDLER(CreateRun);
KEEL_HANDLER(GetRun);
KEEL_HANDLER(UpdateRun);
KEEL_HANDLER(DeleteRun);
KEEL_HANDLER(RestoreRun);
KEEL_HANDLER(LogMetric);
KEEL_HANDLER(LogParam);
KEEL_HANDLER(SetTag);
KEEL_HANDLER(DeleteTag);
KEEL_HANDLER(LogBatch);
KEEL_HANDLER(LogInputs);
KEEL_HANDLER(LogModel);
KEEL_HANDLER(SearchRuns);
KEEL_HANDLER(GetMetricHistory);
KEEL_HANDLER(GetMetricHistoryBulkInterval);

// logged_model_handlers.cc (MLflow 3: /api/2.0/mlflow/logged-models/... and runs/outputs)
KEEL_HANDLER(CreateLoggedModel);
KEEL_HANDLER(GetLoggedModel);
KEEL_HANDLER(FinalizeLoggedModel);
KEEL_HANDLER(DeleteLoggedModel);
KEEL_HANDLER(SetLoggedModelTags);
KEEL_HANDLER(DeleteLoggedModelTag);
KEEL_HANDLER(LogLoggedModelParams);
KEEL_HANDLER(SearchLoggedModels);
KEEL_HANDLER(LogOutputs);

// artifact_handlers.cc
KEEL_HANDLER(ListArtifacts);
KEEL_HANDLER(ListLoggedModelArtifacts);
KEEL_HANDLER(UploadArtifact);
KEEL_HANDLER(DownloadArtifact);
KEEL_HANDLER(ListProxyArtifacts);
KEEL_HANDLER(DeleteArtifact);

#undef KEEL_HANDLER

}  // namespace keel::server::handlers
