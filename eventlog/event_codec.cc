#include "eventlog/event_codec.h"

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <cstdint>
#include <iterator>
#include <optional>
#include <sstream>
#include <variant>

#include "base/view_stream_buffer.h"
#include "eventlog/record_format.h"

// Serialization of the event bodies. These live beside the codec rather
// than in domain/, which knows nothing of storage; cereal finds them by
// argument-dependent lookup.
namespace taskstore::domain {
namespace {

// Strings are stored as a uint64 length and raw bytes. Loading checks the
// length against kMaxPayload first, so damaged bytes cannot make cereal
// allocate gigabytes.
template <typename Archive>
void SaveString(Archive& archive, const std::string& text) {
  archive(static_cast<std::uint64_t>(text.size()));
  archive(cereal::binary_data(text.data(), text.size()));
}

// Refuses a class version newer than this build knows, which a later
// release may write.
void CheckVersion(std::uint32_t version, std::uint32_t newest,
                  const char* type) {
  if (version > newest) {
    throw cereal::Exception(std::string(type) + " version " +
                            std::to_string(version) +
                            " is newer than this build reads");
  }
}

template <typename Archive>
void LoadString(Archive& archive, std::string& text) {
  std::uint64_t size = 0;
  archive(size);
  if (size > eventlog::kMaxPayload) {
    throw cereal::Exception("string length " + std::to_string(size) +
                            " exceeds the largest payload");
  }
  text.resize(static_cast<size_t>(size));
  archive(cereal::binary_data(text.data(), text.size()));
}

}  // namespace

template <typename Archive>
void save(Archive& archive, const TaskCreated& event, std::uint32_t) {
  archive(event.task_id);
  SaveString(archive, event.title);
  SaveString(archive, event.description);
  archive(event.created_at);
}

template <typename Archive>
void load(Archive& archive, TaskCreated& event, std::uint32_t version) {
  CheckVersion(version, 1, "TaskCreated");
  archive(event.task_id);
  LoadString(archive, event.title);
  LoadString(archive, event.description);
  archive(event.created_at);
}

// The events that carry nothing but their task's id.
template <typename Archive, typename IdOnly>
void SerializeIdOnly(Archive& archive, IdOnly& event, std::uint32_t version,
                     const char* type) {
  CheckVersion(version, 1, type);
  archive(event.task_id);
}

template <typename Archive>
void serialize(Archive& archive, TaskSoftDeleted& event,
               std::uint32_t version) {
  SerializeIdOnly(archive, event, version, "TaskSoftDeleted");
}

template <typename Archive>
void serialize(Archive& archive, TaskCompleted& event, std::uint32_t version) {
  SerializeIdOnly(archive, event, version, "TaskCompleted");
}

template <typename Archive>
void serialize(Archive& archive, TaskReopened& event, std::uint32_t version) {
  SerializeIdOnly(archive, event, version, "TaskReopened");
}

template <typename Archive>
void serialize(Archive& archive, TaskRestored& event, std::uint32_t version) {
  SerializeIdOnly(archive, event, version, "TaskRestored");
}

template <typename Archive>
void serialize(Archive& archive, TaskPurged& event, std::uint32_t version) {
  SerializeIdOnly(archive, event, version, "TaskPurged");
}

namespace {

// An optional string is a presence byte (0 or 1) and, when present, the
// string.
template <typename Archive>
void SaveOptionalString(Archive& archive,
                        const std::optional<std::string>& text) {
  archive(static_cast<std::uint8_t>(text.has_value()));
  if (text) SaveString(archive, *text);
}

template <typename Archive>
void LoadOptionalString(Archive& archive, std::optional<std::string>& text) {
  std::uint8_t present = 0;
  archive(present);
  if (present > 1) {
    throw cereal::Exception("presence byte " + std::to_string(present) +
                            " is neither 0 nor 1");
  }
  text.reset();
  if (present == 1) LoadString(archive, text.emplace());
}

}  // namespace

template <typename Archive>
void save(Archive& archive, const TaskEdited& event, std::uint32_t) {
  archive(event.task_id);
  SaveOptionalString(archive, event.title);
  SaveOptionalString(archive, event.description);
}

template <typename Archive>
void load(Archive& archive, TaskEdited& event, std::uint32_t version) {
  CheckVersion(version, 1, "TaskEdited");
  archive(event.task_id);
  LoadOptionalString(archive, event.title);
  LoadOptionalString(archive, event.description);
}

template <typename Archive>
void save(Archive& archive, const EventOrigin& origin, std::uint32_t) {
  SaveString(archive, origin.actor);
  SaveString(archive, origin.request_id);
  SaveString(archive, origin.idempotency_key);
  archive(origin.request_fingerprint);
}

template <typename Archive>
void load(Archive& archive, EventOrigin& origin, std::uint32_t version) {
  CheckVersion(version, 1, "EventOrigin");
  LoadString(archive, origin.actor);
  LoadString(archive, origin.request_id);
  LoadString(archive, origin.idempotency_key);
  archive(origin.request_fingerprint);
}

}  // namespace taskstore::domain

