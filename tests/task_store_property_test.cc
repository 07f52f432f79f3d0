// Model-based property: random sequences of commands run against the real
// store (over a real log on an in-memory file system) and against a plain
// reference model must agree after every step, including restarts and
// snapshot round trips.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "snapshots/snapshot_codec.h"
#include "tests/store_fixture.h"

namespace taskstore {
namespace {

using domain::TaskId;
using testing_support::StoreUnderTest;

struct ModelTask {
  TaskId id = 0;
  std::string title;
  std::string description;
  bool completed = false;
  bool deleted = false;
  bool purged = false;
  std::uint64_t version = 0;
  std::uint64_t deleted_sequence = 0;
};

// One write as data, so that the model can decide it and a repeat can
// send exactly the same request again.
struct Write {
  enum class Kind { kCreate, kUpdate, kDelete, kRestore, kPurge };
  Kind kind = Kind::kCreate;
  TaskId id = 0;  // all but kCreate
  std::optional<std::string> title;
  std::optional<std::string> description;
  std::optional<bool> completed;
  std::string key;  // Idempotency-Key; empty for none
  // If-Match: none, the right version, or a stale one.
  enum class Condition { kNone, kCurrent, kStale } condition = Condition::kNone;

  // What the HTTP layer fingerprints: the request without its headers.
  std::uint64_t Fingerprint() const {
    std::string text = std::to_string(static_cast<int>(kind)) + "/" +
                       std::to_string(id) + "/" + title.value_or("\x01") + "/" +
                       description.value_or("\x01") + "/" +
                       (completed ? (*completed ? "t" : "f") : "-");
    return std::hash<std::string>()(text) | 1;
  }
};

std::ostream& operator<<(std::ostream& os, const Write& write) {
  static const char* kNames[] = {"Create", "Update", "Delete", "Restore",
                                 "Purge"};
  os << kNames[static_cast<int>(write.kind)] << "(" << write.id;
  if (write.title) os << ", title \"" << *write.title << "\"";
  if (write.description) os << ", description \"" << *write.description << "\"";
  if (write.completed) os << ", completed " << *write.completed;
  if (!write.key.empty()) os << ", key " << write.key;
  if (write.condition != Write::Condition::kNone) {
    os << (write.condition == Write::Condition::kStale ? ", stale If-Match"
                                                       : ", If-Match");
  }
  return os << ")";
}

// What a write should answer: a status code and, on success for writes
// that return one, the task.
struct Outcome {
  StatusCode code = StatusCode::kOk;
  std::optional<ModelTask> task;
};

// The reference: tasks by id (index + 1), the event log as (type, task)
// pairs, and the keys used. Titles are ASCII, so folding is tolower.
struct Model {
  std::vector<ModelTask> tasks;
  std::vector<std::pair<std::string, TaskId>> events;
  struct KeyUse {
    std::uint64_t fingerprint = 0;
    ModelTask answer;
  };
  std::map<std::string, KeyUse> keys;
  std::vector<Write> keyed_writes;  // for repeats

  static std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return text;
  }

  static bool ValidTitle(const std::string& title) {
    return title.find_first_not_of(" \t") != std::string::npos &&
           title.size() <= 100;
  }

  std::vector<std::string> Search(const std::string& term) const {
    std::vector<std::string> titles;
    for (const ModelTask& task : tasks) {
      if (!task.deleted &&
          Lower(task.title).find(Lower(term)) != std::string::npos) {
        titles.push_back(task.title);
      }
    }
    return titles;
  }

  std::vector<TaskId> Trash() const {
    std::vector<const ModelTask*> deleted;
    for (const ModelTask& task : tasks) {
      if (task.deleted && !task.purged) deleted.push_back(&task);
    }
    std::sort(deleted.begin(), deleted.end(), [](auto* a, auto* b) {
      return a->deleted_sequence > b->deleted_sequence;
    });
    std::vector<TaskId> ids;
    for (const ModelTask* task : deleted) ids.push_back(task->id);
    return ids;
  }

  std::vector<std::string> HistoryOf(TaskId id) const {
    std::vector<std::string> types;
    for (const auto& [type, task] : events) {
      if (task == id) types.push_back(type);
    }
    return types;
  }

  void Record(const std::string& type, ModelTask& task) {
    events.emplace_back(type, task.id);
    ++task.version;
  }

  // Decides `write` in the store's order of checks and applies it.
  Outcome Apply(const Write& write) {
    if (!write.key.empty()) {
      auto used = keys.find(write.key);
      if (used != keys.end()) {
        if (used->second.fingerprint != write.Fingerprint()) {
          return {StatusCode::kKeyMismatch, {}};
        }
        return {StatusCode::kOk, used->second.answer};
      }
    }
    std::size_t events_before = events.size();
    Outcome outcome = Decide(write);
    if (outcome.code == StatusCode::kOk && !write.key.empty() &&
        events.size() != events_before) {
      keys[write.key] = KeyUse{write.Fingerprint(), *outcome.task};
      keyed_writes.push_back(write);
    }
    return outcome;
  }

