// A writer of the Prometheus text exposition format, version 0.0.4: the
// body of GET /metrics. It checks nothing about the names it is given
// (they are constants in the callers) but escapes every label value and
// help text, which may come from anywhere.
//
//   PrometheusText text;
//   text.Family("taskstore_tasks", "gauge", "Tasks by state.");
//   text.Sample("taskstore_tasks", {{"state", "visible"}}, 12);
//   std::string body = text.Take();
#ifndef TASKSTORE_HTTP_PROMETHEUS_TEXT_H_
#define TASKSTORE_HTTP_PROMETHEUS_TEXT_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/latency_histogram.h"

namespace taskstore::http {

// The Content-Type of the format.
inline constexpr std::string_view kPrometheusContentType =
    "text/plain; version=0.0.4; charset=utf-8";

// Label names and values, in the order they are written.
using Labels = std::vector<std::pair<std::string_view, std::string_view>>;

class PrometheusText {
 public:
  // Writes the "# HELP" and "# TYPE" lines that must come before the
  // samples of `name`. `type` is "counter", "gauge" or "histogram".
  void Family(std::string_view name, std::string_view type,
              std::string_view help);

  // One sample line: name{labels} value.
  void Sample(std::string_view name, const Labels& labels, double value);

  // The _bucket, _sum and _count lines of one histogram series of `name`
  // (whose Family is "histogram"), with `labels` on every line.
  void Histogram(std::string_view name, const Labels& labels,
                 const LatencySnapshot& snapshot);

  // The text written so far; the writer is left empty.
  std::string Take() { return std::move(text_); }

 private:
  void WriteLabels(const Labels& labels, std::string_view le);

  std::string text_;
};

// A label value with backslash, double quote and line feed escaped as the
// format requires.
std::string EscapeLabelValue(std::string_view value);

// A help text with backslash and line feed escaped.
std::string EscapeHelp(std::string_view help);

// A sample value as the format spells it: the shortest decimal that reads
// back exactly, "+Inf", "-Inf" or "NaN".
std::string FormatValue(double value);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_PROMETHEUS_TEXT_H_
