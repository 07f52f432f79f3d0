// The search index against a naive reference (fold the title and the
// term, test for a substring), and page walks against concurrent change.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

#include "domain/projection.h"
#include "domain/text.h"

namespace taskstore::domain {
namespace {

constexpr UnixMicros kTime = 1'700'000'000'000'000;

// Real titles in two dozen languages and scripts.
const std::vector<std::string>& MultilingualTitles() {
  static const std::vector<std::string> titles = [] {
    std::vector<std::string> read;
    std::ifstream in(TASKSTORE_SHARED_DATA "/multilingual-titles.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      nlohmann::json row = nlohmann::json::parse(line, nullptr, false);
      if (row.is_object() && row["title"].is_string()) {
        read.push_back(row["title"]);
      }
    }
    return read;
  }();
  return titles;
}

// Pieces whose folding is not a simple per-letter lower-casing: sharp s
// (one letter folds to two), final and capital sigma, dotted and dotless
// i, ligatures, full-width and compatibility forms, the Kelvin and
// Ångström signs, combining marks before and after letters, Hangul that
// NFKC composes, and plain ASCII to build ordinary words from.
const std::vector<std::string>& Pieces() {
  // clang-format off
  static const std::vector<std::string> pieces = {
      "a", "e", "s", "t", "k", "i", " ", "S", "T",
      "ß", "ẞ", "SS", "ς", "Σ", "σ", "İ", "ı", "I",
      "ﬁ", "ﬀ", "ﬆ", "ŉ", "Ｔ", "ａ", "K", "Å", "å",
      "\u0301", "e\u0301", "é", "É", "\u0308", "ü", "u\u0308",
      "ᄀ", "ᅡ", "가", "①", "½", "㎏", "Ⅻ", "ǅ", "ǆ",
      "ΐ", "ᾳ", "ᾼ", "ö", "Ö", "Ω",
      "Straße", "task", "ТЕСТ", "тест", "日本"};
  // clang-format on
  return pieces;
}

rc::Gen<std::string> GenPieced() {
  return rc::gen::map(rc::gen::container<std::vector<std::string>>(
                          rc::gen::elementOf(Pieces())),
                      [](const std::vector<std::string>& parts) {
                        std::string text;
                        for (const std::string& part : parts) text += part;
                        return text;
                      });
}

rc::Gen<std::string> GenTitle() {
  return rc::gen::weightedOneOf<std::string>(
      {{3, rc::gen::elementOf(MultilingualTitles())}, {2, GenPieced()}});
}

// A slice of `text` at code point boundaries.
std::string SliceOf(const std::string& text, std::size_t from,
                    std::size_t length) {
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      starts.push_back(i);
    }
  }
  starts.push_back(text.size());
  if (starts.size() < 2) return "";
  from %= starts.size() - 1;
  std::size_t to = std::min(from + length, starts.size() - 1);
  return text.substr(starts[from], starts[to] - starts[from]);
}

// Terms are mostly pieces of the titles in the store, so that matches are
// common, and sometimes free text from the same alphabet.
rc::Gen<std::string> GenTerm(const std::vector<std::string>& titles) {
  if (titles.empty()) return GenPieced();
  return rc::gen::weightedOneOf<std::string>(
      {{4, rc::gen::map(rc::gen::tuple(rc::gen::elementOf(titles),
                                       rc::gen::inRange<std::size_t>(0, 64),
                                       rc::gen::inRange<std::size_t>(0, 12)),
                        [](const auto& choice) {
                          const auto& [title, from, length] = choice;
                          return SliceOf(title, from, length);
                        })},
       {1, GenPieced()},
       {1, rc::gen::just(std::string())}});
}

// A store built by applying events, with a plain copy of every title.
class Fixture {
 public:
  void Create(const std::string& title) {
    TaskId id = state_.next_task_id();
    Apply(TaskCreated{id, title, "", kTime});
    titles_.push_back(title);
    deleted_.push_back(false);
  }

