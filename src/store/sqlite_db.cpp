#include "store/sqlite_db.h"

#include <sqlite3.h>

namespace tocsin::store::internal {

Result<std::unique_ptr<Db>> Db::Open(const std::string& path, bool create) {
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
  if (create) flags |= SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc);
    sqlite3_close_v2(raw);
    return Status::Error(path + ": cannot open the event store: " + msg +
                         (create ? " (check that the directory exists and is writable)"
                                 : " (start the server once to create it, or check the path)"));
  }
  sqlite3_extended_result_codes(raw, 1);
  return std::unique_ptr<Db>(new Db(path, raw));
}

Db::~Db() { sqlite3_close_v2(db_); }

Status Db::Error(std::string_view what, int rc, std::string_view advice) const {
  std::string m = path_;
  m += ": ";
  m += what;
  m += ": ";
  m += db_ && sqlite3_errcode(db_) == rc ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  if (!advice.empty()) {
    m += " (";
    m += advice;
    m += ")";
  } else if ((rc & 0xff) == SQLITE_FULL) {
    m += " (free disk space or lower the report retention)";
  } else if ((rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT) {
    m += " (the file is damaged or not a Tocsin store: move it aside and restart to create a new one)";
  } else if ((rc & 0xff) == SQLITE_BUSY) {
    m += " (another process holds the store: run one server per store file)";
  }
  return Status::Error(std::move(m));
}

Status Db::Exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(std::string("executing \"") + sql + "\"", rc);
  return Status::Ok();
}

Result<std::unique_ptr<Stmt>> Db::Prepare(const char* sql) {
  sqlite3_stmt* s = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr);
  if (rc != SQLITE_OK) return Error(std::string("preparing \"") + sql + "\"", rc);
  return std::make_unique<Stmt>(this, s);
}

Result<std::int64_t> Db::QueryInt(const char* sql) {
  auto st = Prepare(sql);
  if (!st.ok()) return st.status();
  auto row = (*st)->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::Error(path_ + ": \"" + sql + "\" returned no row");
  return (*st)->ColumnInt(0);
}

Stmt::~Stmt() { sqlite3_finalize(s_); }

void Stmt::Note(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}
void Stmt::BindInt(int i, std::int64_t v) { Note(sqlite3_bind_int64(s_, i, v)); }
void Stmt::BindDouble(int i, double v) { Note(sqlite3_bind_double(s_, i, v)); }
void Stmt::BindText(int i, std::string_view v) {
  Note(sqlite3_bind_text64(s_, i, v.data() ? v.data() : "", v.size(), SQLITE_STATIC, SQLITE_UTF8));
}
void Stmt::BindBlob(int i, std::string_view v) {
  Note(sqlite3_bind_blob64(s_, i, v.data() ? v.data() : "", v.size(), SQLITE_STATIC));
}
void Stmt::BindNull(int i) { Note(sqlite3_bind_null(s_, i)); }

Result<bool> Stmt::Step() {
  if (bind_error_ != SQLITE_OK) {
    int rc = bind_error_;
    Reset();
    return db_->Error("binding a value of \"" + std::string(sqlite3_sql(s_)) + "\"", rc,
                      (rc & 0xff) == SQLITE_TOOBIG ? "the value is longer than the store's max_row_bytes: it was refused"
                                                   : std::string_view());
  }
  int rc = sqlite3_step(s_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status err = db_->Error("running \"" + std::string(sqlite3_sql(s_)) + "\"", rc);
  sqlite3_reset(s_);
  return err;
}

Status Stmt::Run() {
  auto r = Step();
  Reset();
  return r.status();
}

void Stmt::Reset() {
  bind_error_ = SQLITE_OK;
  sqlite3_reset(s_);
  sqlite3_clear_bindings(s_);
}

std::int64_t Stmt::ColumnInt(int i) const { return sqlite3_column_int64(s_, i); }
double Stmt::ColumnDouble(int i) const { return sqlite3_column_double(s_, i); }
bool Stmt::ColumnIsNull(int i) const { return sqlite3_column_type(s_, i) == SQLITE_NULL; }
std::string Stmt::ColumnBytes(int i) const {
  // sqlite3_column_blob works for text too and does not convert; call it before _bytes.
  const void* p = sqlite3_column_blob(s_, i);
  int n = sqlite3_column_bytes(s_, i);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

}  // namespace tocsin::store::internal
