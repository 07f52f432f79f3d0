#include "app/sync_flag.h"

#include <gtest/gtest.h>

namespace taskstore::app {
namespace {

TEST(SyncFlag, AcceptsTheThreeModes) {
  eventlog::LogOptions options;
  ASSERT_TRUE(ApplySyncFlag("none", options).ok());
  EXPECT_EQ(options.sync, eventlog::SyncMode::kNone);
  ASSERT_TRUE(ApplySyncFlag("interval=250", options).ok());
  EXPECT_EQ(options.sync, eventlog::SyncMode::kInterval);
  EXPECT_EQ(options.sync_interval.count(), 250);
  ASSERT_TRUE(ApplySyncFlag("always", options).ok());
  EXPECT_EQ(options.sync, eventlog::SyncMode::kAlways);
}

TEST(SyncFlag, RejectsAnythingElseWithTheAcceptedForms) {
  for (const char* flag : {"", "sometimes", "interval=", "interval=0",
                           "interval=60001", "interval=5ms", "ALWAYS"}) {
    SCOPED_TRACE(flag);
    eventlog::LogOptions options;
    Status applied = ApplySyncFlag(flag, options);
    EXPECT_EQ(applied.code(), StatusCode::kInvalidArgument);
    EXPECT_NE(applied.message().find("expected always, interval=MS"),
              std::string::npos);
    EXPECT_EQ(options.sync, eventlog::SyncMode::kAlways);
  }
}

}  // namespace
}  // namespace taskstore::app
