// The access log: one line per answered request in logfmt, the format of
// `key=value` pairs separated by spaces, e.g.
//
//   access method=GET path=/api/tasks status=200 bytes=512
//   duration_ms=3.214 request_id=9f0c... client=127.0.0.1:53122
//
// (one line). A value with a space, quote, backslash, "=", control
// character or non-ASCII byte is quoted, with `\"`, `\\`, `\n`, `\r`,
// `\t` and `\xNN` escapes, so every line is printable ASCII and splits
// unambiguously. A server-side failure (status 5xx) adds `error="..."`
// with its cause, so each such error is logged once, on its request's
// line.
#ifndef TASKSTORE_HTTP_ACCESS_LOG_H_
#define TASKSTORE_HTTP_ACCESS_LOG_H_

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

namespace taskstore::http {

struct AccessRecord {
  std::string method = "-";  // "-" when the request line was unreadable
  std::string path = "-";    // the target as sent, without the query
  unsigned status = 0;
  std::size_t bytes = 0;  // body bytes sent
  std::chrono::microseconds duration{0};
  std::string request_id;
  std::string client;  // "address:port" of the peer; may be empty
  std::string error;   // the cause of a 5xx; empty otherwise
  std::string note;    // what the server did beyond answering; may be empty
};

// `value` as a logfmt value: bare when it can be, quoted and escaped
// otherwise; "" for an empty value.
std::string LogfmtValue(std::string_view value);

// The line for `record`, starting with "access"; keys with empty values
// (client, error, note) are left out.
std::string FormatAccessLine(const AccessRecord& record);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_ACCESS_LOG_H_
