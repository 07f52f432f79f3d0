#include "http/pagination.h"

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

namespace taskstore::http {

std::optional<std::uint64_t> ParseWholeNumber(std::string_view text) {
  if (text.empty() || text.front() < '0' || text.front() > '9') {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

Result<PageParams> ParsePageParams(std::span<const Param> query) {
  PageParams params;
  if (std::optional<std::string_view> text = FindParam(query, "limit")) {
    std::optional<std::uint64_t> limit = ParseWholeNumber(*text);
    if (!limit || *limit < 1 || *limit > domain::kMaxPageSize) {
      return InvalidArgumentError("limit must be a whole number from 1 to " +
                                  std::to_string(domain::kMaxPageSize) +
                                  ", not \"" + std::string(*text) + "\"");
    }
    params.limit = *limit;
  }
  if (std::optional<std::string_view> text = FindParam(query, "after")) {
    std::optional<std::uint64_t> after = ParseWholeNumber(*text);
    if (!after) {
      return InvalidArgumentError(
          "after must be the \"next\" value of the previous page (a whole "
          "number), not \"" +
          std::string(*text) + "\"");
    }
    params.after = *after;
  }
  return params;
}

}  // namespace taskstore::http
