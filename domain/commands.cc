#include "domain/commands.h"

#include "domain/text.h"

namespace taskstore::domain {

Result<std::string> ValidateTitle(std::string_view title) {
  if (!CountCodePoints(title)) {
    return InvalidArgumentError("title is not valid UTF-8");
  }
  std::string_view trimmed = TrimWhiteSpace(title);
  if (trimmed.empty()) {
    return InvalidArgumentError("title is empty");
  }
  if (HasControlCharacter(trimmed)) {
    return InvalidArgumentError("title contains a control character");
  }
  std::size_t length = *CountCodePoints(trimmed);
  if (length > kMaxTitleCodePoints) {
    return InvalidArgumentError(
        "title is " + std::to_string(length) + " characters long; at most " +
        std::to_string(kMaxTitleCodePoints) + " are allowed");
  }
  return std::string(trimmed);
}

Status ValidateDescription(std::string_view description) {
  if (description.size() > kMaxDescriptionBytes) {
    return InvalidArgumentError(
        "description is " + std::to_string(description.size()) +
        " bytes long; at most " + std::to_string(kMaxDescriptionBytes) +
        " are allowed");
  }
  if (!CountCodePoints(description)) {
    return InvalidArgumentError("description is not valid UTF-8");
  }
  return Status::Ok();
}

}  // namespace taskstore::domain