  void Delete(TaskId id) {
    Apply(TaskSoftDeleted{id});
    deleted_[id - 1] = true;
  }

  void Restore(TaskId id) {
    Apply(TaskRestored{id});
    deleted_[id - 1] = false;
  }

  // A new title: the index gains the new key's trigrams for an id that is
  // not the newest, and keeps the old key's.
  void Rename(TaskId id, const std::string& title) {
    Apply(TaskEdited{id, title, std::nullopt});
    titles_[id - 1] = title;
  }

  // Erases a deleted task's text for good; it never matches again.
  void Purge(TaskId id) {
    Apply(TaskPurged{id});
    titles_[id - 1] = "";
    purged_.insert(id);
  }

  // The deleted, unpurged tasks holding `term`, in id order.
  std::vector<TaskId> NaiveTrash(const std::string& term) const {
    std::string key = FoldForSearch(term);
    std::vector<TaskId> found;
    for (std::size_t i = 0; i < titles_.size(); ++i) {
      if (deleted_[i] && purged_.count(i + 1) == 0 &&
          FoldForSearch(titles_[i]).find(key) != std::string::npos) {
        found.push_back(i + 1);
      }
    }
    return found;
  }

  // The visible tasks holding `term`, the slow and obvious way.
  std::vector<TaskId> Naive(const std::string& term) const {
    std::string key = FoldForSearch(term);
    std::vector<TaskId> found;
    for (std::size_t i = 0; i < titles_.size(); ++i) {
      if (!deleted_[i] &&
          FoldForSearch(titles_[i]).find(key) != std::string::npos) {
        found.push_back(i + 1);
      }
    }
    return found;
  }

  const Projection& state() const { return state_; }
  const std::vector<std::string>& titles() const { return titles_; }
  std::size_t size() const { return titles_.size(); }
  bool deleted(TaskId id) const { return deleted_[id - 1]; }
  bool purged(TaskId id) const { return purged_.count(id) != 0; }

 private:
  void Apply(EventData data) {
    Event event{state_.last_sequence() + 1, kTime, std::move(data)};
    RC_ASSERT(state_.Apply(event).ok());
  }

  Projection state_;
  std::vector<std::string> titles_;
  std::vector<bool> deleted_;
  std::set<TaskId> purged_;
};

std::vector<TaskId> Ids(const std::vector<Task>& tasks) {
  std::vector<TaskId> ids;
  for (const Task& task : tasks) ids.push_back(task.id);
  return ids;
}

// Every page of `term` at `limit` tasks a page, concatenated.
std::vector<TaskId> WalkPages(const Projection& state, const std::string& term,
                              std::size_t limit) {
  std::vector<TaskId> ids;
  TaskId after = 0;
  while (true) {
    Page<Task> page = state.Search(TaskQuery{term, after, limit});
    RC_ASSERT(page.items.size() <= limit);
    for (const Task& task : page.items) ids.push_back(task.id);
    if (!page.next) return ids;
    RC_ASSERT(!page.items.empty());
    RC_ASSERT(*page.next == page.items.back().id);
    after = *page.next;
  }
}

// The same events applied to an empty projection: a restart by replay.
Projection Replayed(const Projection& state) {
  Projection replayed;
  for (Sequence s = 1; s <= state.last_sequence(); ++s) {
    RC_ASSERT(replayed.Apply(*state.EventAt(s)).ok());
  }
  return replayed;
}

// Every page of the trash for `term`, concatenated.
std::vector<Task> WalkTrash(const Projection& state, const std::string& term,
                            std::size_t limit) {
  std::vector<Task> tasks;
  Sequence after = 0;
  while (true) {
    Page<Task> page = state.Trash(TrashQuery{term, after, limit});
    RC_ASSERT(page.items.size() <= limit);
    for (Task& task : page.items) tasks.push_back(std::move(task));
    if (!page.next) return tasks;
    after = *page.next;
  }
}

