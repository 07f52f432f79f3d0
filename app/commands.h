// The subcommands of the `taskstore` executable. Each returns the process
// exit code: 0 on success, 1 when the work failed (the reason is printed).
#ifndef TASKSTORE_APP_COMMANDS_H_
#define TASKSTORE_APP_COMMANDS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "domain/task.h"

namespace taskstore::app {

struct ServeFlags {
  std::string data_directory = "./data";
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  int threads = 4;
  std::string sync = "always";             // "always", "interval=MS" or "none"
  std::uint64_t snapshot_every = 100'000;  // events; 0: never automatically
  int snapshot_keep = 2;
  // HTTP limits; the defaults are ServerOptions' (http/server.h).
  std::uint64_t body_limit = 1 << 20;     // bytes
  std::uint64_t header_limit = 8 * 1024;  // bytes
  std::uint64_t request_timeout = 30;     // seconds
  std::uint64_t idle_timeout = 60;        // seconds
  std::uint64_t max_connections = 512;
  std::uint64_t max_requests_per_connection = 1000;
  std::uint64_t shutdown_grace = 5;  // seconds
  // Needed for writes and admin routes; nullopt: TASKSTORE_TOKEN, if set.
  std::optional<std::string> token;
  std::string cors_origin;  // "": no cross-origin access
};
int RunServe(const ServeFlags& flags);

struct ImportFlags {
  std::string data_directory = "./data";
  std::string file;
  bool skip_invalid = false;
};
int RunImport(const ImportFlags& flags);

// Filters combine: an event is printed when it passes all of them. The
// text of purged tasks is printed erased.
struct LogFlags {
  std::string data_directory = "./data";
  std::optional<domain::TaskId> task;
  std::optional<std::uint64_t> after;  // sequence numbers above this
  std::optional<std::string> since;    // RFC 3339; recorded at or after
  std::optional<std::string> type;     // an event type name
  std::optional<std::string> actor;
  std::string format = "json";  // "json" (JSON lines) or "table"
};
int RunLog(const LogFlags& flags);

struct VerifyFlags {
  std::string data_directory = "./data";
};
// Exit code 0 when the log is sound (a torn final write is only noted)
// and the newest snapshot equals a full replay of the log, 1 otherwise;
// every problem is listed.
int RunVerify(const VerifyFlags& flags);

struct SnapshotFlags {
  std::string data_directory = "./data";
  int keep = 2;
};
// Replays the data directory and writes a snapshot of it (offline: takes
// the directory's lock).
int RunSnapshot(const SnapshotFlags& flags);

struct CompactFlags {
  std::string data_directory = "./data";
};
// Compacts a data directory no server is using (see compaction.h): erases
// the text of purged tasks from the log and replaces the snapshots.
int RunCompact(const CompactFlags& flags);

struct RepairFlags {
  std::string data_directory = "./data";
};
int RunRepair(const RepairFlags& flags);

}  // namespace taskstore::app

#endif  // TASKSTORE_APP_COMMANDS_H_
