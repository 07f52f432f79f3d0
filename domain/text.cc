#include "domain/text.h"

#include <utf8proc.h>

#include <cstdlib>

namespace taskstore::domain {
namespace {

const utf8proc_uint8_t* Bytes(std::string_view text) {
  return reinterpret_cast<const utf8proc_uint8_t*>(text.data());
}

// Decodes the code point at `pos`, storing its length in `*length`.
// REQUIRES: valid UTF-8 from `pos` on.
utf8proc_int32_t DecodeAt(std::string_view text, std::size_t pos,
                          std::size_t* length) {
  utf8proc_int32_t code_point = -1;
  utf8proc_ssize_t n = utf8proc_iterate(
      Bytes(text) + pos, static_cast<utf8proc_ssize_t>(text.size() - pos),
      &code_point);
  *length = n > 0 ? static_cast<std::size_t>(n) : 1;
  return code_point;
}

bool IsWhiteSpace(utf8proc_int32_t c) {
  // Unicode's White_Space property: the separators plus the ASCII
  // controls that act as white space and NEL.
  if ((c >= 0x09 && c <= 0x0D) || c == 0x85) return true;
  utf8proc_category_t category = utf8proc_category(c);
  return category == UTF8PROC_CATEGORY_ZS || category == UTF8PROC_CATEGORY_ZL ||
         category == UTF8PROC_CATEGORY_ZP;
}

}  // namespace

std::optional<std::size_t> CountCodePoints(std::string_view text) {
  std::size_t count = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    utf8proc_int32_t code_point;
    utf8proc_ssize_t n = utf8proc_iterate(
        Bytes(text) + pos, static_cast<utf8proc_ssize_t>(text.size() - pos),
        &code_point);
    if (n <= 0) return std::nullopt;
    pos += static_cast<std::size_t>(n);
    ++count;
  }
  return count;
}

std::string_view TrimWhiteSpace(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    std::size_t length;
    if (!IsWhiteSpace(DecodeAt(text, begin, &length))) break;
    begin += length;
  }

  // Scan forward remembering where the last non-space code point ends;
  // UTF-8 cannot be decoded backwards with utf8proc.
  std::size_t end = begin;
  std::size_t pos = begin;
  while (pos < text.size()) {
    std::size_t length;
    bool space = IsWhiteSpace(DecodeAt(text, pos, &length));
    pos += length;
    if (!space) end = pos;
  }
  return text.substr(begin, end - begin);
}

bool HasControlCharacter(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t length;
    utf8proc_int32_t c = DecodeAt(text, pos, &length);
    if (c != '\t' && utf8proc_category(c) == UTF8PROC_CATEGORY_CC) {
      return true;
    }
    pos += length;
  }
  return false;
}

std::string FoldForSearch(std::string_view text) {
  // The options of utf8proc_NFKC_Casefold, minus NULLTERM, so that the
  // view needs no terminating NUL.
  constexpr auto kOptions = static_cast<utf8proc_option_t>(
      UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD |
      UTF8PROC_IGNORE);
  utf8proc_uint8_t* folded = nullptr;
  utf8proc_ssize_t length =
      utf8proc_map(Bytes(text), static_cast<utf8proc_ssize_t>(text.size()),
                   &folded, kOptions);
  if (length < 0) return std::string();
  std::string result(reinterpret_cast<const char*>(folded),
                     static_cast<std::size_t>(length));
  std::free(folded);
  return result;
}

}  // namespace taskstore::domain