void CheckAgainstNaive(const Projection& state, const Fixture& fixture,
                       const std::vector<std::string>& terms) {
  for (const std::string& term : terms) {
    // The trash follows the same rule, newest deletion first.
    std::vector<Task> trash = WalkTrash(state, term, 1 + term.size() % 3);
    RC_ASSERT(Ids(trash) == Ids(state.Trash(term)));
    std::vector<TaskId> trash_ids = Ids(trash);
    std::sort(trash_ids.begin(), trash_ids.end());
    RC_ASSERT(trash_ids == fixture.NaiveTrash(term));

    std::vector<TaskId> expected = fixture.Naive(term);
    RC_ASSERT(Ids(state.Search(term)) == expected);
    std::size_t limit = 1 + expected.size() % 4;
    RC_ASSERT(WalkPages(state, term, limit) == expected);
  }
}

RC_GTEST_PROP(SearchProperty,
              IndexFindsWhatANaiveScanFindsThroughEveryChangeAndRestart, ()) {
  Fixture fixture;
  const auto titles = *rc::gen::container<std::vector<std::string>>(
      rc::gen::resize(30, GenTitle()));
  for (const std::string& title : titles) fixture.Create(title);
  const auto terms = *rc::gen::container<std::vector<std::string>>(
      rc::gen::resize(20, GenTerm(fixture.titles())));
  CheckAgainstNaive(fixture.state(), fixture, terms);

  // Deletes, restores, renames and purges of random tasks, checked after
  // the whole run (and, through the restarts below, after a rebuild).
  const auto changes =
      *rc::gen::container<std::vector<std::pair<int, std::size_t>>>(
          rc::gen::pair(rc::gen::inRange(0, 4),
                        rc::gen::inRange<std::size_t>(0, 1000)));
  for (const auto& [kind, pick] : changes) {
    if (fixture.size() == 0) break;
    TaskId id = 1 + pick % fixture.size();
    if (fixture.purged(id)) continue;
    if (kind == 0 && !fixture.deleted(id)) {
      fixture.Delete(id);
    } else if (kind == 1 && fixture.deleted(id)) {
      fixture.Restore(id);
    } else if (kind == 2 && !fixture.deleted(id)) {
      fixture.Rename(
          id, titles[pick % titles.size()] + " " + fixture.titles()[id - 1]);
    } else if (kind == 3 && fixture.deleted(id)) {
      fixture.Purge(id);
    }
  }
  CheckAgainstNaive(fixture.state(), fixture, terms);

  // Restarts: from a snapshot's image (bulk index build) and by replay
  // (one task at a time).
  Result<Projection> restored = Projection::Restore(fixture.state().image());
  RC_ASSERT(restored.ok());
  CheckAgainstNaive(*restored, fixture, terms);  // no index yet: scans
  restored->ResumeIndexing();
  CheckAgainstNaive(*restored, fixture, terms);
  CheckAgainstNaive(Replayed(fixture.state()), fixture, terms);
}

TEST(SearchIndex, StaysRightWhileItGrowsAndWhenRebuiltInBulk) {
  // Enough tasks (about 1.4 million trigram entries) that the index
  // rebuilds itself with more buckets while they are added one by one;
  // titles repeat, so lists grow long.
  Fixture fixture;
  const std::vector<std::string>& titles = MultilingualTitles();
  ASSERT_FALSE(titles.empty());
  for (std::size_t i = 0; i < 30'000; ++i) {
    fixture.Create(titles[(i * 7919) % titles.size()] + " #" +
                   std::to_string(i));
  }
  Projection bulk = fixture.state();  // a copy has no index
  bulk.ResumeIndexing();
  // clang-format off
  const std::vector<std::string> terms = {
      "#1234", "#2999", "ΣΊΣΥΦΟΣ", "straße", "ion", "의", "del",
      "xyz-nowhere"};
  // clang-format on
  for (const std::string& term : terms) {
    std::vector<TaskId> expected = fixture.Naive(term);
    EXPECT_EQ(Ids(fixture.state().Search(term)), expected) << term;
    EXPECT_EQ(Ids(bulk.Search(term)), expected) << term;
  }
}

