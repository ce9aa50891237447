#include "jobs/job_store.h"

namespace keel::jobs {

using metastore::Int;
using metastore::Null;
using metastore::Row;
using metastore::SqlValue;
using metastore::Text;
using metastore::TextOrNull;
using metastore::Transaction;

namespace {

SqlValue IntOrNull(int64_t v) { return v ? Int(v) : Null(); }

constexpr std::string_view kJobColumns =
    "SELECT job_id, name, settings, creator_id, owner_id, run_as, created_time, updated_time, "
    "bundle_key FROM jobs";

JobRecord JobFromRow(const Row& r) {
  JobRecord j;
  j.job_id = r.Int(0);
  j.name = r.Text(1);
  j.settings_json = r.Text(2);
  j.creator_id = r.Text(3);
  j.owner_id = r.Text(4);
  j.run_as = r.Text(5);
  j.created_time = r.Int(6);
  j.updated_time = r.Int(7);
  j.bundle_key = r.Text(8);
  return j;
}

constexpr std::string_view kRunColumns =
    "SELECT run_id, job_id, settings, parameters, trigger_type, trigger_time, trigger_info, "
    "parent_run_id, life_cycle_state, result_state, state_message, cancel_requested, run_as, "
    "creator, runner_id, repair_count, queued_time, start_time, end_time FROM job_runs";

Result<RunRecord> RunFromRow(const Row& r) {
  RunRecord rec;
  JobRun& run = rec.run;
  run.run_id = r.Int(0);
  run.job_id = r.Int(1);
  rec.settings_json = r.Text(2);
  KEEL_ASSIGN_OR_RETURN(json::Value params, json::Parse(r.Text(3)));
  if (params.is_object()) {
    for (const auto& [k, v] : params.as_object()) {
      run.parameters[k] = v.is_string() ? v.as_string() : v.Dump();
    }
  }
  run.trigger_type = r.Text(4);
  run.trigger_time = r.Int(5);
  KEEL_ASSIGN_OR_RETURN(run.trigger_info, json::Parse(r.Text(6).empty() ? "{}" : r.Text(6)));
  run.parent_run_id = r.Int(7);
  KEEL_ASSIGN_OR_RETURN(run.life_cycle, ParseLifeCycle(r.Text(8)));
  KEEL_ASSIGN_OR_RETURN(run.result, ParseResultState(r.Text(9)));
  run.state_message = r.Text(10);
  run.cancel_requested = r.Int(11) != 0;
  run.run_as = r.Text(12);
  run.creator = r.Text(13);
  run.runner_id = r.Text(14);
  run.repair_count = static_cast<int32_t>(r.Int(15));
  run.queued_time = r.Int(16);
  run.start_time = r.Int(17);
  run.end_time = r.Int(18);
  return rec;
}

Result<std::vector<RunRecord>> LoadRuns(Transaction& tx, const std::string& sql,
                                        const std::vector<SqlValue>& params) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  std::vector<RunRecord> out;
  out.reserve(rows.size());
  for (const Row& r : rows) {
    KEEL_ASSIGN_OR_RETURN(RunRecord rec, RunFromRow(r));
    out.push_back(std::move(rec));
  }
  return out;
}

constexpr std::string_view kTaskColumns =
    "SELECT task_run_id, run_id, task_key, attempt_number, repair_number, life_cycle_state, "
    "result_state, state_message, condition_outcome, child_run_id, pid, exit_code, log_dir, "
    "start_time, end_time FROM job_task_runs";

Result<TaskRun> TaskFromRow(const Row& r) {
  TaskRun t;
  t.task_run_id = r.Int(0);
  t.run_id = r.Int(1);
  t.task_key = r.Text(2);
  t.attempt_number = static_cast<int32_t>(r.Int(3));
  t.repair_number = static_cast<int32_t>(r.Int(4));
  KEEL_ASSIGN_OR_RETURN(t.life_cycle, ParseLifeCycle(r.Text(5)));
  KEEL_ASSIGN_OR_RETURN(t.result, ParseResultState(r.Text(6)));
  t.state_message = r.Text(7);
  t.condition_outcome = r.Text(8);
  t.child_run_id = r.Int(9);
  t.pid = r.Int(10);
  if (!r.IsNull(11)) t.exit_code = static_cast<int>(r.Int(11));
  t.log_dir = r.Text(12);
  t.start_time = r.Int(13);
  t.end_time = r.Int(14);
  return t;
}

std::vector<SqlValue> TaskStateParams(const TaskRun& t) {
  return {Text(LifeCycleName(t.life_cycle)),
          TextOrNull(ResultStateName(t.result)),
          Text(t.state_message),
          TextOrNull(t.condition_outcome),
          IntOrNull(t.child_run_id),
          IntOrNull(t.pid),
          t.exit_code ? Int(*t.exit_code) : Null(),
          TextOrNull(t.log_dir),
          IntOrNull(t.start_time),
          IntOrNull(t.end_time)};
}

std::string ParametersJson(const std::map<std::string, std::string>& params) {
  json::Value v = json::Value::MakeObject();
  for (const auto& [k, val] : params) v.Set(k, val);
  return v.Dump();
}

}  // namespace