CEREAL_CLASS_VERSION(taskstore::domain::TaskCreated, 1);
CEREAL_CLASS_VERSION(taskstore::domain::TaskSoftDeleted, 1);
CEREAL_CLASS_VERSION(taskstore::domain::TaskEdited, 1);
CEREAL_CLASS_VERSION(taskstore::domain::TaskCompleted, 1);
CEREAL_CLASS_VERSION(taskstore::domain::TaskReopened, 1);
CEREAL_CLASS_VERSION(taskstore::domain::TaskRestored, 1);
CEREAL_CLASS_VERSION(taskstore::domain::TaskPurged, 1);
CEREAL_CLASS_VERSION(taskstore::domain::EventOrigin, 1);

namespace taskstore::eventlog {
namespace {

// In the order of domain::EventData's alternatives.
constexpr EventTag kTags[] = {
    EventTag::kTaskCreated,  EventTag::kTaskSoftDeleted,
    EventTag::kTaskEdited,   EventTag::kTaskCompleted,
    EventTag::kTaskReopened, EventTag::kTaskRestored,
    EventTag::kTaskPurged,
};
static_assert(std::size(kTags) == std::variant_size_v<domain::EventData>);

EventTag TagOf(const domain::EventData& data) { return kTags[data.index()]; }

// Reads the body of the event type `tag` into `data`; false for a tag no
// type has.
template <typename Archive, std::size_t index = 0>
bool LoadBody(Archive& archive, EventTag tag, domain::EventData& data) {
  if constexpr (index == std::size(kTags)) {
    return false;
  } else {
    if (kTags[index] != tag) {
      return LoadBody<Archive, index + 1>(archive, tag, data);
    }
    std::variant_alternative_t<index, domain::EventData> body;
    archive(body);
    data = std::move(body);
    return true;
  }
}

}  // namespace

std::string EncodeEvent(const domain::Event& event) {
  std::ostringstream stream(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive archive(
        stream, cereal::PortableBinaryOutputArchive::Options::LittleEndian());
    // An event without an origin was recorded before origins were kept;
    // it keeps layout 1, so that encoding it again gives the very bytes in
    // the log (snapshots are tied to the log by their checksum).
    const bool has_origin = !(event.origin == domain::EventOrigin());
    if (has_origin) archive(kLayoutMarker, kCurrentLayout);
    archive(static_cast<std::uint8_t>(TagOf(event.data)));
    archive(event.sequence, event.recorded_at);
    if (has_origin) archive(event.origin);
    std::visit([&archive](const auto& body) { archive(body); }, event.data);
  }
  return std::move(stream).str();
}

Result<domain::Event> DecodeEvent(std::string_view payload) {
  ViewStreamBuffer buffer(payload);
  std::istream stream(&buffer);
  domain::Event event;
  try {
    cereal::PortableBinaryInputArchive archive(
        stream, cereal::PortableBinaryInputArchive::Options::LittleEndian());
    std::uint8_t tag = 0;
    archive(tag);
    const bool has_origin = tag == kLayoutMarker;
    if (has_origin) {
      std::uint8_t layout = 0;
      archive(layout);
      if (layout != kCurrentLayout) {
        return CorruptionError("payload layout " + std::to_string(layout) +
                               " is not one this build reads");
      }
      archive(tag);
    }
    archive(event.sequence, event.recorded_at);
    // Layout 1 payloads, from before origins were recorded, keep the
    // empty origin.
    if (has_origin) archive(event.origin);
    if (!LoadBody(archive, static_cast<EventTag>(tag), event.data)) {
      return CorruptionError("unknown event type tag " + std::to_string(tag));
    }
  } catch (const cereal::Exception& error) {
    return CorruptionError(std::string("undecodable event: ") + error.what());
  }
  if (buffer.remaining() != 0) {
    return CorruptionError(std::to_string(buffer.remaining()) +
                           " stray bytes after the event");
  }
  return event;
}

bool IsEventFrom(std::string_view payload, domain::Sequence sequence) {
  Result<domain::Event> event = DecodeEvent(payload);
  return event.ok() && event->sequence >= sequence;
}

}  // namespace taskstore::eventlog
