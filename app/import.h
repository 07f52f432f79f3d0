// `taskstore import`: tasks from a JSON Lines file, one object per line:
//   {"title": "...", "description": "...", "created": "RFC 3339"}
// where only "title" is required and other keys are ignored.
#ifndef TASKSTORE_APP_IMPORT_H_
#define TASKSTORE_APP_IMPORT_H_

#include <cstddef>
#include <istream>
#include <string>
#include <vector>

#include "domain/commands.h"

namespace taskstore::app {

struct ImportProblem {
  std::size_t line = 0;  // 1-based
  std::string reason;
};

// The outcome of reading and validating a whole file, before anything is
// written.
struct ImportPlan {
  std::vector<domain::CreateTask> tasks;  // the valid lines, in file order
  std::vector<ImportProblem> problems;    // the invalid lines, in order
};

// Reads every line of `input`. Blank lines are skipped. A line is invalid
// when it is not a JSON object, lacks a string "title", has a
// "description" that is neither a string nor null, a "created" that is not
// an RFC 3339 string, or fails the store's title and description rules.
ImportPlan ReadImportFile(std::istream& input);

}  // namespace taskstore::app

#endif  // TASKSTORE_APP_IMPORT_H_
