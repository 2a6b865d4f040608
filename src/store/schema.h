// Internal to tocsin_store: the schema (docs/store.md) and how a connection is set up.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "store/sqlite_db.h"

namespace tocsin::store::internal {

// Stored in PRAGMA application_id: marks the file as a Tocsin event store ("Tocs").
inline constexpr std::int64_t kApplicationId = 0x546f6373;
// Stored in PRAGMA user_version; bumped by every schema change (with a migration).
inline constexpr std::int64_t kSchemaVersion = 1;

struct ConnectionSettings {
  bool sync_full = false;
  int busy_timeout_ms = 5000;
  std::int64_t cache_kib = 16 * 1024;
  int wal_autocheckpoint_pages = 4096;
  int max_row_bytes = 64 << 20;
};

// Opens the writer connection: creates the file and schema when missing, refuses a
// foreign, damaged or newer file with a message saying what to do, and sets WAL mode
// and the synchronous level.
Result<std::unique_ptr<Db>> OpenWriter(const std::string& path, const ConnectionSettings& s);

// Opens a query-only connection to an existing store (created by a writer).
Result<std::unique_ptr<Db>> OpenReader(const std::string& path, const ConnectionSettings& s);

}  // namespace tocsin::store::internal
