#include "metastore/sqlite/sqlite_database.h"

#include <sqlite3.h>

#include <mutex>
#include <unordered_map>
#include <vector>

#include "common/log.h"

namespace keel::metastore {

namespace {

// Turns a SQLite failure into a user-facing Status. Details (which may contain SQL) go to the
// log, not to the caller.
Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  int extended = db ? sqlite3_extended_errcode(db) : rc;
  std::string detail = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
      if (extended == SQLITE_CONSTRAINT_UNIQUE || extended == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return Status::AlreadyExists("an object with that name already exists");
      }
      if (extended == SQLITE_CONSTRAINT_FOREIGNKEY) {
        return Status::InvalidArgument("the change refers to an object that does not exist");
      }
      return Status::InvalidArgument("the change violates a metastore constraint: " + detail);
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return Status::Unavailable("the metastore is busy with another writer; retry shortly");
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return Status::Corruption("the metastore database file is damaged (" + detail +
                                "); restore it from a backup");
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return Status::IOError("metastore " + std::string(what) + " failed: " + detail);
    default:
      KEEL_LOG(kError) << "sqlite " << what << " failed: " << detail;
      return Status::Internal("internal metastore error during " + std::string(what) +
                              "; see the server log");
  }
}

class Connection {
 public:
  explicit Connection(sqlite3* db) : db_(db) {}
  ~Connection() {
    for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
    sqlite3_close_v2(db_);
  }
  sqlite3* db() const { return db_; }

  // A prepared statement for `sql`, reset and with bindings cleared. Cached per connection.
  Result<sqlite3_stmt*> Prepare(std::string_view sql) {
    std::string key(sql);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      sqlite3_reset(it->second);
      sqlite3_clear_bindings(it->second);
      return it->second;
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return SqliteError(db_, rc, "prepare");
    cache_.emplace(std::move(key), stmt);
    return stmt;
  }

 private:
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
};

class SqliteTransaction : public Transaction {
 public:
  explicit SqliteTransaction(Connection* conn) : conn_(conn) {}

  Result<int64_t> Exec(std::string_view sql, const std::vector<SqlValue>& params) override {
    KEEL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, BindAll(sql, params));
    int rc;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    }
    Status s = rc == SQLITE_DONE ? Status::OK() : SqliteError(conn_->db(), rc, "statement");
    sqlite3_reset(stmt);
    KEEL_RETURN_IF_ERROR(s);
    return static_cast<int64_t>(sqlite3_changes64(conn_->db()));
  }

  Result<std::vector<Row>> Query(std::string_view sql,
                                 const std::vector<SqlValue>& params) override {
    KEEL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, BindAll(sql, params));
    std::vector<Row> rows;
    int rc;
    int columns = sqlite3_column_count(stmt);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      std::vector<SqlValue> values;
      values.reserve(columns);
      for (int c = 0; c < columns; ++c) {
        switch (sqlite3_column_type(stmt, c)) {
          case SQLITE_NULL: values.emplace_back(); break;
          case SQLITE_INTEGER: values.emplace_back(int64_t{sqlite3_column_int64(stmt, c)}); break;
          case SQLITE_FLOAT: values.emplace_back(sqlite3_column_double(stmt, c)); break;
          default: {
            const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
            values.emplace_back(std::string(text ? text : "", sqlite3_column_bytes(stmt, c)));
          }
        }
      }
      rows.emplace_back(std::move(values));
    }
    Status s = rc == SQLITE_DONE ? Status::OK() : SqliteError(conn_->db(), rc, "query");
    sqlite3_reset(stmt);
    KEEL_RETURN_IF_ERROR(s);
    return rows;
  }

  Status ExecScript(std::string_view sql) override {
    std::string text(sql);
    char* err = nullptr;
    int rc = sqlite3_exec(conn_->db(), text.c_str(), nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) return SqliteError(conn_->db(), rc, "script");
    return Status::OK();
  }

 private:
  Result<sqlite3_stmt*> BindAll(std::string_view sql, const std::vector<SqlValue>& params) {
    KEEL_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, conn_->Prepare(sql));
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt)) {
      return Status::Internal("statement expects " +
                              std::to_string(sqlite3_bind_parameter_count(stmt)) +
                              " parameters, got " + std::to_string(params.size()));
    }
    for (size_t i = 0; i < params.size(); ++i) {
      int idx = static_cast<int>(i + 1);
      const SqlValue& v = params[i];
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(v)) {
        rc = sqlite3_bind_null(stmt, idx);
      } else if (auto* iv = std::get_if<int64_t>(&v)) {
        rc = sqlite3_bind_int64(stmt, idx, *iv);
      } else if (auto* dv = std::get_if<double>(&v)) {
        rc = sqlite3_bind_double(stmt, idx, *dv);
      } else {
        const std::string& s = std::get<std::string>(v);
        rc = sqlite3_bind_text64(stmt, idx, s.data(), s.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
      }
      if (rc != SQLITE_OK) return SqliteError(conn_->db(), rc, "bind");
    }
    return stmt;
  }

  Connection* conn_;
};

