#include "store/schema.h"

#include <sqlite3.h>

#include <string>

namespace tocsin::store::internal {
namespace {

// Version 1. Every table is append-only except `published` (one row per channel).
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE reports(
  seq         INTEGER PRIMARY KEY,
  received_at REAL NOT NULL,
  sensor      TEXT NOT NULL,
  kind        TEXT NOT NULL,
  time        REAL NOT NULL,
  report      TEXT,
  format      TEXT NOT NULL,
  raw         BLOB,
  CHECK (report IS NOT NULL OR (format = 'json' AND raw IS NOT NULL))
);
CREATE INDEX reports_by_time ON reports(time);
CREATE TABLE alert_events(
  seq    INTEGER PRIMARY KEY,
  time   REAL NOT NULL,
  alert  TEXT NOT NULL,
  zone   TEXT NOT NULL,
  kind   TEXT NOT NULL,
  line   TEXT NOT NULL,
  mode   TEXT NOT NULL CHECK (mode IN ('live', 'exercise')),
  manual INTEGER NOT NULL CHECK (manual IN (0, 1))
);
CREATE INDEX alert_events_by_zone ON alert_events(zone, seq);
CREATE INDEX alert_events_by_alert ON alert_events(alert, seq);
CREATE INDEX alert_events_by_time ON alert_events(time);
CREATE TABLE audit(
  seq      INTEGER PRIMARY KEY,
  time     REAL NOT NULL,
  operator TEXT NOT NULL,
  role     TEXT NOT NULL,
  action   TEXT NOT NULL,
  detail   TEXT NOT NULL,
  result   TEXT NOT NULL
);
CREATE INDEX audit_by_time ON audit(time);
CREATE TABLE checkpoints(
  seq   INTEGER PRIMARY KEY,
  time  REAL NOT NULL,
  key   TEXT NOT NULL,
  value TEXT NOT NULL
);
CREATE INDEX checkpoints_by_key ON checkpoints(key, seq);
CREATE TABLE published(
  channel   TEXT PRIMARY KEY,
  event_seq INTEGER NOT NULL,
  time      REAL NOT NULL
);
)sql";

constexpr const char* kMoveAside =
    "move the file aside (or choose another store path) and restart to create a new store";

// Checks what the file holds; creates the schema when it is empty (writer only).
Status CheckOrCreateSchema(Db& db, bool create) {
  // The first read of the file: a non-database fails here with "file is not a database".
  auto app = db.QueryInt("PRAGMA application_id");
  if (!app.ok())
    return Status::Error(db.path() + ": not a Tocsin event store or damaged (" + app.status().message() + "); " +
                         kMoveAside);
  auto version = db.QueryInt("PRAGMA user_version");
  if (!version.ok()) return version.status();
  auto objects = db.QueryInt("SELECT count(*) FROM sqlite_schema");
  if (!objects.ok()) return objects.status();

  if (*app == 0 && *version == 0 && *objects == 0) {
    if (!create)
      return Status::Error(db.path() + ": the event store has not been created yet (start the server that writes it first)");
    std::string sql = "BEGIN IMMEDIATE;";
    sql += kSchemaV1;
    sql += "PRAGMA application_id = " + std::to_string(kApplicationId) + ";";
    sql += "PRAGMA user_version = " + std::to_string(kSchemaVersion) + ";";
    sql += "COMMIT;";
    Status s = db.Exec(sql.c_str());
    if (!s.ok()) {
      db.Exec("ROLLBACK");
      return s;
    }
    return Status::Ok();
  }
  if (*app != kApplicationId)
    return Status::Error(db.path() + ": this SQLite database is not a Tocsin event store (application_id " +
                         std::to_string(*app) + ", expected " + std::to_string(kApplicationId) + "); " + kMoveAside);
  if (*version > kSchemaVersion)
    return Status::Error(db.path() + ": the event store has schema version " + std::to_string(*version) +
                         " but this tocsin knows only up to version " + std::to_string(kSchemaVersion) +
                         " (it was written by a newer tocsin: run that version, or " + kMoveAside + ")");
  if (*version < 1)
    return Status::Error(db.path() + ": the event store has an unknown schema version " + std::to_string(*version) +
                         "; " + kMoveAside);
  // Version 1 is the first: no migrations yet.
  return Status::Ok();
}

Status CommonPragmas(Db& db, const ConnectionSettings& s) {
  sqlite3_limit(db.handle(), SQLITE_LIMIT_LENGTH, s.max_row_bytes);
  std::string sql = "PRAGMA cache_size = -" + std::to_string(s.cache_kib) + "; PRAGMA temp_store = MEMORY;";
  return db.Exec(sql.c_str());
}

}  // namespace

Result<std::unique_ptr<Db>> OpenWriter(const std::string& path, const ConnectionSettings& s) {
  auto db = Db::Open(path, /*create=*/true);
  if (!db.ok()) return db.status();
  Db& d = **db;
  sqlite3_busy_timeout(d.handle(), s.busy_timeout_ms);
  if (Status st = CheckOrCreateSchema(d, /*create=*/true); !st.ok()) return st;
  if (Status st = CommonPragmas(d, s); !st.ok()) return st;

  // WAL: readers never block the writer, and a commit is one append to the -wal file.
  auto mode = d.Prepare("PRAGMA journal_mode = WAL");
  if (!mode.ok()) return mode.status();
  auto row = (*mode)->Step();
  if (!row.ok()) return row.status();
  if (!*row || (*mode)->ColumnBytes(0) != "wal")
    return Status::Error(path + ": cannot switch the event store to WAL mode (got \"" +
                         (*row ? (*mode)->ColumnBytes(0) : std::string()) +
                         "\"; the file system must support shared memory and locks: use a local disk)");
  mode->reset();
  std::string sql = std::string("PRAGMA synchronous = ") + (s.sync_full ? "FULL" : "NORMAL") +
                    "; PRAGMA wal_autocheckpoint = " + std::to_string(s.wal_autocheckpoint_pages) +
                    "; PRAGMA journal_size_limit = 67108864; PRAGMA foreign_keys = OFF;";
  if (Status st = d.Exec(sql.c_str()); !st.ok()) return st;
  return std::move(*db);
}

Result<std::unique_ptr<Db>> OpenReader(const std::string& path, const ConnectionSettings& s) {
  auto db = Db::Open(path, /*create=*/false);
  if (!db.ok()) return db.status();
  Db& d = **db;
  sqlite3_busy_timeout(d.handle(), s.busy_timeout_ms);
  if (Status st = CheckOrCreateSchema(d, /*create=*/false); !st.ok()) return st;
  if (Status st = CommonPragmas(d, s); !st.ok()) return st;
  if (Status st = d.Exec("PRAGMA query_only = 1"); !st.ok()) return st;
  return std::move(*db);
}

}  // namespace tocsin::store::internal
