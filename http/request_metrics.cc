#include "http/request_metrics.h"

#include <mutex>

namespace taskstore::http {
namespace {

using boost::beast::http::verb;

// Beast parses any token as a method and calls the unknown ones
// verb::unknown; the rest of its list is finite, but only these are worth
// a series of their own.
std::string_view MethodLabel(verb method) {
  switch (method) {
    case verb::get:
      return "GET";
    case verb::head:
      return "HEAD";
    case verb::post:
      return "POST";
    case verb::put:
      return "PUT";
    case verb::patch:
      return "PATCH";
    case verb::delete_:
      return "DELETE";
    case verb::options:
      return "OPTIONS";
    default:
      return "other";
  }
}

}  // namespace

std::atomic<std::uint64_t>& RequestMetrics::CounterFor(std::string_view route,
                                                       std::string_view method,
                                                       unsigned status) {
  CounterKey key{std::string(route), std::string(method), status};
  {
    std::shared_lock lock(mutex_);
    auto found = counts_.find(key);
    if (found != counts_.end()) return *found->second;
  }
  std::unique_lock lock(mutex_);
  auto& counter = counts_[std::move(key)];
  if (!counter) counter = std::make_unique<std::atomic<std::uint64_t>>(0);
  return *counter;
}

LatencyHistogram& RequestMetrics::HistogramFor(std::string_view route) {
  {
    std::shared_lock lock(mutex_);
    auto found = latencies_.find(route);
    if (found != latencies_.end()) return *found->second;
  }
  std::unique_lock lock(mutex_);
  auto& histogram = latencies_[std::string(route)];
  if (!histogram) histogram = std::make_unique<LatencyHistogram>();
  return *histogram;
}

void RequestMetrics::Record(std::string_view route, verb method,
                            unsigned status, std::chrono::nanoseconds elapsed) {
  CounterFor(route, MethodLabel(method), status)
      .fetch_add(1, std::memory_order_relaxed);
  HistogramFor(route).Observe(elapsed);
}

void RequestMetrics::WriteTo(PrometheusText& text) const {
  std::shared_lock lock(mutex_);

  text.Family("taskstore_http_requests_total", "counter",
              "HTTP requests answered, by route pattern, method and status.");
  for (const auto& [key, counter] : counts_) {
    const auto& [route, method, status] = key;
    std::string status_text = std::to_string(status);
    text.Sample("taskstore_http_requests_total",
                {{"route", route}, {"method", method}, {"status", status_text}},
                static_cast<double>(counter->load(std::memory_order_relaxed)));
  }

  text.Family("taskstore_http_request_duration_seconds", "histogram",
              "Time from routing a request to having its response, by "
              "route pattern.");
  for (const auto& [route, histogram] : latencies_) {
    text.Histogram("taskstore_http_request_duration_seconds",
                   {{"route", route}}, histogram->Snapshot());
  }
}

}  // namespace taskstore::http
