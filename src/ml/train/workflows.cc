#include "ml/train/workflows.h"

#include <map>

#include "ml/feature_encoding.h"
#include "ml/profile/profile_html.h"
#include "ml/train/model_fetch.h"
#include "ml/train/tracked_run.h"
#include "storage/batch/column_ops.h"

namespace keel::ml {

namespace {

struct ReadTable {
  catalog::TableRows rows;
  InputTable input;
};

Result<ReadTable> Read(const MlContext& ctx, const std::string& table,
                       std::optional<int64_t> version) {
  delta::TimeTravel at;
  if (version) at.version = *version;
  ReadTable out;
  KEEL_ASSIGN_OR_RETURN(out.rows, ctx.tables->Read(ctx.caller, table, {}, at));
  out.input = {table, out.rows.version, out.rows.rows.num_rows,
               TableDigest(table, out.rows.version, out.rows.rows.num_rows)};
  return out;
}

// Metrics of a model's output against encoded labels.
Result<std::pair<MetricList, json::Value>> Metrics(const ModelOutput& output,
                                                   const std::vector<double>& labels) {
  if (output.num_classes == 0) {
    KEEL_ASSIGN_OR_RETURN(RegressionMetrics m, ComputeRegressionMetrics(labels, output.values));
    return std::make_pair(m.ToList(), m.ToJson());
  }
  std::vector<int32_t> classes(labels.begin(), labels.end());
  KEEL_ASSIGN_OR_RETURN(ClassificationMetrics m,
                        ComputeClassificationMetrics(classes, output.values, output.num_classes));
  return std::make_pair(m.ToList(), m.ToJson());
}

// The output rows of `rows`.
ModelOutput TakeOutput(const ModelOutput& output, const std::vector<int64_t>& rows) {
  ModelOutput out;
  out.num_classes = output.num_classes;
  const int64_t width = output.num_classes == 0 ? 1 : output.num_classes;
  for (int64_t row : rows) {
    out.values.insert(out.values.end(), output.values.begin() + row * width,
                      output.values.begin() + (row + 1) * width);
  }
  return out;
}

// A metric key part made of the characters MLflow allows in keys.
std::string KeyPart(std::string_view text) {
  std::string out;
  for (char c : text.substr(0, 60)) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  return out.empty() ? "_" : out;
}

}  // namespace

Result<EvaluateResult> EvaluateModel(const MlContext& ctx, const EvaluateRequest& request) {
  KEEL_ASSIGN_OR_RETURN(FetchedModel model, FetchModel(ctx, request.model_uri));
  std::optional<FetchedModel> baseline;
  if (!request.baseline_uri.empty()) {
    KEEL_ASSIGN_OR_RETURN(baseline, FetchModel(ctx, request.baseline_uri));
    if (baseline->model->classes().empty() != model.model->classes().empty()) {
      return Status::InvalidArgument("the baseline " + request.baseline_uri +
                                     " solves another kind of problem than " + request.model_uri);
    }
  }
  const std::string label = !request.label.empty() ? request.label : model.label;
  if (label.empty()) {
    return Status::InvalidArgument("the model does not record its label column; pass --label");
  }
  KEEL_ASSIGN_OR_RETURN(ReadTable table, Read(ctx, request.table, request.version));
  const batch::RecordBatch& rows = table.rows.rows;
  if (rows.num_rows == 0) {
    return Status::InvalidArgument("table " + request.table + " has no rows to evaluate on");
  }
  const bool classify = !model.model->classes().empty();
  const ProblemType problem = classify ? ProblemType::kClassification : ProblemType::kRegression;
  KEEL_ASSIGN_OR_RETURN(
      EncodedLabels labels,
      EncodeLabels(rows, label, problem, classify ? &model.model->classes() : nullptr));
  KEEL_ASSIGN_OR_RETURN(ModelOutput output, model.model->Score(rows));
  std::optional<ModelOutput> baseline_output;
  if (baseline) {
    if (classify && baseline->model->classes() != model.model->classes()) {
      return Status::InvalidArgument("the baseline's classes differ from the model's");
    }
    KEEL_ASSIGN_OR_RETURN(baseline_output, baseline->model->Score(rows));
  }

  std::string experiment =
      request.experiment.empty() ? "/Shared/keel-evaluate" : request.experiment;
  KEEL_ASSIGN_OR_RETURN(
      auto run,
      TrackedRun::Start(ctx, experiment, request.run_name.empty() ? "evaluate" : request.run_name,
                        {{"keel.run_kind", "evaluation"}}));
  EvaluateResult result;
  result.run_id = run->run_id();
  result.experiment_id = run->experiment_id();
  result.table_version = table.input.version;
  Status status = [&]() -> Status {
    KEEL_RETURN_IF_ERROR(run->LogParams({{"model_uri", request.model_uri},
                                         {"table", request.table},
                                         {"table_version", std::to_string(table.input.version)},
                                         {"label", label},
                                         {"baseline_uri", request.baseline_uri}}));
    KEEL_RETURN_IF_ERROR(run->LogInput(table.input, "evaluation"));
    json::Value report = json::Value::MakeObject();
    report.Set("model_uri", request.model_uri);
    report.Set("table", request.table);
    report.Set("table_version", table.input.version);
    report.Set("label", label);
    report.Set("rows", rows.num_rows);
    KEEL_ASSIGN_OR_RETURN(auto overall, Metrics(output, labels.values));
    result.metrics = overall.first;
    report.Set("metrics", overall.second);
    KEEL_RETURN_IF_ERROR(run->LogMetrics(overall.first));
    if (baseline_output) {
      KEEL_ASSIGN_OR_RETURN(auto base, Metrics(*baseline_output, labels.values));
      result.baseline_metrics = base.first;
      json::Value b = json::Value::MakeObject();
      b.Set("model_uri", request.baseline_uri);
      b.Set("metrics", base.second);
      json::Value deltas = json::Value::MakeObject();
      std::vector<std::pair<std::string, double>> logged;
      for (const auto& [key, value] : base.first) {
        logged.emplace_back("baseline_" + key, value);
        for (const auto& [mkey, mvalue] : overall.first) {
          if (mkey == key) deltas.Set(key, mvalue - value);
        }
      }
      b.Set("delta", std::move(deltas));
      report.Set("baseline", std::move(b));
      KEEL_RETURN_IF_ERROR(run->LogMetrics(logged));
    }
    json::Value slices = json::Value::MakeArray();
    for (const std::string& column_name : request.slice_columns) {
      std::optional<size_t> idx = rows.schema.FieldIndex(column_name);
      if (!idx) {
        return Status::InvalidArgument("slice column '" + column_name + "' is not a column of " +
                                       request.table);
      }
      const batch::Column& column = rows.columns[*idx];
      std::map<std::string, std::vector<int64_t>> groups;
      bool truncated = false;
      for (int64_t row = 0; row < rows.num_rows; ++row) {
        std::string value = column.IsValid(row) ? CellText(column, row) : "null";
        auto it = groups.find(value);
        if (it == groups.end()) {
          if (static_cast<int>(groups.size()) >= kMaxSliceValues) {
            truncated = true;
            continue;
          }
          it = groups.emplace(value, std::vector<int64_t>{}).first;
        }
        it->second.push_back(row);
      }
      for (const auto& [value, members] : groups) {
        std::vector<double> slice_labels;
        for (int64_t row : members) slice_labels.push_back(labels.values[row]);
        KEEL_ASSIGN_OR_RETURN(auto m, Metrics(TakeOutput(output, members), slice_labels));
        json::Value slice = json::Value::MakeObject();
        slice.Set("column", column_name);
        slice.Set("value", value);
        slice.Set("rows", static_cast<int64_t>(members.size()));
        slice.Set("metrics", m.second);
        slices.Append(std::move(slice));
        std::vector<std::pair<std::string, double>> logged;
        for (const auto& [key, v] : m.first) {
          logged.emplace_back("slice." + KeyPart(column_name) + "." + KeyPart(value) + "." + key,
                              v);
        }
        KEEL_RETURN_IF_ERROR(run->LogMetrics(logged));
      }
      if (truncated) {
        json::Value note = json::Value::MakeObject();
        note.Set("column", column_name);
        note.Set("note", "more than " + std::to_string(kMaxSliceValues) +
                             " distinct values; the rest are left out");
        slices.Append(std::move(note));
      }
    }
    report.Set("slices", std::move(slices));
    KEEL_RETURN_IF_ERROR(run->UploadArtifact("evaluation/report.json", report.Dump(true) + "\n"));
    result.report = std::move(report);
    return run->Finish(true);
  }();
  if (!status.ok()) {
    (void)run->Finish(false);
    return status;
  }
  return result;
}

Result<PredictResult> PredictTable(const MlContext& ctx, const PredictRequest& request) {
  KEEL_ASSIGN_OR_RETURN(FetchedModel model, FetchModel(ctx, request.model_uri));
  KEEL_ASSIGN_OR_RETURN(ReadTable table, Read(ctx, request.table, request.version));
  batch::RecordBatch out = std::move(table.rows.rows);
  for (std::string_view name : {"prediction", "probability"}) {
    if (out.schema.FieldIndex(std::string(name))) {
      return Status::InvalidArgument("table " + request.table + " already has a column '" +
                                     std::string(name) + "'; Keel adds it with the predictions");
    }
  }
  KEEL_ASSIGN_OR_RETURN(ModelOutput output, model.model->Score(out));
  const std::vector<std::string>& classes = model.model->classes();
  if (classes.empty()) {
    batch::Column prediction =
        batch::Column::Make(batch::DataType::Primitive(batch::TypeId::kDouble));
    prediction.f64 = output.values;
    prediction.length = static_cast<int64_t>(output.values.size());
    out.schema.fields.push_back({"prediction", prediction.type, true});
    out.columns.push_back(std::move(prediction));
  } else {
    batch::Column prediction =
        batch::Column::Make(batch::DataType::Primitive(batch::TypeId::kString));
    batch::Column probability =
        batch::Column::Make(batch::DataType::Primitive(batch::TypeId::kDouble));
    std::vector<int32_t> predicted = output.PredictedClasses();
    for (size_t row = 0; row < predicted.size(); ++row) {
      prediction.bytes += classes[predicted[row]];
      prediction.offsets.push_back(static_cast<int64_t>(prediction.bytes.size()));
      prediction.MarkAppendedValid();
      const double* p = output.values.data() + row * output.num_classes;
      probability.f64.push_back(output.num_classes == 2 ? p[1] : p[predicted[row]]);
      probability.MarkAppendedValid();
    }
    out.schema.fields.push_back({"prediction", prediction.type, true});
    out.columns.push_back(std::move(prediction));
    out.schema.fields.push_back({"probability", probability.type, true});
    out.columns.push_back(std::move(probability));
  }
  PredictResult result;
  result.rows = out.num_rows;
  result.input_version = table.input.version;
  KEEL_ASSIGN_OR_RETURN(
      result.output_version,
      WriteOrCreateTable(ctx, request.output_table, out, request.overwrite,
                         "predictions of " + request.model_uri + " on " + request.table +
                             " version " + std::to_string(table.input.version),
                         &result.created));
  return result;
}

Result<int64_t> WriteOrCreateTable(const MlContext& ctx, const std::string& table,
                                   const batch::RecordBatch& rows, bool overwrite,
                                   const std::string& comment, bool* created) {
  *created = false;
  auto existing = ctx.tables->DescribeTable(ctx.caller, table);
  if (!existing.ok()) {
    if (existing.status().code() != ErrorCode::kResourceDoesNotExist) return existing.status();
    catalog::CreateTableRequest create;
    create.full_name = table;
    create.schema = rows.schema;
    create.comment = comment;
    KEEL_RETURN_IF_ERROR(ctx.tables->CreateTable(ctx.caller, create).status());
    *created = true;
  }
  delta::WriteOptions write;
  write.mode = overwrite ? delta::WriteMode::kOverwrite : delta::WriteMode::kAppend;
  KEEL_ASSIGN_OR_RETURN(delta::CommitResult commit,
                        ctx.tables->Write(ctx.caller, table, rows, write));
  return commit.version;
}

Status LogProfileArtifacts(const TableProfile& profile, const std::string& title, TrackedRun* run) {
  KEEL_RETURN_IF_ERROR(
      run->UploadArtifact("profile/profile.json", profile.ToJson().Dump(true) + "\n"));
  return run->UploadArtifact("profile/profile.html", RenderProfileHtml(profile, title));
}

Result<ProfileResult> ProfileTable(const MlContext& ctx, const ProfileRequest& request) {
  KEEL_ASSIGN_OR_RETURN(ReadTable table, Read(ctx, request.table, request.version));
  KEEL_ASSIGN_OR_RETURN(TableProfile profile, ProfileBatch(table.rows.rows, request.options));
  std::string experiment =
      request.experiment.empty() ? "/Shared/keel-" + request.table : request.experiment;
  KEEL_ASSIGN_OR_RETURN(
      auto run,
      TrackedRun::Start(ctx, experiment, request.run_name.empty() ? "profile" : request.run_name,
                        {{"keel.run_kind", "profile"}}));
  ProfileResult result;
  result.run_id = run->run_id();
  result.table_version = table.input.version;
  Status status = [&]() -> Status {
    KEEL_RETURN_IF_ERROR(run->LogParams({{"table", request.table},
                                         {"table_version", std::to_string(table.input.version)},
                                         {"label", request.options.label_column}}));
    KEEL_RETURN_IF_ERROR(run->LogInput(table.input, "profile"));
    KEEL_RETURN_IF_ERROR(
        run->LogMetrics({{"num_rows", static_cast<double>(profile.num_rows)},
                         {"num_columns", static_cast<double>(profile.columns.size())}}));
    KEEL_RETURN_IF_ERROR(LogProfileArtifacts(
        profile, request.table + " version " + std::to_string(table.input.version), run.get()));
    return run->Finish(true);
  }();
  if (!status.ok()) {
    (void)run->Finish(false);
    return status;
  }
  result.profile = std::move(profile);
  return result;
}

}  // namespace keel::ml