// ---- jobs -----------------------------------------------------------------------------------

Result<int64_t> JobStore::NextJobId(Transaction& tx) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COALESCE(MAX(job_id), 0) + 1 FROM jobs"));
  return rows[0].Int(0);
}

Status JobStore::InsertJob(Transaction& tx, const JobRecord& j) {
  return tx
      .Exec(
          "INSERT INTO jobs (job_id, name, settings, creator_id, owner_id, run_as, "
          "created_time, updated_time, bundle_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {Int(j.job_id), Text(j.name), Text(j.settings_json), Text(j.creator_id), Text(j.owner_id),
           Text(j.run_as), Int(j.created_time), Int(j.updated_time), TextOrNull(j.bundle_key)})
      .status();
}

Status JobStore::UpdateJob(Transaction& tx, const JobRecord& j) {
  return tx
      .Exec(
          "UPDATE jobs SET name = ?, settings = ?, owner_id = ?, run_as = ?, "
          "updated_time = ?, bundle_key = ? WHERE job_id = ?",
          {Text(j.name), Text(j.settings_json), Text(j.owner_id), Text(j.run_as),
           Int(j.updated_time), TextOrNull(j.bundle_key), Int(j.job_id)})
      .status();
}

Result<std::optional<JobRecord>> JobStore::GetJob(Transaction& tx, int64_t job_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query(std::string(kJobColumns) + " WHERE job_id = ?", {Int(job_id)}));
  if (rows.empty()) return std::optional<JobRecord>();
  return std::optional<JobRecord>(JobFromRow(rows[0]));
}

Result<std::optional<JobRecord>> JobStore::GetJobByBundleKey(Transaction& tx,
                                                             std::string_view bundle_key) {
  KEEL_ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kJobColumns) + " WHERE bundle_key = ?", {Text(bundle_key)}));
  if (rows.empty()) return std::optional<JobRecord>();
  return std::optional<JobRecord>(JobFromRow(rows[0]));
}

Result<std::vector<JobRecord>> JobStore::ListJobs(Transaction& tx, std::string_view name_filter,
                                                  int64_t offset, int64_t limit) {
  std::string sql(kJobColumns);
  std::vector<SqlValue> params;
  if (!name_filter.empty()) {
    sql += " WHERE name = ?";
    params.push_back(Text(name_filter));
  }
  sql += " ORDER BY job_id LIMIT ? OFFSET ?";
  params.push_back(Int(limit));
  params.push_back(Int(offset));
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  std::vector<JobRecord> out;
  for (const Row& r : rows) out.push_back(JobFromRow(r));
  return out;
}

Result<std::vector<JobRecord>> JobStore::ListAllJobs(Transaction& tx) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kJobColumns) + " ORDER BY job_id"));
  std::vector<JobRecord> out;
  for (const Row& r : rows) out.push_back(JobFromRow(r));
  return out;
}

Result<std::vector<JobRecord>> JobStore::ListJobsByBundlePrefix(Transaction& tx,
                                                                std::string_view prefix) {
  KEEL_ASSIGN_OR_RETURN(
      auto rows, tx.Query(std::string(kJobColumns) + " WHERE substr(bundle_key, 1, ?) = ? ORDER BY "
                                                     "job_id",
                          {Int(static_cast<int64_t>(prefix.size())), Text(prefix)}));
  std::vector<JobRecord> out;
  for (const Row& r : rows) out.push_back(JobFromRow(r));
  return out;
}

Status JobStore::DeleteJob(Transaction& tx, int64_t job_id) {
  // Runs have no foreign key to jobs (a run outlives edits); delete them explicitly. Task runs
  // and task values cascade from their run.
  KEEL_RETURN_IF_ERROR(tx.Exec("DELETE FROM job_webhook_deliveries WHERE run_id IN "
                               "(SELECT run_id FROM job_runs WHERE job_id = ?)",
                               {Int(job_id)})
                           .status());
  KEEL_RETURN_IF_ERROR(tx.Exec("DELETE FROM job_runs WHERE job_id = ?", {Int(job_id)}).status());
  return tx.Exec("DELETE FROM jobs WHERE job_id = ?", {Int(job_id)}).status();
}

