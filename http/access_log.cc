#include "http/access_log.h"

#include <algorithm>
#include <cstdio>

namespace taskstore::http {
namespace {

bool IsBare(char c) {
  return c > ' ' && c < 0x7F && c != '"' && c != '=' && c != '\\';
}

void AddPair(std::string& line, std::string_view key, std::string_view value) {
  line += ' ';
  line += key;
  line += '=';
  line += LogfmtValue(value);
}

// Milliseconds with three decimals: "3.214".
std::string Milliseconds(std::chrono::microseconds duration) {
  long long micros = std::max<long long>(0, duration.count());
  char text[32];
  std::snprintf(text, sizeof text, "%lld.%03lld", micros / 1000, micros % 1000);
  return text;
}

}  // namespace

std::string LogfmtValue(std::string_view value) {
  if (!value.empty() && std::all_of(value.begin(), value.end(), IsBare)) {
    return std::string(value);
  }
  std::string quoted = "\"";
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        quoted += "\\\"";
        break;
      case '\\':
        quoted += "\\\\";
        break;
      case '\n':
        quoted += "\\n";
        break;
      case '\r':
        quoted += "\\r";
        break;
      case '\t':
        quoted += "\\t";
        break;
      default:
        if (byte < 0x20 || byte >= 0x7F) {
          char escape[8];
          std::snprintf(escape, sizeof escape, "\\x%02x", byte);
          quoted += escape;
        } else {
          quoted += c;
        }
    }
  }
  quoted += '"';
  return quoted;
}

std::string FormatAccessLine(const AccessRecord& record) {
  std::string line = "access";
  AddPair(line, "method", record.method);
  AddPair(line, "path", record.path);
  AddPair(line, "status", std::to_string(record.status));
  AddPair(line, "bytes", std::to_string(record.bytes));
  AddPair(line, "duration_ms", Milliseconds(record.duration));
  AddPair(line, "request_id", record.request_id);
  if (!record.client.empty()) AddPair(line, "client", record.client);
  if (!record.error.empty()) AddPair(line, "error", record.error);
  if (!record.note.empty()) AddPair(line, "note", record.note);
  return line;
}

}  // namespace taskstore::http