RC_GTEST_PROP(SearchProperty,
              PageWalkNeverRepeatsATaskNorSkipsOneThatStayedUnchanged, ()) {
  Fixture fixture;
  const auto initial = *rc::gen::inRange<std::size_t>(0, 60);
  for (std::size_t i = 0; i < initial; ++i) {
    fixture.Create(i % 3 == 0 ? "Buy milk " + std::to_string(i)
                              : "Walk the dog " + std::to_string(i));
  }
  const std::string term = *rc::gen::element<std::string>("", "milk", "DOG");
  const auto limit = *rc::gen::inRange<std::size_t>(1, 8);

  // A task that matched before the walk and was neither deleted nor added
  // during it must be seen exactly once.
  std::set<TaskId> stayed;
  for (TaskId id : fixture.Naive(term)) stayed.insert(id);

  std::vector<TaskId> seen;
  TaskId after = 0;
  for (int pages = 0; pages < 1000; ++pages) {
    Page<Task> page = fixture.state().Search(TaskQuery{term, after, limit});
    for (const Task& task : page.items) seen.push_back(task.id);

    // Between pages, other clients add and delete tasks anywhere.
    const auto changes =
        *rc::gen::container<std::vector<int>>(rc::gen::inRange(0, 4));
    for (int change : changes) {
      if (change == 0 || fixture.size() == 0) {
        fixture.Create(change % 2 == 0 ? "more milk" : "another dog");
      } else {
        TaskId id = 1 + *rc::gen::inRange<std::size_t>(0, fixture.size());
        if (!fixture.deleted(id)) {
          fixture.Delete(id);
          stayed.erase(id);
        }
      }
    }
    if (!page.next) break;
    after = *page.next;
  }

  std::set<TaskId> unique(seen.begin(), seen.end());
  RC_ASSERT(unique.size() == seen.size());
  RC_ASSERT(std::is_sorted(seen.begin(), seen.end()));
  for (TaskId id : stayed) RC_ASSERT(unique.count(id) == 1u);
}

TEST(SearchIndex, FoldingExamplesHoldThroughTheIndex) {
  Projection state;
  Sequence sequence = 0;
  auto add = [&](std::string title) {
    TaskId id = state.next_task_id();
    ASSERT_TRUE(state
                    .Apply(Event{++sequence, kTime,
                                 TaskCreated{id, std::move(title), "", kTime}})
                    .ok());
  };
  add("Straße fegen");
  add("σίσυφος");
  add("task list");
  add("Ünïcödé");
  add("FILE");
  add("cafe\u0301");  // NFKC composes e + U+0301 into é
  auto ids = [&](std::string term) { return Ids(state.Search(term)); };
  EXPECT_EQ(ids("strasse"), std::vector<TaskId>{1});
  EXPECT_EQ(ids("STRASSE"), std::vector<TaskId>{1});
  EXPECT_EQ(ids("ΣΊΣΥΦΟΣ"), std::vector<TaskId>{2});
  EXPECT_EQ(ids("ＴＡＳＫ"), std::vector<TaskId>{3});
  EXPECT_EQ(ids(""), (std::vector<TaskId>{1, 2, 3, 4, 5, 6}));
  EXPECT_EQ(ids("ﬁle"), std::vector<TaskId>{5});
  EXPECT_EQ(ids("CAFÉ"), std::vector<TaskId>{6});
  EXPECT_EQ(ids("cafe"), std::vector<TaskId>{});
  EXPECT_EQ(ids("task list, and a term longer than every title"),
            std::vector<TaskId>{});
}

}  // namespace
}  // namespace taskstore::domain