// ---- permissions ----------------------------------------------------------------------------

Result<std::vector<std::pair<std::string, std::string>>> JobStore::Permissions(Transaction& tx,
                                                                               int64_t job_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT principal_id, permission_level FROM "
                                            "job_permissions WHERE job_id = ? ORDER BY "
                                            "principal_id",
                                            {Int(job_id)}));
  std::vector<std::pair<std::string, std::string>> out;
  for (const Row& r : rows) out.emplace_back(r.Text(0), r.Text(1));
  return out;
}

Status JobStore::SetPermission(Transaction& tx, int64_t job_id, std::string_view principal_id,
                               std::string_view level) {
  KEEL_RETURN_IF_ERROR(DeletePermission(tx, job_id, principal_id));
  return tx
      .Exec(
          "INSERT INTO job_permissions (job_id, principal_id, permission_level) "
          "VALUES (?, ?, ?)",
          {Int(job_id), Text(principal_id), Text(level)})
      .status();
}

Status JobStore::DeletePermission(Transaction& tx, int64_t job_id, std::string_view principal_id) {
  return tx
      .Exec("DELETE FROM job_permissions WHERE job_id = ? AND principal_id = ?",
            {Int(job_id), Text(principal_id)})
      .status();
}

// ---- runs -----------------------------------------------------------------------------------

Result<int64_t> JobStore::NextRunId(Transaction& tx) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COALESCE(MAX(run_id), 0) + 1 FROM job_runs"));
  return rows[0].Int(0);
}

Status JobStore::InsertRun(Transaction& tx, const JobRun& run, std::string_view settings_json) {
  return tx
      .Exec(
          "INSERT INTO job_runs (run_id, job_id, settings, parameters, trigger_type, "
          "trigger_time, trigger_info, parent_run_id, life_cycle_state, result_state, "
          "state_message, run_as, creator, queued_time) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {Int(run.run_id), Int(run.job_id), Text(settings_json),
           Text(ParametersJson(run.parameters)), Text(run.trigger_type),
           IntOrNull(run.trigger_time), Text(run.trigger_info.Dump()), IntOrNull(run.parent_run_id),
           Text(LifeCycleName(run.life_cycle)), TextOrNull(ResultStateName(run.result)),
           Text(run.state_message), Text(run.run_as), Text(run.creator), Int(run.queued_time)})
      .status();
}

Result<std::optional<RunRecord>> JobStore::GetRun(Transaction& tx, int64_t run_id) {
  KEEL_ASSIGN_OR_RETURN(
      auto runs, LoadRuns(tx, std::string(kRunColumns) + " WHERE run_id = ?", {Int(run_id)}));
  if (runs.empty()) return std::optional<RunRecord>();
  return std::optional<RunRecord>(std::move(runs[0]));
}

Result<std::vector<RunRecord>> JobStore::ListRuns(Transaction& tx, const RunFilter& f) {
  std::string sql(kRunColumns);
  std::vector<SqlValue> params;
  std::vector<std::string> where;
  if (f.job_id) {
    where.push_back("job_id = ?");
    params.push_back(Int(f.job_id));
  }
  if (f.active_only) {
    where.push_back("life_cycle_state NOT IN ('TERMINATED', 'SKIPPED', 'INTERNAL_ERROR')");
  }
  if (f.completed_only) {
    where.push_back("life_cycle_state IN ('TERMINATED', 'SKIPPED', 'INTERNAL_ERROR')");
  }
  for (size_t i = 0; i < where.size(); ++i) sql += (i ? " AND " : " WHERE ") + where[i];
  sql += " ORDER BY run_id DESC LIMIT ? OFFSET ?";
  params.push_back(Int(f.limit));
  params.push_back(Int(f.offset));
  return LoadRuns(tx, sql, params);
}

Result<std::vector<RunRecord>> JobStore::RunsInStates(Transaction& tx,
                                                      const std::vector<LifeCycle>& states) {
  if (states.empty()) return std::vector<RunRecord>();
  std::string sql = std::string(kRunColumns) + " WHERE life_cycle_state IN (";
  std::vector<SqlValue> params;
  for (size_t i = 0; i < states.size(); ++i) {
    sql += i ? ", ?" : "?";
    params.push_back(Text(LifeCycleName(states[i])));
  }
  sql += ") ORDER BY run_id";
  return LoadRuns(tx, sql, params);
}

