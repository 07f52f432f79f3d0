#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "app/commands.h"
#include "app/compaction.h"
#include "app/compaction_rules.h"
#include "app/open_store.h"
#include "app/ops_flags.h"
#include "app/snapshot_scheduler.h"
#include "app/stderr_logger.h"
#include "app/sync_flag.h"
#include "http/server.h"

namespace taskstore::app {

int RunServe(const ServeFlags& flags) {
  StderrLogger logger;
  OpenOptions open_options;
  if (Status sync = ApplySyncFlag(flags.sync, open_options.log); !sync.ok()) {
    logger.Error(sync.ToString());
    return 2;
  }
  Result<http::AccessPolicy> access =
      ResolveToken(flags.token, std::getenv(kTokenVariable));
  if (!access.ok()) {
    logger.Error(access.status().ToString());
    return 2;
  }
  Result<http::CorsPolicy> cors = ResolveCorsOrigin(flags.cors_origin);
  if (!cors.ok()) {
    logger.Error(cors.status().ToString());
    return 2;
  }
  Result<OpenStore> opened = OpenDataDirectory(
      eventlog::PosixFileSystem(), flags.data_directory, open_options, logger);
  if (!opened.ok()) {
    logger.Error(opened.status().ToString());
    return 1;
  }

  SnapshotScheduler snapshots(
      eventlog::PosixFileSystem(), flags.data_directory, *opened->store, logger,
      SnapshotPolicy{flags.snapshot_every, flags.snapshot_keep},
      opened->snapshot_sequence);
  Compactor compactor(eventlog::PosixFileSystem(), flags.data_directory,
                      *opened->log, *opened->store, snapshots, logger,
                      PurgeCompactionRules(*opened->store));
  if (compactor.Due()) {
    // A crash stopped a compaction, or came between a purge and its
    // compaction: the purged text is still on disk.
    logger.Info("finishing the compaction of purged tasks before serving");
    if (Status compacted = compactor.RunNow(); !compacted.ok()) {
      logger.Error("compaction failed: " + compacted.ToString() +
                   "; serving all the same, the next purge or start tries "
                   "again");
    }
  }

  http::ServerOptions options;
  options.host = flags.host;
  options.port = flags.port;
  options.threads = flags.threads;
  options.body_limit = flags.body_limit;
  options.header_limit = static_cast<std::uint32_t>(flags.header_limit);
  options.request_timeout = std::chrono::seconds(flags.request_timeout);
  options.idle_timeout = std::chrono::seconds(flags.idle_timeout);
  options.max_connections = flags.max_connections;
  options.max_requests_per_connection = flags.max_requests_per_connection;
  options.shutdown_grace = std::chrono::seconds(flags.shutdown_grace);
  options.admin.take_snapshot = [&snapshots] { return snapshots.TakeNow(); };
  http::RequestMetrics request_metrics;
  options.ops.access = std::move(access).value();
  options.ops.cors = std::move(cors).value();
  options.ops.requests = &request_metrics;
  // On a loopback address only local programs reach the server, and they
  // name it by a loopback name; any other Host is a rebinding web page.
  options.ops.loopback_names_only = flags.host == "localhost" ||
                                    flags.host == "::1" ||
                                    flags.host.starts_with("127.");
  options.ops.storage_figures = [&log = *opened->log] {
    eventlog::LogFigures figures = log.statistics().Figures();
    return http::StorageFigures{figures.events_appended, figures.log_bytes,
                                figures.sync_latency};
  };
  // The token itself is never logged.
  if (options.ops.access.enabled()) {
    logger.Info("writes and admin requests need the token");
  }
  http::Server server(*opened->store, logger, options);
  // Set before Run(): no request can commit before then.
  opened->store->SetCommitObserver(
      [&snapshots, &compactor, &server](domain::Sequence last) {
        snapshots.OnCommitted(last);
        compactor.OnCommitted(last);
        server.NotifyCommitted();
      });
  Result<std::uint16_t> port = server.Listen();
  if (!port.ok()) {
    logger.Error(port.status().ToString());
    return 1;
  }

  // Scripts wait for this exact line on standard output.
  std::printf("listening on http://%s:%u\n", flags.host.c_str(),
              static_cast<unsigned>(*port));
  std::fflush(stdout);

  server.Run();
  // The answered requests' writes become durable before the process says
  // it stopped cleanly, whatever --sync said.
  if (Status synced = opened->log->Sync(); !synced.ok()) {
    logger.Error("stopping: the log could not be made durable: " +
                 synced.ToString());
    return 1;
  }
  logger.Info("stopped serving " + flags.data_directory +
              "; the log is durable");
  return 0;
}

}  // namespace taskstore::app
