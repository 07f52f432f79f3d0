#include "eventlog/numbered_file_name.h"

#include <charconv>
#include <cstdio>

namespace taskstore::eventlog {

std::string NumberedFileName(std::string_view prefix, std::uint64_t number,
                             std::string_view suffix) {
  char digits[kFileNumberDigits + 1];
  std::snprintf(digits, sizeof digits, "%020llu",
                static_cast<unsigned long long>(number));
  std::string name(prefix);
  name += digits;
  name += suffix;
  return name;
}

std::optional<std::uint64_t> ParseNumberedFileName(std::string_view name,
                                                   std::string_view prefix,
                                                   std::string_view suffix) {
  if (name.size() != prefix.size() + kFileNumberDigits + suffix.size() ||
      !name.starts_with(prefix) || !name.ends_with(suffix)) {
    return std::nullopt;
  }
  std::string_view digits = name.substr(prefix.size(), kFileNumberDigits);
  std::uint64_t number = 0;
  auto [end, error] =
      std::from_chars(digits.data(), digits.data() + digits.size(), number);
  if (error != std::errc() || end != digits.data() + digits.size()) {
    return std::nullopt;
  }
  return number;
}

}  // namespace taskstore::eventlog
