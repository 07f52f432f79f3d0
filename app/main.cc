// The `taskstore` executable: parses the command line and hands over to
// one subcommand (see commands.h).
#include <CLI/CLI.hpp>
#include <charconv>
#include <cstdint>
#include <string>

#include "app/commands.h"
#include "base/time.h"
#include "domain/event.h"

namespace {

using taskstore::app::CompactFlags;
using taskstore::app::ImportFlags;
using taskstore::app::LogFlags;
using taskstore::app::RepairFlags;
using taskstore::app::ServeFlags;
using taskstore::app::SnapshotFlags;
using taskstore::app::VerifyFlags;

void AddDataFlag(CLI::App& command, std::string& directory) {
  command.add_option("--data", directory, "data directory")
      ->capture_default_str();
}

// Accepts decimal whole numbers of at least `minimum`. CLI11's own range
// check converts "-1" to an unsigned number first, which wraps around.
CLI::Validator WholeNumber(std::uint64_t minimum) {
  return CLI::Validator(
      [minimum](std::string& text) -> std::string {
        std::uint64_t value = 0;
        auto [end, error] =
            std::from_chars(text.data(), text.data() + text.size(), value);
        if (error != std::errc() || end != text.data() + text.size() ||
            value < minimum) {
          return "expected a whole number of at least " +
                 std::to_string(minimum) + ", not " + text;
        }
        return std::string();
      },
      "NUMBER");
}

CLI::Validator Rfc3339Time() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        taskstore::Result<taskstore::UnixMicros> time =
            taskstore::ParseRfc3339(text);
        if (!time.ok()) {
          return "expected an RFC 3339 time such as 2026-01-31T09:00:00Z: " +
                 time.status().message();
        }
        return std::string();
      },
      "TIME");
}