  Outcome Decide(const Write& write) {
    if (write.kind == Write::Kind::kCreate) {
      if (!ValidTitle(*write.title)) return {StatusCode::kInvalidArgument, {}};
      ModelTask task;
      task.id = tasks.size() + 1;
      task.title = *write.title;
      Record("TaskCreated", task);
      tasks.push_back(task);
      return {StatusCode::kOk, task};
    }
    if (write.id == 0 || write.id > tasks.size()) {
      return {StatusCode::kNotFound, {}};
    }
    ModelTask& task = tasks[write.id - 1];
    if (write.title && !ValidTitle(*write.title)) {
      return {StatusCode::kInvalidArgument, {}};
    }
    if (write.condition == Write::Condition::kStale) {
      return {StatusCode::kVersionMismatch, {}};
    }
    switch (write.kind) {
      case Write::Kind::kUpdate: {
        if (task.deleted) return {StatusCode::kGone, {}};
        bool new_title = write.title && *write.title != task.title;
        bool new_description =
            write.description && *write.description != task.description;
        if (new_title) task.title = *write.title;
        if (new_description) task.description = *write.description;
        if (new_title || new_description) Record("TaskEdited", task);
        if (write.completed && *write.completed != task.completed) {
          task.completed = *write.completed;
          Record(task.completed ? "TaskCompleted" : "TaskReopened", task);
        }
        return {StatusCode::kOk, task};
      }
      case Write::Kind::kDelete:
        if (task.deleted) return {StatusCode::kGone, {}};
        task.deleted = true;
        Record("TaskSoftDeleted", task);
        task.deleted_sequence = events.size();
        return {StatusCode::kOk, task};
      case Write::Kind::kRestore:
      case Write::Kind::kPurge:
        if (task.purged) return {StatusCode::kGone, {}};
        if (!task.deleted) return {StatusCode::kFailedPrecondition, {}};
        if (write.kind == Write::Kind::kRestore) {
          task.deleted = false;
          Record("TaskRestored", task);
        } else {
          task.purged = true;
          task.title.clear();
          task.description.clear();
          // Earlier answers about the task now read erased too.
          for (auto& [key, use] : keys) {
            if (use.answer.id == task.id) {
              use.answer.title.clear();
              use.answer.description.clear();
            }
          }
          Record("TaskPurged", task);
        }
        return {StatusCode::kOk, task};
      case Write::Kind::kCreate:
        break;
    }
    return {StatusCode::kInvalidArgument, {}};
  }
};

using Command = rc::state::Command<Model, StoreUnderTest>;

std::vector<std::string> Titles(const std::vector<domain::Task>& tasks) {
  std::vector<std::string> titles;
  for (const domain::Task& task : tasks) titles.push_back(task.title);
  return titles;
}

void CheckTask(const domain::Task& task, const ModelTask& expected) {
  RC_ASSERT(task.id == expected.id);
  RC_ASSERT(task.title == expected.title);
  RC_ASSERT(task.description == expected.description);
  RC_ASSERT(task.completed == expected.completed);
  RC_ASSERT(task.deleted == expected.deleted);
  RC_ASSERT(task.purged == expected.purged);
  RC_ASSERT(task.version == expected.version);
}

void CheckSame(const ModelTask& task, const ModelTask& expected) {
  RC_ASSERT(task.id == expected.id);
  RC_ASSERT(task.title == expected.title);
  RC_ASSERT(task.description == expected.description);
  RC_ASSERT(task.completed == expected.completed);
  RC_ASSERT(task.deleted == expected.deleted);
  RC_ASSERT(task.purged == expected.purged);
  RC_ASSERT(task.version == expected.version);
}

// Every look-up, list, the trash, each history and the whole event
// sequence agree with the model.
void CheckAgreement(const Model& model, StoreUnderTest& sut) {
  domain::TaskStore& store = sut.store();
  RC_ASSERT(Titles(store.Search("")) == model.Search(""));
  for (TaskId id = 1; id <= model.tasks.size() + 1; ++id) {
    Result<domain::Task> task = store.Get(id);
    Result<std::vector<domain::Event>> history = store.History(id);
    if (id > model.tasks.size()) {
      RC_ASSERT(task.status().code() == StatusCode::kNotFound);
      RC_ASSERT(history.status().code() == StatusCode::kNotFound);
      continue;
    }
    const ModelTask& expected = model.tasks[id - 1];
    if (expected.deleted) {
      RC_ASSERT(task.status().code() == StatusCode::kGone);
    } else {
      RC_ASSERT(task.ok());
      CheckTask(*task, expected);
    }
    RC_ASSERT(history.ok());
    std::vector<std::string> types;
    for (const domain::Event& event : *history) {
      types.emplace_back(domain::EventTypeName(event.data));
      if (expected.purged) RC_ASSERT(domain::ErasedForm(event) == event);
    }
    RC_ASSERT(types == model.HistoryOf(id));
  }

  std::vector<TaskId> trash;
  for (const domain::Task& task : store.Trash("")) trash.push_back(task.id);
  RC_ASSERT(trash == model.Trash());

  domain::Projection state = store.StateCopy();
  RC_ASSERT(state.last_sequence() == model.events.size());
  for (std::size_t i = 0; i < model.events.size(); ++i) {
    std::optional<domain::Event> event = state.EventAt(i + 1);
    RC_ASSERT(event.has_value());
    RC_ASSERT(domain::EventTypeName(event->data) == model.events[i].first);
    RC_ASSERT(domain::TaskIdOf(event->data) == model.events[i].second);
  }
}

rc::Gen<std::string> Word() {
  return rc::gen::element<std::string>("Cluster", "redis", "FIX", "docs", "a",
                                       "Replica", "sentinel", "AOF");
}

// Mostly valid titles, sometimes blank or one character too long.
rc::Gen<std::string> Title() {
  return rc::gen::weightedOneOf<std::string>({
      {8,
       rc::gen::map(rc::gen::mapcat(
                        rc::gen::inRange<std::size_t>(1, 4),
                        [](std::size_t count) {
                          return rc::gen::container<std::vector<std::string>>(
                              count, Word());
                        }),
                    [](const std::vector<std::string>& words) {
                      std::string title;
                      for (const std::string& word : words) {
                        if (!title.empty()) title += ' ';
                        title += word;
                      }
                      return title;
                    })},
      {1, rc::gen::element<std::string>("", "   ", "\t")},
      {1, rc::gen::element(std::string(100, 'x'), std::string(101, 'y'))},
  });
}

rc::Gen<std::string> Key() {
  return rc::gen::weightedOneOf<std::string>(
      {{3, rc::gen::just(std::string())},
       {1, rc::gen::element<std::string>("k1", "k2", "k3")}});
}

TaskId SomeId(const Model& model) {
  return *rc::gen::inRange<TaskId>(1, model.tasks.size() + 2);
}

// Runs `write` against the store with the context the model implies.
Outcome RunWrite(const Write& write, const Model& model, StoreUnderTest& sut) {
  domain::WriteContext context;
  context.actor = "tester";
  context.request_id = "r";
  context.idempotency_key = write.key;
  context.request_fingerprint = write.key.empty() ? 0 : write.Fingerprint();
  if (write.condition != Write::Condition::kNone) {
    std::uint64_t version = 0;
    if (write.id >= 1 && write.id <= model.tasks.size()) {
      version = model.tasks[write.id - 1].version;
    }
    if (write.condition == Write::Condition::kStale) ++version;
    context.expected_versions = std::vector<std::uint64_t>{version};
  }
  domain::TaskStore& store = sut.store();
  auto with_task = [](Result<domain::Task> task) {
    Outcome outcome{task.status().code(), {}};
    if (task.ok()) {
      outcome.task = ModelTask{
          task->id,      task->title,  task->description, task->completed,
          task->deleted, task->purged, task->version,     0};
    }
    return outcome;
  };
  switch (write.kind) {
    case Write::Kind::kCreate:
      return with_task(store.Create({*write.title, "", {}}, context));
    case Write::Kind::kUpdate:
      return with_task(store.Update(
          {write.id, write.title, write.description, write.completed},
          context));
    case Write::Kind::kDelete:
      return Outcome{store.SoftDelete({write.id}, context).code(), {}};
    case Write::Kind::kRestore:
      return with_task(store.Restore({write.id}, context));
    case Write::Kind::kPurge:
      return Outcome{store.Purge({write.id}, context).code(), {}};
  }
  return {};
}

// A write command: runs its Write on both sides and compares.
struct WriteCommand : Command {
  Write write;

