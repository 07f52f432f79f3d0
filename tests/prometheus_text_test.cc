#include "http/prometheus_text.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>

namespace taskstore::http {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

TEST(PrometheusText, EscapesBackslashQuoteAndNewlineInLabelValues) {
  EXPECT_EQ(EscapeLabelValue("plain /api/tasks/{id}"), "plain /api/tasks/{id}");
  EXPECT_EQ(EscapeLabelValue("a\\b"), "a\\\\b");
  EXPECT_EQ(EscapeLabelValue("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(EscapeLabelValue("two\nlines"), "two\\nlines");
  EXPECT_EQ(EscapeLabelValue("tab\tstays"), "tab\tstays");
}

TEST(PrometheusText, EscapesBackslashAndNewlineInHelpButNotQuotes) {
  EXPECT_EQ(EscapeHelp("a \"quoted\" \\ word\nmore"),
            "a \"quoted\" \\\\ word\\nmore");
}

TEST(PrometheusText, FormatsValuesAsTheFormatSpellsThem) {
  EXPECT_EQ(FormatValue(0), "0");
  EXPECT_EQ(FormatValue(42), "42");
  EXPECT_EQ(FormatValue(0.0001), "0.0001");
  EXPECT_EQ(FormatValue(2.5), "2.5");
  EXPECT_EQ(FormatValue(1.0 / 0.0), "+Inf");
  EXPECT_EQ(FormatValue(-1.0 / 0.0), "-Inf");
  EXPECT_EQ(FormatValue(0.0 / 0.0), "NaN");
}

TEST(PrometheusText, WritesFamilyHeadersAndSamples) {
  PrometheusText text;
  text.Family("things_total", "counter", "Things seen.\nAll of them.");
  text.Sample("things_total", {{"kind", "a\"b"}, {"where", "x"}}, 3);
  text.Sample("things_total", {}, 1);
  EXPECT_EQ(text.Take(),
            "# HELP things_total Things seen.\\nAll of them.\n"
            "# TYPE things_total counter\n"
            "things_total{kind=\"a\\\"b\",where=\"x\"} 3\n"
            "things_total 1\n");
}

TEST(PrometheusText, WritesCumulativeBucketsSumAndCount) {
  LatencyHistogram histogram;
  histogram.Observe(microseconds(50));          // first bucket (100 µs)
  histogram.Observe(milliseconds(3));           // the 5 ms bucket
  histogram.Observe(std::chrono::seconds(60));  // past every bound

  PrometheusText text;
  text.Histogram("wait_seconds", {{"route", "/x"}}, histogram.Snapshot());
  std::string body = text.Take();

  EXPECT_NE(body.find("wait_seconds_bucket{route=\"/x\",le=\"0.0001\"} 1\n"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("wait_seconds_bucket{route=\"/x\",le=\"0.0025\"} 1\n"),
            std::string::npos);
  EXPECT_NE(body.find("wait_seconds_bucket{route=\"/x\",le=\"0.005\"} 2\n"),
            std::string::npos);
  EXPECT_NE(body.find("wait_seconds_bucket{route=\"/x\",le=\"10\"} 2\n"),
            std::string::npos);
  EXPECT_NE(body.find("wait_seconds_bucket{route=\"/x\",le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(body.find("wait_seconds_sum{route=\"/x\"} 60.003"),
            std::string::npos);
  EXPECT_NE(body.find("wait_seconds_count{route=\"/x\"} 3\n"),
            std::string::npos);
}

TEST(LatencyHistogram, CountsADurationOnABoundInThatBucket) {
  LatencyHistogram histogram;
  histogram.Observe(milliseconds(1));
  LatencySnapshot snapshot = histogram.Snapshot();
  EXPECT_EQ(snapshot.cumulative[2], 0u);  // 0.5 ms
  EXPECT_EQ(snapshot.cumulative[3], 1u);  // 1 ms
  EXPECT_EQ(snapshot.count, 1u);
}

TEST(LatencyHistogram, CountsANegativeDurationAsZero) {
  LatencyHistogram histogram;
  histogram.Observe(milliseconds(-5));
  LatencySnapshot snapshot = histogram.Snapshot();
  EXPECT_EQ(snapshot.cumulative[0], 1u);
  EXPECT_EQ(snapshot.sum_seconds, 0);
}

}  // namespace
}  // namespace taskstore::http