Result<int64_t> JobStore::CountActiveRuns(Transaction& tx, int64_t job_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT COUNT(*) FROM job_runs WHERE job_id = ? AND "
                                 "life_cycle_state IN ('PENDING', 'RUNNING', 'TERMINATING')",
                                 {Int(job_id)}));
  return rows[0].Int(0);
}

Status JobStore::UpdateRunState(Transaction& tx, const JobRun& run) {
  return tx
      .Exec(
          "UPDATE job_runs SET life_cycle_state = ?, result_state = ?, state_message = ?, "
          "runner_id = ?, repair_count = ?, start_time = ?, end_time = ? WHERE run_id = ?",
          {Text(LifeCycleName(run.life_cycle)), TextOrNull(ResultStateName(run.result)),
           Text(run.state_message), TextOrNull(run.runner_id), Int(run.repair_count),
           IntOrNull(run.start_time), IntOrNull(run.end_time), Int(run.run_id)})
      .status();
}

Status JobStore::SetCancelRequested(Transaction& tx, int64_t run_id, bool requested) {
  return tx
      .Exec("UPDATE job_runs SET cancel_requested = ? WHERE run_id = ?",
            {Int(requested ? 1 : 0), Int(run_id)})
      .status();
}

Result<bool> JobStore::CancelRequested(Transaction& tx, int64_t run_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT cancel_requested FROM job_runs WHERE "
                                            "run_id = ?",
                                            {Int(run_id)}));
  return !rows.empty() && rows[0].Int(0) != 0;
}

// ---- task runs ------------------------------------------------------------------------------

Result<int64_t> JobStore::NextTaskRunId(Transaction& tx) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query("SELECT COALESCE(MAX(task_run_id), 0) + 1 FROM job_task_runs"));
  return rows[0].Int(0);
}

Status JobStore::InsertTaskRun(Transaction& tx, const TaskRun& t) {
  std::vector<SqlValue> params = {Int(t.task_run_id), Int(t.run_id), Text(t.task_key),
                                  Int(t.attempt_number), Int(t.repair_number)};
  for (SqlValue& v : TaskStateParams(t)) params.push_back(std::move(v));
  return tx
      .Exec(
          "INSERT INTO job_task_runs (task_run_id, run_id, task_key, attempt_number, "
          "repair_number, life_cycle_state, result_state, state_message, "
          "condition_outcome, child_run_id, pid, exit_code, log_dir, start_time, end_time) "
          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
          params)
      .status();
}

Status JobStore::UpdateTaskRun(Transaction& tx, const TaskRun& t) {
  std::vector<SqlValue> params = TaskStateParams(t);
  params.push_back(Int(t.task_run_id));
  return tx
      .Exec(
          "UPDATE job_task_runs SET life_cycle_state = ?, result_state = ?, "
          "state_message = ?, condition_outcome = ?, child_run_id = ?, pid = ?, "
          "exit_code = ?, log_dir = ?, start_time = ?, end_time = ? WHERE task_run_id = ?",
          params)
      .status();
}

Result<std::vector<TaskRun>> JobStore::TaskRuns(Transaction& tx, int64_t run_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows,
                        tx.Query(std::string(kTaskColumns) + " WHERE run_id = ? ORDER BY task_key, "
                                                             "attempt_number",
                                 {Int(run_id)}));
  std::vector<TaskRun> out;
  for (const Row& r : rows) {
    KEEL_ASSIGN_OR_RETURN(TaskRun t, TaskFromRow(r));
    out.push_back(std::move(t));
  }
  return out;
}

Result<std::optional<TaskRun>> JobStore::GetTaskRun(Transaction& tx, int64_t task_run_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(std::string(kTaskColumns) + " WHERE task_run_id = ?",
                                            {Int(task_run_id)}));
  if (rows.empty()) return std::optional<TaskRun>();
  KEEL_ASSIGN_OR_RETURN(TaskRun t, TaskFromRow(rows[0]));
  return std::optional<TaskRun>(std::move(t));
}

// ---- task values ----------------------------------------------------------------------------

Status JobStore::SetTaskValue(Transaction& tx, int64_t run_id, const TaskValue& v) {
  KEEL_RETURN_IF_ERROR(tx.Exec("DELETE FROM job_task_values WHERE run_id = ? AND task_key = ? "
                               "AND key = ?",
                               {Int(run_id), Text(v.task_key), Text(v.key)})
                           .status());
  return tx
      .Exec(
          "INSERT INTO job_task_values (run_id, task_key, key, value, set_time) "
          "VALUES (?, ?, ?, ?, ?)",
          {Int(run_id), Text(v.task_key), Text(v.key), Text(v.value_json), Int(v.set_time)})
      .status();
}

