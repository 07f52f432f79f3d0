// Unicode text rules shared by validation and search (via utf8proc).
#ifndef TASKSTORE_DOMAIN_TEXT_H_
#define TASKSTORE_DOMAIN_TEXT_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace taskstore::domain {

// The number of code points in `text`, or nullopt when `text` is not
// well-formed UTF-8 (overlong forms, surrogates and values past U+10FFFF
// are all rejected).
std::optional<std::size_t> CountCodePoints(std::string_view text);

// `text` without leading and trailing Unicode white space.
// REQUIRES: `text` is valid UTF-8.
std::string_view TrimWhiteSpace(std::string_view text);

// True when `text` holds a C0 or C1 control character other than tab.
// REQUIRES: `text` is valid UTF-8.
bool HasControlCharacter(std::string_view text);

// The search key of a string: NFKC normalization plus full case folding
// (Unicode's NFKC_Casefold), so "Straße", "STRASSE" and "ｓｔｒａｓｓｅ" share
// one key. Invalid UTF-8 folds to the empty string.
std::string FoldForSearch(std::string_view text);

}  // namespace taskstore::domain

#endif  // TASKSTORE_DOMAIN_TEXT_H_
