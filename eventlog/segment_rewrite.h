// Rewriting log segments in place, for compaction: every event keeps its
// sequence number and its place, but may take another form on disk (a
// purged task's event with its text erased).
//
// A segment is replaced whole and atomically: the new content is written
// to the segment's name + kRewriteSuffix, fdatasynced and renamed over the
// segment; the caller then fsyncs the directory. A crash at any moment leaves
// each segment either as it was or as rewritten, both of which replay to the
// same sequence of events; a leftover rewrite file is never read and is
// removed by the next rewrite.
#ifndef TASKSTORE_EVENTLOG_SEGMENT_REWRITE_H_
#define TASKSTORE_EVENTLOG_SEGMENT_REWRITE_H_

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/event.h"
#include "eventlog/file_system.h"

namespace taskstore::eventlog {

// The form `event` is to have on disk from now on, or nullopt to keep it
// as it is. Must keep the sequence number; the result must replay as the
// original does (the same task, the same kind of event). Must be safe to
// call from the thread that rewrites, and cheap: it is called for every
// event of the log.
using EventRewrite =
    std::function<std::optional<domain::Event>(const domain::Event&)>;

inline constexpr std::string_view kRewriteSuffix = ".rewrite";

// What a rewrite did.
struct RewriteCount {
  int segments = 0;  // segments replaced
  int events = 0;    // events whose form changed

  RewriteCount& operator+=(const RewriteCount& other) {
    segments += other.segments;
    events += other.events;
    return *this;
  }
};

// Rewrites the segment `name` in `directory` through `rewrite`, leaving the
// file alone when no event changes. The segment must be whole: damage
// (which the log cuts off or refuses at open) is Corruption and changes
// nothing, and so does a rewritten event with another sequence number.
// A failure leaves the segment as it was. On success with
// `segments == 1` the name holds the new file, durable once the caller
// fsyncs the directory. The caller keeps other writers off the segment.
Result<RewriteCount> RewriteSegment(FileSystem& file_system,
                                    const std::string& directory,
                                    const std::string& name,
                                    const EventRewrite& rewrite);

// Removes the rewrite files a crash left in `directory`.
Status RemoveRewriteLeftovers(FileSystem& file_system,
                              const std::string& directory);

}  // namespace taskstore::eventlog

#endif  // TASKSTORE_EVENTLOG_SEGMENT_REWRITE_H_
