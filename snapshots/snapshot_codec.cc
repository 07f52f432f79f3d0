#include "snapshots/snapshot_codec.h"

#include <cereal/archives/portable_binary.hpp>
#include <cereal/cereal.hpp>
#include <sstream>

#include "base/little_endian.h"
#include "base/view_stream_buffer.h"
#include "eventlog/crc32c.h"
#include "snapshots/snapshot_format.h"

namespace taskstore::snapshots {
namespace {

using domain::HistoryEntry;
using domain::StoredTask;
using eventlog::Crc32c;
using eventlog::MaskCrc;
using eventlog::UnmaskCrc;

// The body's columns, in archive order.
struct Columns {
  std::vector<std::int64_t> created_at;
  std::vector<std::int64_t> deleted_at;
  std::vector<std::uint8_t> flags;
  std::vector<std::uint32_t> title_length;
  std::vector<std::uint32_t> description_length;
  std::vector<std::uint32_t> folded_length;
  std::vector<std::uint32_t> history_length;
  std::string text;  // titles, descriptions, folded titles back to back
  std::vector<std::uint64_t> history_sequence;
  std::vector<std::int64_t> history_recorded_at;
  std::vector<std::uint8_t> history_kind;
};

template <typename Archive, typename T>
void SaveArray(Archive& archive, const std::vector<T>& values) {
  archive(cereal::binary_data(values.data(), values.size() * sizeof(T)));
}

// Reads `count` elements; the caller has checked that they fit the body.
template <typename Archive, typename T>
void LoadArray(Archive& archive, std::vector<T>& values, std::size_t count) {
  values.resize(count);
  archive(cereal::binary_data(values.data(), count * sizeof(T)));
}

Columns ToColumns(const domain::Projection& state) {
  Columns columns;
  for (const StoredTask& stored : state.tasks()) {
    const domain::Task& task = stored.task;
    columns.created_at.push_back(task.created_at);
    columns.deleted_at.push_back(task.deleted_at.value_or(kNoTime));
    columns.flags.push_back(
        static_cast<std::uint8_t>((task.completed ? kCompletedFlag : 0) |
                                  (task.deleted ? kDeletedFlag : 0)));
    columns.title_length.push_back(static_cast<std::uint32_t>(task.title.size()));
    columns.description_length.push_back(
        static_cast<std::uint32_t>(task.description.size()));
    columns.folded_length.push_back(
        static_cast<std::uint32_t>(stored.folded_title.size()));
    columns.history_length.push_back(
        static_cast<std::uint32_t>(stored.history.size()));
    columns.text += task.title;
    columns.text += task.description;
    columns.text += stored.folded_title;
    for (const HistoryEntry& entry : stored.history) {
      columns.history_sequence.push_back(entry.sequence);
      columns.history_recorded_at.push_back(entry.recorded_at);
      columns.history_kind.push_back(static_cast<std::uint8_t>(entry.kind));
    }
  }
  return columns;
}

std::string EncodeBody(const Columns& columns) {
  std::ostringstream stream(std::ios::binary);
  {
    cereal::PortableBinaryOutputArchive archive(
        stream, cereal::PortableBinaryOutputArchive::Options::LittleEndian());
    archive(static_cast<std::uint64_t>(columns.flags.size()));
    SaveArray(archive, columns.created_at);
    SaveArray(archive, columns.deleted_at);
    SaveArray(archive, columns.flags);
    SaveArray(archive, columns.title_length);
    SaveArray(archive, columns.description_length);
    SaveArray(archive, columns.folded_length);
    SaveArray(archive, columns.history_length);
    archive(static_cast<std::uint64_t>(columns.text.size()));
    archive(cereal::binary_data(columns.text.data(), columns.text.size()));
    archive(static_cast<std::uint64_t>(columns.history_kind.size()));
    SaveArray(archive, columns.history_sequence);
    SaveArray(archive, columns.history_recorded_at);
    SaveArray(archive, columns.history_kind);
  }
  return std::move(stream).str();
}

// Loads the columns, refusing counts that the body is too short to hold
// before allocating for them.
Result<Columns> DecodeBody(std::string_view body) {
  ViewStreamBuffer buffer(body);
  std::istream stream(&buffer);
  Columns columns;
  auto fits = [&buffer](std::uint64_t count, std::size_t element_size) {
    return count <= buffer.remaining() / element_size;
  };
  try {
    cereal::PortableBinaryInputArchive archive(
        stream, cereal::PortableBinaryInputArchive::Options::LittleEndian());
    std::uint64_t tasks = 0;
    archive(tasks);
    // Per task: 8 + 8 + 1 + 4 * 4 bytes of columns.
    if (!fits(tasks, 33)) return CorruptionError("task count exceeds the body");
    LoadArray(archive, columns.created_at, tasks);
    LoadArray(archive, columns.deleted_at, tasks);
    LoadArray(archive, columns.flags, tasks);
    LoadArray(archive, columns.title_length, tasks);
    LoadArray(archive, columns.description_length, tasks);
    LoadArray(archive, columns.folded_length, tasks);
    LoadArray(archive, columns.history_length, tasks);

    std::uint64_t text_size = 0;
    archive(text_size);
    if (!fits(text_size, 1)) return CorruptionError("text exceeds the body");
    columns.text.resize(text_size);
    archive(cereal::binary_data(columns.text.data(), text_size));

    std::uint64_t entries = 0;
    archive(entries);
    if (!fits(entries, 17)) {
      return CorruptionError("history exceeds the body");
    }
    LoadArray(archive, columns.history_sequence, entries);
    LoadArray(archive, columns.history_recorded_at, entries);
    LoadArray(archive, columns.history_kind, entries);
  } catch (const cereal::Exception& error) {
    return CorruptionError(std::string("undecodable snapshot body: ") +
                           error.what());
  }
  if (buffer.remaining() != 0) {
    return CorruptionError(std::to_string(buffer.remaining()) +
                           " stray bytes after the snapshot body");
  }
  return columns;
}

Result<std::vector<StoredTask>> FromColumns(Columns& columns) {
  std::vector<StoredTask> tasks(columns.flags.size());
  std::size_t text_at = 0;
  std::size_t history_at = 0;
  auto take_text = [&](std::uint32_t length, std::string& out) {
    if (length > columns.text.size() - text_at) return false;
    out.assign(columns.text, text_at, length);
    text_at += length;
    return true;
  };
  for (std::size_t i = 0; i < tasks.size(); ++i) {
    StoredTask& stored = tasks[i];
    domain::Task& task = stored.task;
    task.id = i + 1;
    task.created_at = columns.created_at[i];
    if (columns.deleted_at[i] != kNoTime) task.deleted_at = columns.deleted_at[i];
    task.completed = (columns.flags[i] & kCompletedFlag) != 0;
    task.deleted = (columns.flags[i] & kDeletedFlag) != 0;
    if (!take_text(columns.title_length[i], task.title) ||
        !take_text(columns.description_length[i], task.description) ||
        !take_text(columns.folded_length[i], stored.folded_title)) {
      return CorruptionError("task " + std::to_string(i + 1) +
                             " runs past the snapshot's text");
    }
    std::uint32_t length = columns.history_length[i];
    if (length > columns.history_kind.size() - history_at) {
      return CorruptionError("task " + std::to_string(i + 1) +
                             " runs past the snapshot's history");
    }
    stored.history.reserve(length);
    for (std::uint32_t h = 0; h < length; ++h, ++history_at) {
      stored.history.push_back(HistoryEntry{
          columns.history_sequence[history_at],
          columns.history_recorded_at[history_at],
          static_cast<HistoryEntry::Kind>(columns.history_kind[history_at])});
    }
  }
  if (text_at != columns.text.size() ||
      history_at != columns.history_kind.size()) {
    return CorruptionError("snapshot holds text or history no task owns");
  }
  return tasks;
}

}  // namespace

std::string EncodeSnapshot(const domain::Projection& state) {
  std::string body = EncodeBody(ToColumns(state));

  std::string file(kMagic);
  AppendLittleEndian<std::uint32_t>(file, kFormatVersion);
  AppendLittleEndian<std::uint32_t>(file, 0);
  AppendLittleEndian<std::uint64_t>(file, state.last_sequence());
  AppendLittleEndian<std::uint64_t>(file, body.size());
  AppendLittleEndian<std::uint32_t>(file, MaskCrc(Crc32c(body)));
  AppendLittleEndian<std::uint32_t>(file, MaskCrc(Crc32c(file)));
  file += body;
  return file;
}

Result<domain::Sequence> ReadSnapshotHeader(std::string_view file) {
  if (file.size() < kHeaderSize) {
    return CorruptionError("snapshot header cut short (" +
                           std::to_string(file.size()) + " bytes)");
  }
  if (file.substr(kMagicOffset, kMagic.size()) != kMagic) {
    return CorruptionError("not a taskstore snapshot (bad magic)");
  }
  std::uint32_t header_crc =
      UnmaskCrc(LoadLittleEndian<std::uint32_t>(file, kHeaderCrcOffset));
  if (header_crc != Crc32c(file.substr(0, kHeaderCrcOffset))) {
    return CorruptionError("snapshot header checksum mismatch");
  }
  std::uint32_t version = LoadLittleEndian<std::uint32_t>(file, kVersionOffset);
  if (version != kFormatVersion) {
    return FailedPreconditionError(
        "snapshot format version " + std::to_string(version) +
        " is not the one this build reads (" + std::to_string(kFormatVersion) +
        ")");
  }
  return LoadLittleEndian<std::uint64_t>(file, kLastSequenceOffset);
}

Result<domain::Projection> DecodeSnapshot(std::string_view file) {
  Result<domain::Sequence> last_sequence = ReadSnapshotHeader(file);
  if (!last_sequence.ok()) return last_sequence.status();

  std::uint64_t body_length =
      LoadLittleEndian<std::uint64_t>(file, kBodyLengthOffset);
  if (body_length != file.size() - kHeaderSize) {
    return CorruptionError("snapshot body is " +
                           std::to_string(file.size() - kHeaderSize) +
                           " bytes, its header says " +
                           std::to_string(body_length));
  }
  std::string_view body = file.substr(kHeaderSize);
  std::uint32_t body_crc =
      UnmaskCrc(LoadLittleEndian<std::uint32_t>(file, kBodyCrcOffset));
  if (body_crc != Crc32c(body)) {
    return CorruptionError("snapshot body checksum mismatch");
  }

  Result<Columns> columns = DecodeBody(body);
  if (!columns.ok()) return columns.status();
  Result<std::vector<StoredTask>> tasks = FromColumns(*columns);
  if (!tasks.ok()) return tasks.status();
  return domain::Projection::Restore(std::move(tasks).value(), *last_sequence);
}

}  // namespace taskstore::snapshots
