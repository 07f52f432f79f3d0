#include "base/time.h"

#include <chrono>
#include <cstdio>

namespace taskstore {
namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::year_month_day;

constexpr std::int64_t kMicrosPerSecond = 1'000'000;
constexpr std::int64_t kSecondsPerDay = 86'400;
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
constexpr std::int64_t kFirstSecond = -62'135'596'800;
constexpr std::int64_t kLastSecond = 253'402'300'799;

// Reads exactly `width` decimal digits at `pos`; false when any is missing.
bool ReadDigits(std::string_view text, size_t pos, size_t width, int* out) {
  if (pos + width > text.size()) return false;
  int value = 0;
  for (size_t i = pos; i < pos + width; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  *out = value;
  return true;
}

bool Expect(std::string_view text, size_t pos, char wanted) {
  return pos < text.size() && text[pos] == wanted;
}

Status Invalid(std::string_view text, std::string_view why) {
  std::string message = "not an RFC 3339 date-time (";
  message += why;
  message += "): \"";
  message += text.substr(0, 64);
  message += "\"";
  return InvalidArgumentError(std::move(message));
}

}  // namespace

UnixMicros SystemNowMicros() {
  using namespace std::chrono;
  return duration_cast<microseconds>(system_clock::now().time_since_epoch())
      .count();
}

std::string FormatRfc3339(UnixMicros time) {
  // Floor division keeps times before 1970 on the right day.
  std::int64_t seconds = time / kMicrosPerSecond;
  std::int64_t micros = time % kMicrosPerSecond;
  if (micros < 0) {
    micros += kMicrosPerSecond;
    seconds -= 1;
  }
  std::int64_t day = seconds / kSecondsPerDay;
  std::int64_t second_of_day = seconds % kSecondsPerDay;
  if (second_of_day < 0) {
    second_of_day += kSecondsPerDay;
    day -= 1;
  }

  year_month_day date{sys_days{days{day}}};
  char buffer[48];
  int length = std::snprintf(
      buffer, sizeof buffer, "%04d-%02u-%02uT%02d:%02d:%02d",
      static_cast<int>(date.year()), static_cast<unsigned>(date.month()),
      static_cast<unsigned>(date.day()), static_cast<int>(second_of_day / 3600),
      static_cast<int>(second_of_day / 60 % 60),
      static_cast<int>(second_of_day % 60));
  std::string text(buffer, static_cast<size_t>(length));
  if (micros != 0) {
    std::snprintf(buffer, sizeof buffer, ".%06d", static_cast<int>(micros));
    text += buffer;
  }
  text += 'Z';
  return text;
}

Result<UnixMicros> ParseRfc3339(std::string_view text) {
  // Grammar (RFC 3339 section 5.6):
  //   YYYY-MM-DD ("T" | "t" | " ") hh:mm:ss [.frac] ("Z" | "z" | +hh:mm)
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, 0, 4, &year) || !Expect(text, 4, '-') ||
      !ReadDigits(text, 5, 2, &month) || !Expect(text, 7, '-') ||
      !ReadDigits(text, 8, 2, &day)) {
    return Invalid(text, "expected YYYY-MM-DD");
  }
  if (!(Expect(text, 10, 'T') || Expect(text, 10, 't') ||
        Expect(text, 10, ' '))) {
    return Invalid(text, "expected 'T' after the date");
  }
  if (!ReadDigits(text, 11, 2, &hour) || !Expect(text, 13, ':') ||
      !ReadDigits(text, 14, 2, &minute) || !Expect(text, 16, ':') ||
      !ReadDigits(text, 17, 2, &second)) {
    return Invalid(text, "expected hh:mm:ss");
  }

  year_month_day date{std::chrono::year{year},
                      std::chrono::month{static_cast<unsigned>(month)},
                      std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return Invalid(text, "no such calendar date");
  // 60 is allowed for a leap second and folded into the next second.
  if (hour > 23 || minute > 59 || second > 60) {
    return Invalid(text, "time of day out of range");
  }

  size_t pos = 19;
  std::int64_t micros = 0;
  if (Expect(text, pos, '.')) {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 6) micros = micros * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return Invalid(text, "empty fraction of a second");
    for (size_t i = digits; i < 6; ++i) micros *= 10;
  }

  std::int64_t offset_seconds = 0;
  if (Expect(text, pos, 'Z') || Expect(text, pos, 'z')) {
    ++pos;
  } else if (Expect(text, pos, '+') || Expect(text, pos, '-')) {
    int sign = text[pos] == '-' ? -1 : 1;
    int offset_hour, offset_minute;
    if (!ReadDigits(text, pos + 1, 2, &offset_hour) ||
        !Expect(text, pos + 3, ':') ||
        !ReadDigits(text, pos + 4, 2, &offset_minute) || offset_hour > 23 ||
        offset_minute > 59) {
      return Invalid(text, "bad UTC offset, expected +hh:mm");
    }
    offset_seconds = sign * (offset_hour * 3600 + offset_minute * 60);
    pos += 6;
  } else {
    return Invalid(text, "missing 'Z' or UTC offset");
  }
  if (pos != text.size()) return Invalid(text, "unexpected trailing text");

  std::int64_t day_number = sys_days{date}.time_since_epoch().count();
  std::int64_t seconds = day_number * kSecondsPerDay + hour * 3600 +
                         minute * 60 + second - offset_seconds;
  // Only instants whose UTC form has a four-digit year can be written back
  // out as RFC 3339.
  if (seconds < kFirstSecond || seconds > kLastSecond) {
    return Invalid(text, "outside the years 0001 to 9999 in UTC");
  }
  return seconds * kMicrosPerSecond + micros;
}

}  // namespace taskstore
