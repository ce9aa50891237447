// Jobs 2.1 (/api/2.1/jobs/...), job permissions (/api/2.0/permissions/jobs/...) and Keel's task
// values and webhook deliveries (/api/2.0/keel/jobs/...).

#include <cstdlib>

#include "jobs/job_service.h"
#include "jobs/job_spec.h"
#include "jobs/schedule/scheduler.h"
#include "server/handlers/handlers.h"

namespace keel::server::handlers {

namespace {

Result<jobs::JobService*> Jobs(Services& services) {
  if (!services.jobs) return Status::NotImplemented("jobs are not enabled on this server");
  return services.jobs;
}

// An id given as a JSON number or a numeric string (query parameters arrive as strings).
Result<int64_t> IdField(const json::Value& params, std::string_view name) {
  const json::Value* v = params.Find(name);
  if (!v || v->is_null()) {
    return Status::InvalidArgument("missing required field '" + std::string(name) + "'");
  }
  if (v->is_int() && v->as_int() > 0) return v->as_int();
  if (v->is_string()) {
    const std::string& s = v->as_string();
    char* end = nullptr;
    long long id = std::strtoll(s.c_str(), &end, 10);
    if (!s.empty() && *end == '\0' && id > 0) return static_cast<int64_t>(id);
  }
  return Status::InvalidArgument("'" + std::string(name) + "' must be a positive integer id");
}

// job_parameters as {"name": "value"} (Jobs 2.1 run-now) or [{"name", "value"}].
Result<std::map<std::string, std::string>> ParameterMap(const json::Value* v) {
  std::map<std::string, std::string> out;
  if (!v || v->is_null()) return out;
  if (v->is_object()) {
    for (const auto& [k, val] : v->as_object()) {
      if (!val.is_string() && !val.is_number() && !val.is_bool()) {
        return Status::InvalidArgument("job_parameters." + k + " must be a string");
      }
      out[k] = val.is_string() ? val.as_string() : val.Dump();
    }
    return out;
  }
  if (v->is_array()) {
    for (const json::Value& p : v->as_array()) {
      const json::Value* name = p.Find("name");
      const json::Value* value = p.Find("value");
      if (!name || !name->is_string() || !value || !value->is_string()) {
        return Status::InvalidArgument("job_parameters entries need string 'name' and 'value'");
      }
      out[name->as_string()] = value->as_string();
    }
    return out;
  }
  return Status::InvalidArgument("job_parameters must be an object of name -> value");
}

// Page sizes of jobs/list and runs/list (one more is asked of the service to fill has_more).
Status CheckLimit(int64_t limit) {
  if (limit < 1 || limit > 1000) return Status::InvalidArgument("limit must be between 1 and 1000");
  return Status::OK();
}

// Runs start at once instead of at the scheduler's next tick.
void Wake(Services&) { jobs::Scheduler::WakeAll(); }

}  // namespace

Result<http::Response> JobsCreate(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(jobs::JobSpec spec, jobs::ParseJobSpec(body));
  KEEL_ASSIGN_OR_RETURN(int64_t id, js->CreateJob(ctx.caller(), spec));
  json::Value out;
  out.Set("job_id", id);
  return Ok(out);
}

Result<http::Response> JobsGet(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value params, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(int64_t id, IdField(params, "job_id"));
  KEEL_ASSIGN_OR_RETURN(jobs::JobInfo job, js->GetJob(ctx.caller(), id));
  return Ok(job.ToJson());
}

Result<http::Response> JobsList(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(int64_t limit, ctx.QueryInt("limit", 20));
  KEEL_ASSIGN_OR_RETURN(int64_t offset, ctx.QueryInt("offset", 0));
  KEEL_RETURN_IF_ERROR(CheckLimit(limit));
  std::string name = ctx.Query("name").value_or("");
  KEEL_ASSIGN_OR_RETURN(auto list, js->ListJobs(ctx.caller(), name, offset, limit + 1));
  json::Value out = json::Value::MakeObject();
  json::Value arr = json::Value::MakeArray();
  for (size_t i = 0; i < list.size() && static_cast<int64_t>(i) < limit; ++i) {
    arr.Append(list[i].ToJson());
  }
  out.Set("jobs", arr);
  out.Set("has_more", static_cast<int64_t>(list.size()) > limit);
  return Ok(out);
}

Result<http::Response> JobsUpdate(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(f.RejectUnknown({"job_id", "new_settings", "fields_to_remove"}));
  KEEL_ASSIGN_OR_RETURN(int64_t id, IdField(body, "job_id"));
  KEEL_ASSIGN_OR_RETURN(auto remove, f.StringList("fields_to_remove"));
  const json::Value* settings = body.Find("new_settings");
  KEEL_RETURN_IF_ERROR(
      js->UpdateJob(ctx.caller(), id, settings ? *settings : json::Value(), remove));
  return Ok();
}

Result<http::Response> JobsReset(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(f.RejectUnknown({"job_id", "new_settings"}));
  KEEL_ASSIGN_OR_RETURN(int64_t id, IdField(body, "job_id"));
  const json::Value* settings = body.Find("new_settings");
  if (!settings) return Status::InvalidArgument("missing required field 'new_settings'");
  KEEL_ASSIGN_OR_RETURN(jobs::JobSpec spec, jobs::ParseJobSpec(*settings));
  KEEL_RETURN_IF_ERROR(js->ResetJob(ctx.caller(), id, spec));
  return Ok();
}

Result<http::Response> JobsDelete(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(int64_t id, IdField(body, "job_id"));
  KEEL_RETURN_IF_ERROR(js->DeleteJob(ctx.caller(), id));
  return Ok();
}

Result<http::Response> JobsRunNow(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(f.RejectUnknown({"job_id", "job_parameters", "idempotency_token"}));
  jobs::RunNowRequest request;
  KEEL_ASSIGN_OR_RETURN(request.job_id, IdField(body, "job_id"));
  KEEL_ASSIGN_OR_RETURN(request.job_parameters, ParameterMap(body.Find("job_parameters")));
  KEEL_ASSIGN_OR_RETURN(int64_t run_id, js->RunNow(ctx.caller(), request));
  Wake(services);
  json::Value out;
  out.Set("run_id", run_id);
  out.Set("number_in_job", run_id);
  return Ok(out);
}

Result<http::Response> JobsRunsGet(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value params, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(int64_t id, IdField(params, "run_id"));
  KEEL_ASSIGN_OR_RETURN(bool history, ctx.QueryBool("include_history", false));
  KEEL_ASSIGN_OR_RETURN(jobs::JobRun run, js->GetRun(ctx.caller(), id, history));
  return Ok(run.ToJson());
}

Result<http::Response> JobsRunsList(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  jobs::RunFilter filter;
  KEEL_ASSIGN_OR_RETURN(filter.job_id, ctx.QueryInt("job_id", 0));
  KEEL_ASSIGN_OR_RETURN(filter.active_only, ctx.QueryBool("active_only", false));
  KEEL_ASSIGN_OR_RETURN(filter.completed_only, ctx.QueryBool("completed_only", false));
  KEEL_ASSIGN_OR_RETURN(filter.limit, ctx.QueryInt("limit", 25));
  KEEL_ASSIGN_OR_RETURN(filter.offset, ctx.QueryInt("offset", 0));
  KEEL_RETURN_IF_ERROR(CheckLimit(filter.limit));
  int64_t limit = filter.limit;
  filter.limit = limit + 1;
  KEEL_ASSIGN_OR_RETURN(auto runs, js->ListRuns(ctx.caller(), filter));
  json::Value arr = json::Value::MakeArray();
  for (size_t i = 0; i < runs.size() && static_cast<int64_t>(i) < limit; ++i) {
    arr.Append(runs[i].ToJson());
  }
  json::Value out = json::Value::MakeObject();
  out.Set("runs", arr);
  out.Set("has_more", static_cast<int64_t>(runs.size()) > limit);
  return Ok(out);
}

Result<http::Response> JobsRunsCancel(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(int64_t id, IdField(body, "run_id"));
  KEEL_RETURN_IF_ERROR(js->CancelRun(ctx.caller(), id));
  return Ok();
}

Result<http::Response> JobsRunsCancelAll(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(int64_t id, IdField(body, "job_id"));
  KEEL_RETURN_IF_ERROR(js->CancelAllRuns(ctx.caller(), id));
  return Ok();
}

Result<http::Response> JobsRunsRepair(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(
      f.RejectUnknown({"run_id", "rerun_tasks", "rerun_all_failed_tasks", "rerun_dependent_tasks",
                       "job_parameters", "latest_repair_id"}));
  jobs::RepairRequest request;
  KEEL_ASSIGN_OR_RETURN(request.run_id, IdField(body, "run_id"));
  KEEL_ASSIGN_OR_RETURN(request.rerun_tasks, f.StringList("rerun_tasks"));
  KEEL_ASSIGN_OR_RETURN(auto all, f.OptionalBool("rerun_all_failed_tasks"));
  KEEL_ASSIGN_OR_RETURN(auto dependents, f.OptionalBool("rerun_dependent_tasks"));
  request.rerun_all_failed_tasks = all.value_or(false);
  request.rerun_dependent_tasks = dependents.value_or(false);
  KEEL_ASSIGN_OR_RETURN(request.job_parameters, ParameterMap(body.Find("job_parameters")));
  KEEL_ASSIGN_OR_RETURN(int32_t repair, js->RepairRun(ctx.caller(), request));
  Wake(services);
  json::Value out;
  out.Set("repair_id", repair);
  return Ok(out);
}

Result<http::Response> JobsRunsGetOutput(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value params, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(int64_t id, IdField(params, "run_id"));
  KEEL_ASSIGN_OR_RETURN(jobs::RunOutput output, js->GetRunOutput(ctx.caller(), id));
  return Ok(output.ToJson());
}

Result<http::Response> JobPermissionsGet(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  json::Value params = json::Value::MakeObject();
  params.Set("job_id", ctx.PathParam("job_id"));
  KEEL_ASSIGN_OR_RETURN(int64_t id, IdField(params, "job_id"));
  KEEL_ASSIGN_OR_RETURN(auto perms, js->GetPermissions(ctx.caller(), id));
  json::Value acl = json::Value::MakeArray();
  for (const jobs::JobPermission& p : perms) {
    json::Value entry = json::Value::MakeObject();
    entry.Set("principal", p.principal);
    json::Value all = json::Value::MakeArray();
    json::Value level = json::Value::MakeObject();
    level.Set("permission_level", jobs::PermissionLevelName(p.level));
    all.Append(level);
    entry.Set("all_permissions", all);
    acl.Append(entry);
  }
  json::Value out = json::Value::MakeObject();
  out.Set("object_id", "/jobs/" + std::to_string(id));
  out.Set("object_type", "job");
  out.Set("access_control_list", acl);
  return Ok(out);
}

Result<http::Response> JobPermissionsUpdate(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  json::Value params = json::Value::MakeObject();
  params.Set("job_id", ctx.PathParam("job_id"));
  KEEL_ASSIGN_OR_RETURN(int64_t id, IdField(params, "job_id"));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  const json::Value* acl = body.Find("access_control_list");
  if (!acl || !acl->is_array()) {
    return Status::InvalidArgument(
        "access_control_list must be a list of {user_name | "
        "group_name | service_principal_name, permission_level}");
  }
  std::vector<jobs::JobPermission> changes;
  for (const json::Value& entry : acl->as_array()) {
    jobs::JobPermission p;
    for (const char* key : {"user_name", "group_name", "service_principal_name", "principal"}) {
      const json::Value* v = entry.Find(key);
      if (v && v->is_string()) p.principal = v->as_string();
    }
    const json::Value* level = entry.Find("permission_level");
    if (p.principal.empty() || !level || !level->is_string()) {
      return Status::InvalidArgument(
          "each access_control_list entry needs a principal and a "
          "permission_level");
    }
    KEEL_ASSIGN_OR_RETURN(p.level, jobs::ParsePermissionLevel(level->as_string()));
    changes.push_back(p);
  }
  KEEL_RETURN_IF_ERROR(js->SetPermissions(ctx.caller(), id, changes));
  return JobPermissionsGet(services, ctx);
}

Result<http::Response> TaskValuesSet(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value body, ctx.JsonBody());
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(body));
  KEEL_RETURN_IF_ERROR(f.RejectUnknown({"run_id", "task_key", "key", "value"}));
  KEEL_ASSIGN_OR_RETURN(int64_t run_id, IdField(body, "run_id"));
  KEEL_ASSIGN_OR_RETURN(std::string task_key, f.RequiredString("task_key"));
  KEEL_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  const json::Value* value = body.Find("value");
  if (!value) return Status::InvalidArgument("missing required field 'value' (any JSON value)");
  KEEL_RETURN_IF_ERROR(js->SetTaskValue(ctx.caller(), run_id, task_key, key, value->Dump()));
  return Ok();
}