  void apply(Model& model) const override { model.Apply(write); }

  void run(const Model& model, StoreUnderTest& sut) const override {
    Model next = model;
    Outcome expected = next.Apply(write);
    Outcome actual = RunWrite(write, model, sut);
    RC_ASSERT(actual.code == expected.code);
    bool returns_task = write.kind == Write::Kind::kCreate ||
                        write.kind == Write::Kind::kUpdate ||
                        write.kind == Write::Kind::kRestore;
    if (actual.code == StatusCode::kOk && returns_task) {
      RC_ASSERT(actual.task.has_value());
      RC_ASSERT(expected.task.has_value());
      CheckSame(*actual.task, *expected.task);
    }
    CheckAgreement(next, sut);
  }

  void show(std::ostream& os) const override { os << write; }
};

Write::Condition SomeCondition() {
  return *rc::gen::weightedOneOf<Write::Condition>(
      {{4, rc::gen::just(Write::Condition::kNone)},
       {1, rc::gen::just(Write::Condition::kCurrent)},
       {1, rc::gen::just(Write::Condition::kStale)}});
}

struct Create : WriteCommand {
  Create() {
    write.kind = Write::Kind::kCreate;
    write.title = *Title();
    write.key = *Key();
  }
};

struct Edit : WriteCommand {
  explicit Edit(const Model& model) {
    write.kind = Write::Kind::kUpdate;
    write.id = SomeId(model);
    bool title = *rc::gen::arbitrary<bool>();
    if (title) write.title = *Title();
    if (!title || *rc::gen::arbitrary<bool>()) {
      write.description = *rc::gen::element<std::string>("", "notes", "more");
    }
    write.key = *Key();
    write.condition = SomeCondition();
  }
};

struct SetCompleted : WriteCommand {
  explicit SetCompleted(const Model& model) {
    write.kind = Write::Kind::kUpdate;
    write.id = SomeId(model);
    write.completed = *rc::gen::arbitrary<bool>();
    write.key = *Key();
    write.condition = SomeCondition();
  }
};

// Delete, Restore and Purge.
template <Write::Kind kind>
struct OnTask : WriteCommand {
  explicit OnTask(const Model& model) {
    write.kind = kind;
    write.id = SomeId(model);
    write.key = *Key();
    write.condition = SomeCondition();
  }
};
using Delete = OnTask<Write::Kind::kDelete>;
using Restore = OnTask<Write::Kind::kRestore>;
using Purge = OnTask<Write::Kind::kPurge>;

// Sends an earlier keyed write again, exactly: it must answer as the
// first time and record nothing.
struct Repeat : WriteCommand {
  explicit Repeat(const Model& model) {
    RC_PRE(!model.keyed_writes.empty());
    write = *rc::gen::elementOf(model.keyed_writes);
    write.condition = Write::Condition::kNone;
  }
};

struct Search : Command {
  std::string term = *rc::gen::weightedOneOf<std::string>(
      {{3, Word()},
       {1, rc::gen::element<std::string>("", "CLU", "s", "nothing")}});

