// Internal to tocsin_store: thin RAII wrappers over the SQLite C API (one connection,
// prepared statements) whose errors name the database file and say what to do.
//
// Thread-safety: a Db and its statements are used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tocsin::store::internal {

class Stmt;

class Db {
 public:
  // Opens (creating when `create`) the database file `path`.
  static Result<std::unique_ptr<Db>> Open(const std::string& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return path_; }

  // Runs one or more statements that return no rows of interest.
  Status Exec(const char* sql);
  // Prepares `sql` (kept for reuse by the caller).
  Result<std::unique_ptr<Stmt>> Prepare(const char* sql);
  // The single integer a query like "PRAGMA user_version" returns.
  Result<std::int64_t> QueryInt(const char* sql);

  // "<path>: <what>: <sqlite message> (<advice>)".
  Status Error(std::string_view what, int rc, std::string_view advice = {}) const;

 private:
  Db(std::string path, sqlite3* db) : path_(std::move(path)), db_(db) {}
  std::string path_;
  sqlite3* db_;
};

class Stmt {
 public:
  Stmt(Db* db, sqlite3_stmt* s) : db_(db), s_(s) {}
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  // Bind by 1-based index. Text and blobs are not copied (SQLITE_STATIC):
  // REQUIRES: the bytes stay alive until the statement is stepped and reset.
  void BindInt(int i, std::int64_t v);
  void BindDouble(int i, double v);
  void BindText(int i, std::string_view v);
  void BindBlob(int i, std::string_view v);
  void BindNull(int i);
  // A failed bind (e.g. a value over the length limit) is reported by the next Step.

  // Ok(true) when a row is available, Ok(false) when done.
  Result<bool> Step();
  // Runs a statement that returns no rows, then resets it.
  Status Run();
  void Reset();

  std::int64_t ColumnInt(int i) const;
  double ColumnDouble(int i) const;
  bool ColumnIsNull(int i) const;
  // Text or blob bytes, exactly as stored (embedded NULs kept).
  std::string ColumnBytes(int i) const;

 private:
  void Note(int rc);  // keeps the first failed bind's code
  Db* db_;
  sqlite3_stmt* s_;
  int bind_error_ = 0;
};

}  // namespace tocsin::store::internal