Result<http::Response> TaskValuesGet(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value params, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(int64_t run_id, IdField(params, "run_id"));
  KEEL_ASSIGN_OR_RETURN(auto f, json::FieldReader::Make(params));
  KEEL_ASSIGN_OR_RETURN(std::string task_key, f.RequiredString("task_key"));
  KEEL_ASSIGN_OR_RETURN(std::string key, f.RequiredString("key"));
  KEEL_ASSIGN_OR_RETURN(json::Value value, js->GetTaskValue(ctx.caller(), run_id, task_key, key));
  json::Value out;
  out.Set("value", value);
  return Ok(out);
}

Result<http::Response> WebhookDeliveriesList(Services& services, const RequestContext& ctx) {
  KEEL_ASSIGN_OR_RETURN(jobs::JobService * js, Jobs(services));
  KEEL_ASSIGN_OR_RETURN(json::Value params, ctx.Params());
  KEEL_ASSIGN_OR_RETURN(int64_t run_id, IdField(params, "run_id"));
  KEEL_ASSIGN_OR_RETURN(auto deliveries, js->ListDeliveries(ctx.caller(), run_id));
  json::Value arr = json::Value::MakeArray();
  for (const jobs::WebhookDelivery& d : deliveries) arr.Append(d.ToJson());
  json::Value out;
  out.Set("deliveries", arr);
  return Ok(out);
}

}  // namespace keel::server::handlers
