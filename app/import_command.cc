#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "app/commands.h"
#include "app/import.h"
#include "app/open_store.h"
#include "app/stderr_logger.h"

namespace taskstore::app {
namespace {

// Tasks per durable batch: large enough that fdatasync is not the cost,
// small enough that progress moves.
constexpr std::size_t kBatchSize = 1000;

// How many invalid lines are listed; the rest are only counted.
constexpr std::size_t kProblemsListed = 20;

void PrintProblems(const std::vector<ImportProblem>& problems) {
  std::size_t listed = std::min(problems.size(), kProblemsListed);
  for (std::size_t i = 0; i < listed; ++i) {
    std::fprintf(stderr, "  line %zu: %s\n", problems[i].line,
                 problems[i].reason.c_str());
  }
  if (problems.size() > listed) {
    std::fprintf(stderr, "  ... and %zu more\n", problems.size() - listed);
  }
}

}  // namespace

int RunImport(const ImportFlags& flags) {
  std::error_code error;
  if (!std::filesystem::is_regular_file(flags.file, error)) {
    std::fprintf(stderr, "cannot read %s: %s\n", flags.file.c_str(),
                 error ? error.message().c_str() : "not a regular file");
    return 1;
  }
  std::ifstream input(flags.file, std::ios::binary);
  if (!input) {
    std::fprintf(stderr, "cannot read %s: %s\n", flags.file.c_str(),
                 std::strerror(errno));
    return 1;
  }
  ImportPlan plan = ReadImportFile(input);

  if (!plan.problems.empty() && !flags.skip_invalid) {
    std::fprintf(stderr,
                 "%s: %zu invalid lines; nothing was imported "
                 "(--skip-invalid imports the %zu valid ones):\n",
                 flags.file.c_str(), plan.problems.size(), plan.tasks.size());
    PrintProblems(plan.problems);
    return 1;
  }
  if (!plan.problems.empty()) {
    std::fprintf(stderr, "skipping %zu invalid lines:\n", plan.problems.size());
    PrintProblems(plan.problems);
  }

  StderrLogger logger;
  Result<OpenStore> opened = OpenDataDirectory(
      eventlog::PosixFileSystem(), flags.data_directory, OpenOptions{}, logger);
  if (!opened.ok()) {
    logger.Error(opened.status().ToString());
    return 1;
  }

  const bool show_progress = ::isatty(STDERR_FILENO) != 0;
  std::size_t imported = 0;
  while (imported < plan.tasks.size()) {
    std::size_t count = std::min(kBatchSize, plan.tasks.size() - imported);
    std::vector<domain::CreateTask> batch(
        plan.tasks.begin() + static_cast<std::ptrdiff_t>(imported),
        plan.tasks.begin() + static_cast<std::ptrdiff_t>(imported + count));
    Result<std::vector<domain::Task>> created =
        opened->store->CreateMany(batch);
    if (!created.ok()) {
      std::fprintf(stderr, "\nimport stopped after %zu of %zu tasks: %s\n",
                   imported, plan.tasks.size(),
                   created.status().ToString().c_str());
      return 1;
    }
    imported += count;
    if (show_progress) {
      std::fprintf(stderr, "\rimported %zu of %zu tasks", imported,
                   plan.tasks.size());
    }
  }
  if (show_progress) std::fputc('\n', stderr);

  std::printf("imported %zu tasks, skipped %zu invalid lines\n", imported,
              plan.problems.size());
  return 0;
}

}  // namespace taskstore::app