CLI::Validator EventTypeName() {
  return CLI::Validator(
      [](std::string& text) -> std::string {
        if (taskstore::domain::EventTypeIndex(text)) return std::string();
        return "unknown event type " + text +
               "; expected TaskCreated, TaskEdited, TaskCompleted, "
               "TaskReopened, TaskSoftDeleted, TaskRestored or TaskPurged";
      },
      "TYPE");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "taskstore: an event-sourced task store with a durable append-only "
      "log"};
  app.require_subcommand(1);

  ServeFlags serve;
  CLI::App* serve_command =
      app.add_subcommand("serve", "serve the HTTP API and the HTML pages");
  AddDataFlag(*serve_command, serve.data_directory);
  serve_command->add_option("--host", serve.host, "address to listen on")
      ->capture_default_str();
  serve_command
      ->add_option("--port", serve.port, "port to listen on; 0 picks one")
      ->capture_default_str();
  serve_command
      ->add_option("--threads", serve.threads, "threads serving requests")
      ->capture_default_str()
      ->check(CLI::Range(1, 64));
  serve_command
      ->add_option("--sync", serve.sync,
                   "when writes are made durable: always (before each "
                   "answer), interval=MS (a crash loses up to MS of "
                   "acknowledged writes) or none (benchmarks only)")
      ->capture_default_str();

  serve_command->add_option(
      "--token", serve.token,
      "secret that writes and admin requests must send as Authorization: "
      "Bearer TOKEN (default: the TASKSTORE_TOKEN environment variable; "
      "none: no token needed)");
  serve_command->add_option(
      "--cors-origin", serve.cors_origin,
      "web origin (https://host[:port]) whose pages may call "
      "the API; default none");

  serve_command
      ->add_option("--snapshot-every", serve.snapshot_every,
                   "write a snapshot after this many events; 0: never")
      ->capture_default_str()
      ->check(WholeNumber(0));
  serve_command
      ->add_option("--snapshot-keep", serve.snapshot_keep,
                   "how many snapshots to keep")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));

  serve_command
      ->add_option("--body-limit", serve.body_limit,
                   "largest request body in bytes; larger ones get 413")
      ->capture_default_str()
      ->check(WholeNumber(1));
  serve_command
      ->add_option("--header-limit", serve.header_limit,
                   "largest request header in bytes; larger ones get 431")
      ->capture_default_str()
      ->check(WholeNumber(1024))
      ->check(CLI::Range(1024, 1 << 20));
  serve_command
      ->add_option("--request-timeout", serve.request_timeout,
                   "seconds a request may take to arrive once begun, and a "
                   "response to be written")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve_command
      ->add_option("--idle-timeout", serve.idle_timeout,
                   "seconds a kept-alive connection may wait for its next "
                   "request")
      ->capture_default_str()
      ->check(CLI::Range(1, 3600));
  serve_command
      ->add_option("--max-connections", serve.max_connections,
                   "open connections at most; one more is answered 503 "
                   "with Retry-After and closed")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  serve_command
      ->add_option("--max-requests-per-connection",
                   serve.max_requests_per_connection,
                   "requests one connection may carry; the last is answered "
                   "with Connection: close")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000000));
  serve_command
      ->add_option("--shutdown-grace", serve.shutdown_grace,
                   "seconds a stopping server lets requests in flight "
                   "finish before it cuts them")
      ->capture_default_str()
      ->check(CLI::Range(0, 3600));

  ImportFlags import;
  CLI::App* import_command = app.add_subcommand(
      "import", "import tasks from a JSON Lines file (all or nothing)");
  AddDataFlag(*import_command, import.data_directory);
  import_command
      ->add_option("file", import.file,
                   "one {\"title\", \"description\"?, \"created\"?} per line")
      ->required();
  import_command->add_flag("--skip-invalid", import.skip_invalid,
                           "import the valid lines and list the skipped ones");

  LogFlags log;
  CLI::App* log_command = app.add_subcommand(
      "log", "print the events as JSON lines, oldest first, for audit");
  AddDataFlag(*log_command, log.data_directory);
  log_command->add_option("--task", log.task, "only the events of this task")
      ->check(WholeNumber(1));
  log_command
      ->add_option("--after", log.after,
                   "only events with a sequence number above this")
      ->check(WholeNumber(0));
  log_command
      ->add_option("--since", log.since,
                   "only events recorded at or after this RFC 3339 time")
      ->check(Rfc3339Time());
  log_command
      ->add_option("--type", log.type,
                   "only events of this type, e.g. TaskCompleted")
      ->check(EventTypeName());
  log_command->add_option("--actor", log.actor,
                          "only events requested by this actor");
  log_command
      ->add_option("--format", log.format,
                   "json (JSON lines) or table (for people)")
      ->check(CLI::IsMember({"json", "table"}))
      ->capture_default_str();

  VerifyFlags verify;
  CLI::App* verify_command = app.add_subcommand(
      "verify", "check every record of the log and list all problems");
  AddDataFlag(*verify_command, verify.data_directory);

  SnapshotFlags snapshot;
  CLI::App* snapshot_command = app.add_subcommand(
      "snapshot", "write a snapshot of a data directory no server is using");
  AddDataFlag(*snapshot_command, snapshot.data_directory);
  snapshot_command->add_option("--keep", snapshot.keep, "snapshots to keep")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000));

  CompactFlags compact;
  CLI::App* compact_command = app.add_subcommand(
      "compact",
      "erase the text of purged tasks from the log and the snapshots of a "
      "data directory no server is using");
  AddDataFlag(*compact_command, compact.data_directory);

  RepairFlags repair;
  CLI::App* repair_command = app.add_subcommand(
      "repair",
      "keep the log's valid prefix and move the rest into a quarantine "
      "directory (nothing is deleted)");
  AddDataFlag(*repair_command, repair.data_directory);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    // --help and --version are "errors" with exit code 0; every real
    // usage error exits with 2, as the README promises.
    int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }

  if (serve_command->parsed()) return taskstore::app::RunServe(serve);
  if (import_command->parsed()) return taskstore::app::RunImport(import);
  if (verify_command->parsed()) return taskstore::app::RunVerify(verify);
  if (repair_command->parsed()) return taskstore::app::RunRepair(repair);
  if (compact_command->parsed()) return taskstore::app::RunCompact(compact);
  if (snapshot_command->parsed()) {
    return taskstore::app::RunSnapshot(snapshot);
  }
  return taskstore::app::RunLog(log);
}
