// Counts the requests the router answers, by route pattern, method and
// status, and times them by route. Routes are the patterns of the route
// table ("/api/tasks/{id}"), never raw paths, and methods outside the
// standard set count as "other", so the number of series stays bounded
// however clients spell their requests.
//
// TODO(metrics-latency): the time measured is the router's (from the
// parsed request to the built response); reading the request and writing
// the response are left out, because they happen in session.cc around
// the router. Timing there would show slow clients too. For the same
// reason, requests the session refuses before routing (413, 431, a
// malformed request) are not counted at all.
#ifndef TASKSTORE_HTTP_REQUEST_METRICS_H_
#define TASKSTORE_HTTP_REQUEST_METRICS_H_

#include <atomic>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <tuple>

#include "base/latency_histogram.h"
#include "http/prometheus_text.h"

namespace taskstore::http {

// The route label of a request that matched no route.
inline constexpr std::string_view kUnmatchedRoute = "unmatched";

// Thread-safe. Recording a series seen before takes a shared lock and
// relaxed atomic adds; only the first request of a new series takes the
// lock exclusively.
class RequestMetrics {
 public:
  void Record(std::string_view route, boost::beast::http::verb method,
              unsigned status, std::chrono::nanoseconds elapsed);

  // Writes taskstore_http_requests_total and
  // taskstore_http_request_duration_seconds, series in sorted order.
  void WriteTo(PrometheusText& text) const;

 private:
  using CounterKey = std::tuple<std::string, std::string, unsigned>;

  std::atomic<std::uint64_t>& CounterFor(std::string_view route,
                                         std::string_view method,
                                         unsigned status);
  LatencyHistogram& HistogramFor(std::string_view route);

  // Entries are never removed, so references to them stay valid.
  mutable std::shared_mutex mutex_;
  std::map<CounterKey, std::unique_ptr<std::atomic<std::uint64_t>>> counts_;
  std::map<std::string, std::unique_ptr<LatencyHistogram>, std::less<>>
      latencies_;
};

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_REQUEST_METRICS_H_
