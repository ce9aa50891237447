#include "tracking/run_search.h"

#include "common/json.h"

namespace keel::tracking {

using metastore::Int;
using metastore::SqlValue;
using metastore::Text;

namespace {

struct Sql {
  std::string text;
  std::vector<SqlValue> params;
};

// SQL LIKE pattern (% and _) as a GLOB pattern, so that SQLite matches case-sensitively as
// MLflow's LIKE does (SQLite's own LIKE ignores ASCII case).
std::string LikeToGlob(std::string_view like) {
  std::string out;
  for (char c : like) {
    switch (c) {
      case '%': out += '*'; break;
      case '_': out += '?'; break;
      case '*': out += "[*]"; break;
      case '?': out += "[?]"; break;
      case '[': out += "[[]"; break;
      default: out += c;
    }
  }
  return out;
}

std::string_view NumericOp(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    default: return "";
  }
}

// `column <op> value` for a string comparison, appended to `sql`.
Status StringCompare(std::string_view column, const Comparison& c, std::string_view dialect,
                     Sql* sql) {
  switch (c.op) {
    case CompareOp::kEq:
    case CompareOp::kNe:
      sql->text += std::string(column) + (c.op == CompareOp::kEq ? " = ?" : " != ?");
      sql->params.push_back(Text(c.value.text));
      return Status::OK();
    case CompareOp::kLike:
      if (dialect == "sqlite") {
        sql->text += std::string(column) + " GLOB ?";
        sql->params.push_back(Text(LikeToGlob(c.value.text)));
      } else {
        sql->text += std::string(column) + " LIKE ?";
        sql->params.push_back(Text(c.value.text));
      }
      return Status::OK();
    case CompareOp::kILike:
      sql->text += "LOWER(" + std::string(column) + ") LIKE LOWER(?)";
      sql->params.push_back(Text(c.value.text));
      return Status::OK();
    case CompareOp::kIn:
    case CompareOp::kNotIn: {
      if (c.value.list.empty()) {
        // x IN () is false; x NOT IN () is true.
        sql->text += c.op == CompareOp::kIn ? "1 = 0" : "1 = 1";
        return Status::OK();
      }
      sql->text += std::string(column) + (c.op == CompareOp::kIn ? " IN (" : " NOT IN (");
      for (size_t i = 0; i < c.value.list.size(); ++i) {
        sql->text += i ? ", ?" : "?";
        sql->params.push_back(Text(c.value.list[i]));
      }
      sql->text += ")";
      return Status::OK();
    }
    default:
      return Status::InvalidArgument("operator not supported for '" + c.key + "'");
  }
}

Status NumericCompare(std::string_view column, const Comparison& c, Sql* sql) {
  std::string_view op = NumericOp(c.op);
  if (op.empty() || !c.value.is_number) {
    return Status::InvalidArgument("'" + c.key + "' must be compared with a number using =, !=, "
                                   "<, <=, > or >=");
  }
  sql->text += std::string(column) + " " + std::string(op) + " ?";
  sql->params.push_back(SqlValue(c.value.number));
  return Status::OK();
}

// Column of runs for an attribute key, and whether it is numeric.
Result<std::pair<std::string, bool>> AttributeColumn(std::string_view key) {
  if (key == "run_id") return std::make_pair(std::string("r.run_id"), false);
  if (key == "run_name") return std::make_pair(std::string("r.name"), false);
  if (key == "status") return std::make_pair(std::string("r.status"), false);
  if (key == "user_id") return std::make_pair(std::string("r.user_id"), false);
  if (key == "artifact_uri") return std::make_pair(std::string("r.artifact_uri"), false);
  if (key == "start_time" || key == "created" || key == "Created") {
    return std::make_pair(std::string("r.start_time"), true);
  }
  if (key == "end_time") return std::make_pair(std::string("r.end_time"), true);
  return Status::InvalidArgument("Invalid attribute key '" + std::string(key) + "'");
}

// Metric, param and tag clauses as INNER JOINs: those tables hold at most one row per
// (run_id, key), so a join keeps each run once, and it lets the planner start from the most
// selective (key, value) index instead of probing every run of the experiment.
Status JoinClauseSql(const Comparison& c, size_t index, std::string_view dialect, Sql* sql) {
  std::string alias = "f" + std::to_string(index);
  std::string table = c.key_type == KeyType::kMetric  ? "latest_metrics"
                      : c.key_type == KeyType::kParam ? "params"
                                                      : "tags";
  sql->text += " JOIN " + table + " " + alias + " ON " + alias + ".run_id = r.run_id AND " +
               alias + ".key = ? AND ";
  sql->params.push_back(Text(c.key));
  if (c.key_type == KeyType::kMetric) {
    sql->text += alias + ".is_nan = 0 AND ";
    return NumericCompare(alias + ".value", c, sql);
  }
  return StringCompare(alias + ".value", c, dialect, sql);
}

Status ClauseSql(const Comparison& c, std::string_view dialect, Sql* sql) {
  switch (c.key_type) {
    case KeyType::kMetric:
    case KeyType::kParam:
    case KeyType::kTag:
      return Status::Internal("metric, param and tag clauses are joins (JoinClauseSql)");
    case KeyType::kAttribute: {
      KEEL_ASSIGN_OR_RETURN(auto column, AttributeColumn(c.key));
      return column.second ? NumericCompare(column.first, c, sql)
                           : StringCompare(column.first, c, dialect, sql);
    }
    case KeyType::kDataset: {
      std::string column;
      if (c.key == "name") column = "d.name";
      else if (c.key == "digest") column = "d.digest";
      else if (c.key == "context") column = "i.tags";
      else return Status::InvalidArgument("Invalid dataset key '" + c.key + "'");
      sql->text += "EXISTS (SELECT 1 FROM run_inputs i JOIN datasets d ON d.dataset_id = "
                   "i.dataset_id WHERE i.run_id = r.run_id AND ";
      if (c.key == "context") {
        // The context lives in the input's tags (JSON); compare against the exact tag text.
        if (c.op != CompareOp::kEq) {
          return Status::InvalidArgument("datasets.context supports only '='");
        }
        sql->text += "i.tags LIKE ?";
        json::Value tag;
        tag.Set("key", "mlflow.data.context");
        tag.Set("value", c.value.text);
        sql->params.push_back(Text("%" + tag.Dump() + "%"));
      } else {
        KEEL_RETURN_IF_ERROR(StringCompare(column, c, dialect, sql));
      }
      sql->text += ")";
      return Status::OK();
    }
  }
  return Status::InvalidArgument("unsupported filter key '" + c.key + "'");
}

}  // namespace

