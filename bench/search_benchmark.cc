// Search latency over a million tasks: the trigram index next to a naive
// full scan (fold every title once, then a substring test per title), in
// one run, for three terms:
//   - selective: a word found in about 0.01% of the titles,
//   - common: a word found in about 5% (the index answers the first page),
//   - none: a term found in no title.
// Titles are real ones (../shared/data) recombined: the first words of one
// title followed by the last words of another, so the set has the word and
// script mix of real input at any size. One task in a hundred is deleted.
//
// Also reports, as context, the memory the projection and its index hold
// per task and the time to rebuild the index from the titles (what
// start-up from a snapshot adds).
//
// Usage: taskstore_search_bench [--tasks=N] [benchmark flags]
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "domain/projection.h"
#include "domain/search_index.h"
#include "domain/text.h"

namespace {

using taskstore::domain::Event;
using taskstore::domain::FoldForSearch;
using taskstore::domain::Projection;
using taskstore::domain::SearchIndex;
using taskstore::domain::TaskCreated;
using taskstore::domain::TaskId;
using taskstore::domain::TaskQuery;
using taskstore::domain::TaskSoftDeleted;

std::size_t task_count = 1'000'000;

std::vector<std::string> ReadTitles(const std::string& path) {
  std::vector<std::string> titles;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json row = nlohmann::json::parse(line, nullptr, false);
    if (row.is_object() && row["title"].is_string()) {
      titles.push_back(row["title"]);
    }
  }
  if (titles.empty()) {
    std::fprintf(stderr, "no titles in %s\n", path.c_str());
    std::exit(1);
  }
  return titles;
}

std::vector<std::string> SplitWords(const std::string& title) {
  std::vector<std::string> words;
  std::istringstream in(title);
  std::string word;
  while (in >> word) words.push_back(word);
  return words;
}

// The first half of one title's words followed by the second half of
// another's.
std::vector<std::string> RecombinedTitles(
    const std::vector<std::string>& sources, std::size_t count) {
  std::vector<std::vector<std::string>> words;
  for (const std::string& title : sources) words.push_back(SplitWords(title));
  std::mt19937_64 random(20261204);
  std::uniform_int_distribution<std::size_t> pick(0, sources.size() - 1);
  std::vector<std::string> titles;
  titles.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto& head = words[pick(random)];
    const auto& tail = words[pick(random)];
    std::string title;
    for (std::size_t w = 0; w < (head.size() + 1) / 2; ++w) {
      title += head[w] + " ";
    }
    for (std::size_t w = tail.size() / 2; w < tail.size(); ++w) {
      title += tail[w] + " ";
    }
    if (!title.empty()) title.pop_back();
    titles.push_back(title.empty() ? "untitled" : title);
  }
  return titles;
}

std::size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

// Everything the benchmarks share, built once.
struct World {
  Projection state;
  std::vector<std::string> folded;  // folded[id - 1], for the naive scan
  std::vector<bool> deleted;        // deleted[id - 1]
  std::string selective, common, none;
  std::size_t bytes_before = 0, bytes_after = 0;

  // Visible tasks matching `term` the naive way: every title, once.
  std::vector<TaskId> NaiveScan(std::string_view term) const {
    std::string key = FoldForSearch(term);
    std::vector<TaskId> found;
    for (std::size_t i = 0; i < folded.size(); ++i) {
      if (!deleted[i] && folded[i].find(key) != std::string::npos) {
        found.push_back(i + 1);
      }
    }
    return found;
  }
};

// The word whose number of matching tasks is nearest `target`, among
// source words that occur in `low` to `high` source titles.
std::string PickTerm(const World& world,
                     const std::unordered_map<std::string, int>& frequency,
                     int low, int high, std::size_t target) {
  std::vector<std::string> candidates;
  for (const auto& [word, count] : frequency) {
    if (count >= low && count <= high && word.size() >= 5) {
      candidates.push_back(word);
    }
  }
  std::sort(candidates.begin(), candidates.end());
  std::mt19937_64 random(7);
  std::shuffle(candidates.begin(), candidates.end(), random);
  if (candidates.size() > 40) candidates.resize(40);

  std::string best;
  std::size_t best_distance = SIZE_MAX;
  for (const std::string& word : candidates) {
    std::size_t hits =
        world.state.Search(TaskQuery{word, 0, task_count}).items.size();
    std::size_t distance = hits > target ? hits - target : target - hits;
    if (distance < best_distance) {
      best = word;
      best_distance = distance;
    }
  }
  return best;
}

