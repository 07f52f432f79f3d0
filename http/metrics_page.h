// The body of GET /metrics: every metric the server reports, in the
// Prometheus text format (see README.md, "Metrics", for the list).
#ifndef TASKSTORE_HTTP_METRICS_PAGE_H_
#define TASKSTORE_HTTP_METRICS_PAGE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "base/latency_histogram.h"
#include "base/status.h"
#include "domain/task_store.h"
#include "http/request_metrics.h"

namespace taskstore::http {

// What the storage beneath the store reports; the process fills it in
// from its event log.
struct StorageFigures {
  std::uint64_t events_appended = 0;
  std::uint64_t log_bytes = 0;
  LatencySnapshot sync_latency;
};

struct MetricsSources {
  const RequestMetrics* requests = nullptr;  // null: left out
  domain::TaskCounts tasks;
  Status health;                          // the store's, see TaskStore
  std::optional<StorageFigures> storage;  // nullopt: left out
};

std::string RenderMetrics(const MetricsSources& sources);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_METRICS_PAGE_H_