Result<std::vector<std::string>> SearchRunIds(metastore::Transaction& tx,
                                              std::string_view dialect,
                                              const RunSearchQuery& q) {
  Sql joins, where, order;
  for (size_t i = 0; i < q.order_by.size(); ++i) {
    const OrderBy& o = q.order_by[i];
    std::string alias = "o" + std::to_string(i);
    std::string expr;
    switch (o.key_type) {
      case KeyType::kMetric:
      case KeyType::kParam:
      case KeyType::kTag: {
        std::string table = o.key_type == KeyType::kMetric  ? "latest_metrics"
                            : o.key_type == KeyType::kParam ? "params"
                                                            : "tags";
        joins.text += " LEFT JOIN " + table + " " + alias + " ON " + alias +
                      ".run_id = r.run_id AND " + alias + ".key = ?";
        joins.params.push_back(Text(o.key));
        expr = alias + ".value";
        break;
      }
      case KeyType::kAttribute: {
        KEEL_ASSIGN_OR_RETURN(auto column, AttributeColumn(o.key));
        expr = column.first;
        break;
      }
      case KeyType::kDataset:
        return Status::InvalidArgument("cannot order runs by dataset fields");
    }
    // Missing values sort last in both directions, as in MLflow.
    order.text += "(" + expr + " IS NULL), " + expr + (o.ascending ? " ASC, " : " DESC, ");
  }
  order.text += "r.start_time DESC, r.run_id ASC";

  where.text = " WHERE r.experiment_id IN (";
  for (size_t i = 0; i < q.experiment_ids.size(); ++i) {
    where.text += i ? ", ?" : "?";
    where.params.push_back(Int(q.experiment_ids[i]));
  }
  where.text += ")";
  switch (q.view) {
    case ViewType::kActiveOnly: where.text += " AND r.lifecycle_stage = 'active'"; break;
    case ViewType::kDeletedOnly: where.text += " AND r.lifecycle_stage = 'deleted'"; break;
    case ViewType::kAll: break;
  }
  Sql filter_joins;
  for (size_t i = 0; i < q.filter.clauses.size(); ++i) {
    const Comparison& c = q.filter.clauses[i];
    if (c.key_type == KeyType::kMetric || c.key_type == KeyType::kParam ||
        c.key_type == KeyType::kTag) {
      KEEL_RETURN_IF_ERROR(JoinClauseSql(c, i, dialect, &filter_joins));
      continue;
    }
    where.text += " AND ";
    KEEL_RETURN_IF_ERROR(ClauseSql(c, dialect, &where));
  }

  std::string sql = "SELECT r.run_id FROM runs r" + filter_joins.text + joins.text + where.text +
                    " ORDER BY " + order.text + " LIMIT ? OFFSET ?";
  std::vector<SqlValue> params = std::move(filter_joins.params);
  params.insert(params.end(), joins.params.begin(), joins.params.end());
  params.insert(params.end(), where.params.begin(), where.params.end());
  params.push_back(Int(q.limit));
  params.push_back(Int(q.offset));
  KEEL_ASSIGN_OR_RETURN(auto rows, tx.Query(sql, params));
  std::vector<std::string> ids;
  ids.reserve(rows.size());
  for (const auto& r : rows) ids.push_back(r.Text(0));
  return ids;
}

}  // namespace keel::tracking
