// Points in time as integer microseconds since the Unix epoch, UTC, and
// their RFC 3339 text form.
#ifndef TASKSTORE_BASE_TIME_H_
#define TASKSTORE_BASE_TIME_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.h"

namespace taskstore {

// Microseconds since 1970-01-01T00:00:00Z.
using UnixMicros = std::int64_t;

// A source of the current time, injected so that tests are reproducible.
using Clock = std::function<UnixMicros()>;

// The system's real-time clock.
UnixMicros SystemNowMicros();

// "2024-05-01T09:30:00Z", with a ".ffffff" fraction only when the time has
// sub-second microseconds.
std::string FormatRfc3339(UnixMicros time);

// Parses RFC 3339 date-times ("2009-03-22T10:30:00+01:00",
// "2024-05-01T09:30:00.25Z"); a lower-case "t"/"z" and a space in place of
// "T" are accepted as RFC 3339 allows. Fractions past microseconds are
// truncated. Fails with InvalidArgument naming the problem, also for
// instants outside the years 0001 to 9999 in UTC.
Result<UnixMicros> ParseRfc3339(std::string_view text);

}  // namespace taskstore

#endif  // TASKSTORE_BASE_TIME_H_
