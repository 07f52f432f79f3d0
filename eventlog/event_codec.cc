#include "eventlog/event_codec.h"

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <cstdint>
#include <sstream>

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

template <typename Archive>
void serialize(Archive& archive, TaskSoftDeleted& event,
               std::uint32_t version) {
  CheckVersion(version, 1, "TaskSoftDeleted");
  archive(event.task_id);
}

}  // namespace taskstore::domain

CEREAL_CLASS_VERSION(taskstore::domain::TaskCreated, 1);
CEREAL_CLASS_VERSION(taskstore::domain::TaskSoftDeleted, 1);

namespace taskstore::eventlog {
namespace {

EventTag TagOf(const domain::EventData& data) {
  return std::holds_alternative<domain::TaskCreated>(data)
             ? EventTag::kTaskCreated
             : EventTag::kTaskSoftDeleted;
}

}  // namespace

std::string EncodeEvent(const domain::Event& event) {
  std::ostringstream stream(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive archive(
        stream, cereal::PortableBinaryOutputArchive::Options::LittleEndian());
    archive(static_cast<std::uint8_t>(TagOf(event.data)));
    archive(event.sequence, event.recorded_at);
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
    archive(event.sequence, event.recorded_at);
    switch (static_cast<EventTag>(tag)) {
      case EventTag::kTaskCreated: {
        domain::TaskCreated body;
        archive(body);
        event.data = std::move(body);
        break;
      }
      case EventTag::kTaskSoftDeleted: {
        domain::TaskSoftDeleted body;
        archive(body);
        event.data = body;
        break;
      }
      default:
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