const World& TheWorld() {
  static const World* world = [] {
    auto* built = new World;
    const std::string data = TASKSTORE_SHARED_DATA;
    std::vector<std::string> sources =
        ReadTitles(data + "/redis-commits.jsonl");
    std::vector<std::string> multilingual =
        ReadTitles(data + "/multilingual-titles.jsonl");
    sources.insert(sources.end(), multilingual.begin(), multilingual.end());
    std::vector<std::string> titles = RecombinedTitles(sources, task_count);

    built->bytes_before = ResidentBytes();
    std::uint64_t sequence = 0;
    for (std::size_t i = 0; i < titles.size(); ++i) {
      Event event{++sequence, 1'700'000'000'000'000,
                  TaskCreated{i + 1, titles[i], "", 1'700'000'000'000'000}};
      if (!built->state.Apply(event).ok()) std::abort();
    }
    for (TaskId id = 100; id <= titles.size(); id += 100) {
      Event event{++sequence, 1'700'000'000'000'000, TaskSoftDeleted{id}};
      if (!built->state.Apply(event).ok()) std::abort();
    }
    built->bytes_after = ResidentBytes();

    built->deleted.assign(titles.size(), false);
    for (TaskId id = 100; id <= titles.size(); id += 100) {
      built->deleted[id - 1] = true;
    }
    for (const std::string& title : titles) {
      built->folded.push_back(FoldForSearch(title));
    }

    // How many source titles hold each word (once per title).
    std::unordered_map<std::string, int> frequency;
    for (const std::string& title : sources) {
      std::unordered_set<std::string> seen;
      for (const std::string& word : SplitWords(FoldForSearch(title))) {
        if (seen.insert(word).second) ++frequency[word];
      }
    }
    const std::size_t selective_target =
        std::max<std::size_t>(1, task_count / 10'000);
    const std::size_t common_target = task_count / 20;
    built->selective = PickTerm(*built, frequency, 1, 4, selective_target);
    built->common = PickTerm(*built, frequency, 300, 3000, common_target);
    built->none = "zqxwvj";
    return built;
  }();
  return *world;
}

const std::string& TermOf(const World& world, int kind) {
  if (kind == 0) return world.selective;
  if (kind == 1) return world.common;
  return world.none;
}

void ReportTerm(benchmark::State& state, const World& world, int kind) {
  const std::string& term = TermOf(world, kind);
  std::size_t hits = world.NaiveScan(term).size();
  state.SetLabel("\"" + term + "\"");
  state.counters["hits"] = static_cast<double>(hits);
  state.counters["hit_percent"] = 100.0 * hits / task_count;
}

// One page (100 tasks) through the index, as GET /api/tasks?search= does.
void BM_IndexedSearch(benchmark::State& state) {
  const World& world = TheWorld();
  const int kind = static_cast<int>(state.range(0));
  const std::string& term = TermOf(world, kind);
  for (auto _ : state) {
    auto page = world.state.Search(TaskQuery{term});
    benchmark::DoNotOptimize(page);
  }
  ReportTerm(state, world, kind);
}

// Every match, by a substring test of every folded title.
void BM_NaiveScan(benchmark::State& state) {
  const World& world = TheWorld();
  const int kind = static_cast<int>(state.range(0));
  const std::string& term = TermOf(world, kind);
  for (auto _ : state) {
    auto found = world.NaiveScan(term);
    benchmark::DoNotOptimize(found);
  }
  ReportTerm(state, world, kind);
}

// What a start-up from a snapshot spends on the index.
void BM_RebuildIndex(benchmark::State& state) {
  const World& world = TheWorld();
  for (auto _ : state) {
    SearchIndex index;
    index.Rebuild(world.folded.size(), [&](TaskId id) -> std::string_view {
      return world.folded[id - 1];
    });
    benchmark::DoNotOptimize(index);
  }
}

// Not a timing: memory per task, reported as counters.
void BM_MemoryPerTask(benchmark::State& state) {
  const World& world = TheWorld();
  for (auto _ : state) benchmark::DoNotOptimize(world.state.task_count());
  const double tasks = static_cast<double>(world.state.task_count());
  state.counters["resident_bytes_per_task"] =
      static_cast<double>(world.bytes_after - world.bytes_before) / tasks;
  state.counters["index_bytes_per_task"] =
      static_cast<double>(world.state.search_index_bytes()) / tasks;
  const auto& image = world.state.image();
  state.counters["state_bytes_per_task"] =
      static_cast<double>(image.tasks.capacity() * sizeof(image.tasks[0]) +
                          image.events.capacity() * sizeof(image.events[0]) +
                          image.text.capacity()) /
      tasks;
}

BENCHMARK(BM_IndexedSearch)
    ->ArgName("selective0_common1_none2")
    ->DenseRange(0, 2)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_NaiveScan)
    ->ArgName("selective0_common1_none2")
    ->DenseRange(0, 2)
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RebuildIndex)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_MemoryPerTask)->Iterations(1);

}  // namespace

int main(int argc, char** argv) {
  // Our own flag first; the rest belong to Google Benchmark.
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg.rfind("--tasks=", 0) == 0) {
      task_count = std::strtoull(argv[i] + 8, nullptr, 10);
      if (task_count < 100) {
        std::fprintf(stderr, "--tasks must be at least 100\n");
        return 2;
      }
    } else {
      rest.push_back(argv[i]);
    }
  }
  int rest_count = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_count, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_count, rest.data())) {
    return 2;
  }
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