  void apply(Model&) const override {}

  void run(const Model& model, StoreUnderTest& sut) const override {
    RC_ASSERT(Titles(sut.store().Search(term)) == model.Search(term));
  }

  void show(std::ostream& os) const override {
    os << "Search(\"" << term << "\")";
  }
};

struct Restart : Command {
  void apply(Model&) const override {}

  void run(const Model& model, StoreUnderTest& sut) const override {
    domain::Projection live = sut.store().StateCopy();
    RC_ASSERT(sut.Restart().ok());
    RC_ASSERT(sut.store().StateCopy() == live);
    CheckAgreement(model, sut);
  }

  void show(std::ostream& os) const override { os << "Restart"; }
};

// A snapshot of the state loads back as the same state, key table
// included.
struct SnapshotRoundTrip : Command {
  void apply(Model&) const override {}

  void run(const Model&, StoreUnderTest& sut) const override {
    domain::Projection live = sut.store().StateCopy();
    Result<snapshots::DecodedSnapshot> decoded =
        snapshots::DecodeSnapshot(snapshots::EncodeSnapshot(live));
    RC_ASSERT(decoded.ok());
    RC_ASSERT(domain::FirstDifference(decoded->state, live) == std::nullopt);
  }

  void show(std::ostream& os) const override { os << "SnapshotRoundTrip"; }
};

RC_GTEST_PROP(TaskStoreModel, AgreesWithReferenceModelAcrossRestarts, ()) {
  Model model;
  StoreUnderTest sut;
  rc::state::check(
      model, sut,
      rc::state::gen::execOneOfWithArgs<Create, Create, Edit, SetCompleted,
                                        Delete, Restore, Purge, Repeat, Search,
                                        Restart, SnapshotRoundTrip>());
}

RC_GTEST_PROP(TaskStoreModel, ReplayYieldsExactlyTheLiveState, ()) {
  Model model;
  StoreUnderTest sut;
  rc::state::check(
      model, sut,
      rc::state::gen::execOneOfWithArgs<Create, Create, Edit, SetCompleted,
                                        Delete, Restore, Purge, Repeat,
                                        Search>());
  domain::Projection live = sut.store().StateCopy();
  RC_ASSERT(sut.Restart().ok());
  RC_ASSERT(sut.store().StateCopy() == live);
}

}  // namespace
}  // namespace taskstore
