#include "http/prometheus_text.h"

#include <charconv>
#include <cmath>

namespace taskstore::http {

std::string EscapeLabelValue(std::string_view value) {
  std::string escaped;
  escaped.reserve(value.size());
  for (char c : value) {
    switch (c) {
      case '\\':
        escaped += "\\\\";
        break;
      case '"':
        escaped += "\\\"";
        break;
      case '\n':
        escaped += "\\n";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string EscapeHelp(std::string_view help) {
  std::string escaped;
  escaped.reserve(help.size());
  for (char c : help) {
    if (c == '\\') {
      escaped += "\\\\";
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

std::string FormatValue(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  // Counts stay exact integers up to 2^53; the shortest round-trip form
  // writes them without an exponent up to 10^17 or so, and small bucket
  // bounds as plain decimals ("0.0001").
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value,
                                    std::chars_format::general);
  if (error != std::errc()) return "NaN";  // cannot happen with 32 bytes
  return std::string(buffer, end);
}

void PrometheusText::Family(std::string_view name, std::string_view type,
                            std::string_view help) {
  text_ += "# HELP ";
  text_ += name;
  text_ += ' ';
  text_ += EscapeHelp(help);
  text_ += "\n# TYPE ";
  text_ += name;
  text_ += ' ';
  text_ += type;
  text_ += '\n';
}

void PrometheusText::WriteLabels(const Labels& labels, std::string_view le) {
  if (labels.empty() && le.empty()) return;
  text_ += '{';
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) text_ += ',';
    first = false;
    text_ += name;
    text_ += "=\"";
    text_ += EscapeLabelValue(value);
    text_ += '"';
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!le.empty()) add("le", le);
  text_ += '}';
}

void PrometheusText::Sample(std::string_view name, const Labels& labels,
                            double value) {
  text_ += name;
  WriteLabels(labels, "");
  text_ += ' ';
  text_ += FormatValue(value);
  text_ += '\n';
}

void PrometheusText::Histogram(std::string_view name, const Labels& labels,
                               const LatencySnapshot& snapshot) {
  std::string bucket = std::string(name) + "_bucket";
  for (std::size_t i = 0; i < kLatencyBucketBounds.size(); ++i) {
    text_ += bucket;
    WriteLabels(labels, FormatValue(kLatencyBucketBounds[i]));
    text_ += ' ';
    text_ += FormatValue(static_cast<double>(snapshot.cumulative[i]));
    text_ += '\n';
  }
  text_ += bucket;
  WriteLabels(labels, "+Inf");
  text_ += ' ';
  text_ += FormatValue(static_cast<double>(snapshot.count));
  text_ += '\n';
  Sample(std::string(name) + "_sum", labels, snapshot.sum_seconds);
  Sample(std::string(name) + "_count", labels,
         static_cast<double>(snapshot.count));
}

}  // namespace taskstore::http
