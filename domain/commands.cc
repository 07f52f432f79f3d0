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

Status ValidateToken(std::string_view what, std::string_view text,
                     std::size_t max_bytes, bool allow_spaces) {
  if (text.size() > max_bytes) {
    return InvalidArgumentError(
        std::string(what) + " is " + std::to_string(text.size()) +
        " bytes long; at most " + std::to_string(max_bytes) + " are allowed");
  }
  for (char c : text) {
    bool printable = c > 0x20 && c < 0x7F;
    if (!printable && !(allow_spaces && c == ' ')) {
      return InvalidArgumentError(std::string(what) +
                                  " may hold only printable ASCII characters");
    }
  }
  return Status::Ok();
}

Status ValidateWriteContext(const WriteContext& context) {
  if (context.actor.empty()) return InvalidArgumentError("actor is empty");
  TASKSTORE_RETURN_IF_ERROR(
      ValidateToken("actor", context.actor, kMaxActorBytes, true));
  TASKSTORE_RETURN_IF_ERROR(ValidateToken("request id", context.request_id,
                                          kMaxRequestIdBytes, false));
  return ValidateToken("idempotency key", context.idempotency_key,
                       kMaxIdempotencyKeyBytes, false);
}

}  // namespace taskstore::domain
