#include "http/target.h"

#include <boost/beast/core/string.hpp>
#include <cstddef>
#include <utility>

#include "domain/text.h"
#include "http/message.h"

namespace taskstore::http {
namespace {

enum class Plus { kIsPlus, kIsSpace };

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The up to three bytes of a bad escape, for an error message; bytes that
// are not printable ASCII show as "?" so the message stays printable.
std::string ShowEscape(std::string_view text, std::size_t at) {
  std::string shown;
  for (char c : text.substr(at, 3)) {
    shown += (c > ' ' && c < 0x7f) ? c : '?';
  }
  return shown;
}

Result<std::string> Decode(std::string_view text, Plus plus) {
  std::string decoded;
  decoded.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '%') {
      int high = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
      int low = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
      if (high < 0 || low < 0) {
        return InvalidArgumentError("bad percent-escape \"" +
                                    ShowEscape(text, i) +
                                    "\"; \"%\" must be followed by two hex "
                                    "digits (write \"%25\" for \"%\" itself)");
      }
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    } else if (c == '+' && plus == Plus::kIsSpace) {
      decoded += ' ';
    } else {
      decoded += c;
    }
  }
  if (!domain::CountCodePoints(decoded)) {
    return InvalidArgumentError("decodes to bytes that are not valid UTF-8");
  }
  return decoded;
}

// Splits `text` at every `separator`; "a//b" gives "a", "", "b".
std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> pieces;
  std::size_t begin = 0;
  while (true) {
    std::size_t end = text.find(separator, begin);
    if (end == std::string_view::npos) {
      pieces.push_back(text.substr(begin));
      return pieces;
    }
    pieces.push_back(text.substr(begin, end - begin));
    begin = end + 1;
  }
}

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  return text.size() >= prefix.size() &&
         boost::beast::iequals(ToBeast(text.substr(0, prefix.size())),
                               ToBeast(prefix));
}

// The path and query of an absolute-form target: what follows the
// authority in "http://host:8080/path?query".
std::string_view StripSchemeAndAuthority(std::string_view target) {
  std::size_t authority = target.find("://") + 3;
  std::size_t rest = target.find_first_of("/?", authority);
  if (rest == std::string_view::npos) return {};
  return target.substr(rest);
}

}  // namespace

std::optional<std::string_view> FindParam(std::span<const Param> params,
                                          std::string_view name) {
  for (const Param& param : params) {
    if (param.name == name) return param.value;
  }
  return std::nullopt;
}

Result<std::vector<Param>> ParseUrlEncoded(std::string_view text) {
  std::vector<Param> params;
  for (std::string_view piece : Split(text, '&')) {
    if (piece.empty()) continue;
    std::size_t equals = piece.find('=');
    Result<std::string> name = Decode(piece.substr(0, equals), Plus::kIsSpace);
    if (!name.ok()) return name.status();
    std::string value;
    if (equals != std::string_view::npos) {
      Result<std::string> decoded =
          Decode(piece.substr(equals + 1), Plus::kIsSpace);
      if (!decoded.ok()) {
        return decoded.status().WithContext("parameter \"" + *name + "\"");
      }
      value = std::move(decoded).value();
    }
    params.push_back(Param{std::move(name).value(), std::move(value)});
  }
  return params;
}

Result<Target> ParseTarget(std::string_view target) {
  // RFC 9112 section 3.2.2: servers accept the absolute form too.
  if (StartsWithNoCase(target, "http://") ||
      StartsWithNoCase(target, "https://")) {
    target = StripSchemeAndAuthority(target);
    if (target.empty() || target.front() == '?') {
      return ParseTarget("/" + std::string(target));
    }
  }
  if (target.empty() || target.front() != '/') {
    return InvalidArgumentError("request target must start with \"/\"");
  }

  std::size_t question = target.find('?');
  std::string_view raw_path = target.substr(0, question);

  Target parsed;
  Result<std::string> path = Decode(raw_path, Plus::kIsPlus);
  if (!path.ok()) return path.status().WithContext("path");
  parsed.path = std::move(path).value();

  if (raw_path.size() > 1) {
    for (std::string_view raw : Split(raw_path.substr(1), '/')) {
      Result<std::string> segment = Decode(raw, Plus::kIsPlus);
      if (!segment.ok()) return segment.status().WithContext("path");
      parsed.segments.push_back(std::move(segment).value());
    }
  }

  if (question != std::string_view::npos) {
    Result<std::vector<Param>> query =
        ParseUrlEncoded(target.substr(question + 1));
    if (!query.ok()) return query.status().WithContext("query");
    parsed.query = std::move(query).value();
  }
  return parsed;
}

std::string EncodeQueryValue(std::string_view value) {
  constexpr char kHex[] = "0123456789ABCDEF";
  std::string encoded;
  encoded.reserve(value.size());
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    bool unreserved = (byte >= 'a' && byte <= 'z') ||
                      (byte >= 'A' && byte <= 'Z') ||
                      (byte >= '0' && byte <= '9') || byte == '-' ||
                      byte == '.' || byte == '_' || byte == '~';
    if (unreserved) {
      encoded += c;
    } else {
      encoded += '%';
      encoded += kHex[byte >> 4];
      encoded += kHex[byte & 0xF];
    }
  }
  return encoded;
}

}  // namespace taskstore::http