Result<std::optional<TaskValue>> JobStore::GetTaskValue(Transaction& tx, int64_t run_id,
                                                        std::string_view task_key,
                                                        std::string_view key) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT task_key, key, value, set_time FROM "
                                            "job_task_values WHERE run_id = ? AND task_key = ? "
                                            "AND key = ?",
                                            {Int(run_id), Text(task_key), Text(key)}));
  if (rows.empty()) return std::optional<TaskValue>();
  return std::optional<TaskValue>(
      TaskValue{rows[0].Text(0), rows[0].Text(1), rows[0].Text(2), rows[0].Int(3)});
}

Result<std::vector<TaskValue>> JobStore::TaskValues(Transaction& tx, int64_t run_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT task_key, key, value, set_time FROM "
                                            "job_task_values WHERE run_id = ? ORDER BY "
                                            "task_key, key",
                                            {Int(run_id)}));
  std::vector<TaskValue> out;
  for (const Row& r : rows) out.push_back({r.Text(0), r.Text(1), r.Text(2), r.Int(3)});
  return out;
}

Status JobStore::ClearTaskValues(Transaction& tx, int64_t run_id, std::string_view task_key) {
  return tx
      .Exec("DELETE FROM job_task_values WHERE run_id = ? AND task_key = ?",
            {Int(run_id), Text(task_key)})
      .status();
}

Result<int64_t> JobStore::CountTaskValues(Transaction& tx, int64_t run_id,
                                          std::string_view task_key) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COUNT(*) FROM job_task_values WHERE "
                                            "run_id = ? AND task_key = ?",
                                            {Int(run_id), Text(task_key)}));
  return rows[0].Int(0);
}

// ---- scheduler state ------------------------------------------------------------------------

Result<std::optional<int64_t>> JobStore::TriggerState(Transaction& tx, int64_t job_id,
                                                      std::string_view source) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT last_value FROM job_trigger_state WHERE "
                                            "job_id = ? AND source = ?",
                                            {Int(job_id), Text(source)}));
  if (rows.empty()) return std::optional<int64_t>();
  return std::optional<int64_t>(rows[0].Int(0));
}

Status JobStore::SetTriggerState(Transaction& tx, int64_t job_id, std::string_view source,
                                 int64_t value, int64_t now) {
  KEEL_RETURN_IF_ERROR(tx.Exec("DELETE FROM job_trigger_state WHERE job_id = ? AND source = ?",
                               {Int(job_id), Text(source)})
                           .status());
  return tx
      .Exec(
          "INSERT INTO job_trigger_state (job_id, source, last_value, updated_time) "
          "VALUES (?, ?, ?, ?)",
          {Int(job_id), Text(source), Int(value), Int(now)})
      .status();
}

// ---- webhook deliveries ---------------------------------------------------------------------

json::Value WebhookDelivery::ToJson() const {
  json::Value v = json::Value::MakeObject();
  v.Set("event", event);
  v.Set("url", url);
  v.Set("attempts", attempts);
  v.Set("status_code", status_code);
  v.Set("outcome", outcome);
  if (!error.empty()) v.Set("error", error);
  v.Set("time", time);
  return v;
}

Status JobStore::InsertDelivery(Transaction& tx, const WebhookDelivery& d) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT COALESCE(MAX(delivery_id), 0) + 1 FROM "
                                            "job_webhook_deliveries"));
  return tx
      .Exec(
          "INSERT INTO job_webhook_deliveries (delivery_id, run_id, event, url, attempts, "
          "status_code, outcome, error, time) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          {Int(rows[0].Int(0)), Int(d.run_id), Text(d.event), Text(d.url), Int(d.attempts),
           IntOrNull(d.status_code), Text(d.outcome), Text(d.error), Int(d.time)})
      .status();
}

Result<std::vector<WebhookDelivery>> JobStore::Deliveries(Transaction& tx, int64_t run_id) {
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query("SELECT delivery_id, run_id, event, url, attempts, "
                                            "status_code, outcome, error, time FROM "
                                            "job_webhook_deliveries WHERE run_id = ? ORDER BY "
                                            "delivery_id",
                                            {Int(run_id)}));
  std::vector<WebhookDelivery> out;
  for (const Row& r : rows) {
    out.push_back({r.Int(0), r.Int(1), r.Text(2), r.Text(3), static_cast<int>(r.Int(4)),
                   static_cast<int>(r.Int(5)), r.Text(6), r.Text(7), r.Int(8)});
  }
  return out;
}

}  // namespace keel::jobs
