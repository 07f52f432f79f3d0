#include "http/metrics_page.h"

#include "http/prometheus_text.h"

namespace taskstore::http {

std::string RenderMetrics(const MetricsSources& sources) {
  PrometheusText text;
  if (sources.requests != nullptr) sources.requests->WriteTo(text);

  text.Family("taskstore_tasks", "gauge", "Tasks in the store, by state.");
  text.Sample("taskstore_tasks", {{"state", "visible"}},
              static_cast<double>(sources.tasks.visible));
  text.Sample("taskstore_tasks", {{"state", "deleted"}},
              static_cast<double>(sources.tasks.deleted));

  text.Family("taskstore_read_only", "gauge",
              "1 when the store refuses writes (the log went read-only "
              "after a failed fsync), else 0.");
  text.Sample("taskstore_read_only", {}, sources.health.ok() ? 0 : 1);

  if (sources.storage) {
    const StorageFigures& storage = *sources.storage;
    text.Family("taskstore_events_appended_total", "counter",
                "Events appended to the log since the server started.");
    text.Sample("taskstore_events_appended_total", {},
                static_cast<double>(storage.events_appended));
    text.Family("taskstore_log_bytes", "gauge",
                "Bytes in the log's segment files.");
    text.Sample("taskstore_log_bytes", {},
                static_cast<double>(storage.log_bytes));
    text.Family("taskstore_log_sync_duration_seconds", "histogram",
                "Time each fdatasync of a log segment took.");
    text.Histogram("taskstore_log_sync_duration_seconds", {},
                   storage.sync_latency);
  }
  return text.Take();
}

}  // namespace taskstore::http
