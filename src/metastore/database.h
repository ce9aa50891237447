#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/result.h"

namespace keel::metastore {

// A SQL value: NULL, a 64-bit integer, a double or text. Blobs are not stored in the metastore
// (large things live in the storage root).
using SqlValue = std::variant<std::monostate, int64_t, double, std::string>;

inline SqlValue Null() { return SqlValue(); }
inline SqlValue Text(std::string_view s) { return SqlValue(std::string(s)); }
inline SqlValue Int(int64_t i) { return SqlValue(i); }
// NULL when `s` is empty: for optional text columns.
inline SqlValue TextOrNull(std::string_view s) { return s.empty() ? Null() : Text(s); }

// One result row. Accessors take the column index of the SELECT list.
class Row {
 public:
  explicit Row(std::vector<SqlValue> values) : values_(std::move(values)) {}
  size_t size() const { return values_.size(); }
  bool IsNull(size_t i) const { return std::holds_alternative<std::monostate>(values_[i]); }
  // NULL reads as 0 / 0.0 / "".
  int64_t Int(size_t i) const;
  double Double(size_t i) const;
  std::string Text(size_t i) const;

 private:
  std::vector<SqlValue> values_;
};

// Statements inside one transaction. SQL is portable (SQLite and PostgreSQL) and uses `?`
// placeholders; values are always bound, never pasted into the text.
class Transaction {
 public:
  virtual ~Transaction() = default;
  // Runs one statement; returns the number of rows it changed.
  virtual Result<int64_t> Exec(std::string_view sql, const std::vector<SqlValue>& params = {}) = 0;
  virtual Result<std::vector<Row>> Query(std::string_view sql,
                                         const std::vector<SqlValue>& params = {}) = 0;
  // Runs a script of several statements without parameters (migrations).
  virtual Status ExecScript(std::string_view sql) = 0;
};

// The metastore: one SQL database for all metadata. Every change is a transaction; a function
// passed to Write either commits whole (it returned OK) or leaves nothing behind.
//
// Thread-safety: all methods may be called from any thread; each call uses its own connection.
// Several processes may open the same database (the CLI beside a running server).
//
// Unique-constraint violations surface as kResourceAlreadyExists and foreign-key violations as
// kInvalidParameterValue, so stores can turn races into the right user error.
class Database {
 public:
  virtual ~Database() = default;

  // A read-write transaction that takes the write lock at its start (so it cannot deadlock on
  // upgrade). Retried automatically while another writer holds the lock, up to the busy timeout;
  // then kTemporarilyUnavailable.
  virtual Status Write(const std::function<Status(Transaction&)>& fn) = 0;
  // A read-only transaction that sees one consistent snapshot.
  virtual Status Read(const std::function<Status(Transaction&)>& fn) = 0;

  // "sqlite" or "postgres": the few places that need dialect SQL ask this.
  virtual std::string_view dialect() const = 0;
};

}  // namespace keel::metastore