class SqliteDatabase : public Database {
 public:
  SqliteDatabase(std::string path, SqliteOptions options)
      : path_(std::move(path)), options_(options) {}

  ~SqliteDatabase() override {
    for (Connection* c : idle_) delete c;
  }

  Status Write(const std::function<Status(Transaction&)>& fn) override {
    return RunTransaction("BEGIN IMMEDIATE", fn);
  }
  Status Read(const std::function<Status(Transaction&)>& fn) override {
    return RunTransaction("BEGIN", fn);
  }
  std::string_view dialect() const override { return "sqlite"; }

  Result<Connection*> Acquire() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!idle_.empty()) {
        Connection* c = idle_.back();
        idle_.pop_back();
        return c;
      }
    }
    return OpenConnection();
  }

  void Release(Connection* c) {
    std::lock_guard<std::mutex> lock(mu_);
    if (static_cast<int>(idle_.size()) < options_.max_idle_connections) {
      idle_.push_back(c);
    } else {
      delete c;
    }
  }

  Result<Connection*> OpenConnection() {
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(path_.c_str(), &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
    if (rc != SQLITE_OK) {
      Status s = SqliteError(db, rc, "open of " + path_);
      sqlite3_close_v2(db);
      return s;
    }
    auto conn = std::make_unique<Connection>(db);
    sqlite3_busy_timeout(db, options_.busy_timeout_ms);
    sqlite3_extended_result_codes(db, 1);
    // Reads go through a memory map (shared by all connections through the OS page cache) and a
    // 16 MiB page cache per connection: search over large tracking tables is lookup-bound.
    static const char* kPragmas =
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
        "PRAGMA cache_size=-16384; PRAGMA mmap_size=1073741824;";
    char* err = nullptr;
    rc = sqlite3_exec(db, kPragmas, nullptr, nullptr, &err);
    if (err) sqlite3_free(err);
    if (rc != SQLITE_OK) return SqliteError(db, rc, "open of " + path_);
    return conn.release();
  }

 private:
  Status RunTransaction(const char* begin, const std::function<Status(Transaction&)>& fn) {
    KEEL_ASSIGN_OR_RETURN(Connection * conn, Acquire());
    // Give the connection back (or close it) on every path.
    struct Returner {
      SqliteDatabase* self;
      Connection* conn;
      ~Returner() { self->Release(conn); }
    } returner{this, conn};

    int rc = sqlite3_exec(conn->db(), begin, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return SqliteError(conn->db(), rc, "begin");
    SqliteTransaction tx(conn);
    Status s = fn(tx);
    if (!s.ok()) {
      sqlite3_exec(conn->db(), "ROLLBACK", nullptr, nullptr, nullptr);
      return s;
    }
    rc = sqlite3_exec(conn->db(), "COMMIT", nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) {
      Status err = SqliteError(conn->db(), rc, "commit");
      sqlite3_exec(conn->db(), "ROLLBACK", nullptr, nullptr, nullptr);
      return err;
    }
    return Status::OK();
  }

  const std::string path_;
  const SqliteOptions options_;
  std::mutex mu_;
  std::vector<Connection*> idle_;  // guarded by mu_
};

}  // namespace

Result<std::unique_ptr<Database>> OpenSqliteDatabase(const std::string& path,
                                                     const SqliteOptions& options) {
  auto db = std::make_unique<SqliteDatabase>(path, options);
  // Open one connection now so that a bad path or a damaged file is reported at open time.
  KEEL_ASSIGN_OR_RETURN(Connection * conn, db->OpenConnection());
  // Reading the schema detects a file that is not a database at all.
  int rc = sqlite3_exec(conn->db(), "SELECT count(*) FROM sqlite_master", nullptr, nullptr,
                        nullptr);
  if (rc != SQLITE_OK) {
    Status s = SqliteError(conn->db(), rc, "open of " + path);
    delete conn;
    return s;
  }
  db->Release(conn);
  return std::unique_ptr<Database>(std::move(db));
}

}  // namespace keel::metastore
