// Model-based property: random sequences of commands run against the real
// store (over a real log on an in-memory file system) and against a plain
// reference model must agree after every step, including restarts.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <algorithm>
#include <cctype>

#include "tests/store_fixture.h"

namespace taskstore {
namespace {

using domain::TaskId;
using testing_support::StoreUnderTest;

struct ModelTask {
  std::string title;
  bool deleted = false;
};

// The reference: tasks by id (index + 1). Titles are ASCII, so folding is
// tolower.
struct Model {
  std::vector<ModelTask> tasks;

  static std::string Lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    return text;
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
};

using Command = rc::state::Command<Model, StoreUnderTest>;

std::vector<std::string> Titles(const std::vector<domain::Task>& tasks) {
  std::vector<std::string> titles;
  for (const domain::Task& task : tasks) titles.push_back(task.title);
  return titles;
}

// Every visible list, look-up and search agrees with the model.
void CheckAgreement(const Model& model, StoreUnderTest& sut) {
  RC_ASSERT(Titles(sut.store().Search("")) == model.Search(""));
  for (TaskId id = 1; id <= model.tasks.size() + 1; ++id) {
    Result<domain::Task> task = sut.store().Get(id);
    if (id > model.tasks.size()) {
      RC_ASSERT(task.status().code() == StatusCode::kNotFound);
    } else if (model.tasks[id - 1].deleted) {
      RC_ASSERT(task.status().code() == StatusCode::kGone);
    } else {
      RC_ASSERT(task.ok());
      RC_ASSERT(task->title == model.tasks[id - 1].title);
    }
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
                        rc::gen::inRange<std::size_t>(1, 5),
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

struct Create : Command {
  std::string title = *Title();

  static bool Valid(const std::string& title) {
    return title.find_first_not_of(" \t") != std::string::npos &&
           title.size() <= 100;
  }

  void apply(Model& model) const override {
    if (Valid(title)) model.tasks.push_back(ModelTask{title, false});
  }

  void run(const Model& model, StoreUnderTest& sut) const override {
    Result<domain::Task> created = sut.store().Create({title, "", {}});
    if (Valid(title)) {
      RC_ASSERT(created.ok());
      RC_ASSERT(created->id == model.tasks.size() + 1);
      RC_ASSERT(created->title == title);
    } else {
      RC_ASSERT(created.status().code() == StatusCode::kInvalidArgument);
    }
    Model next = model;
    apply(next);
    CheckAgreement(next, sut);
  }

  void show(std::ostream& os) const override {
    os << "Create(\"" << title << "\")";
  }
};

struct Delete : Command {
  TaskId id = 0;

  explicit Delete(const Model& model)
      : id(*rc::gen::inRange<TaskId>(1, model.tasks.size() + 2)) {}

  void apply(Model& model) const override {
    if (id <= model.tasks.size()) model.tasks[id - 1].deleted = true;
  }

  void run(const Model& model, StoreUnderTest& sut) const override {
    Status deleted = sut.store().SoftDelete({id});
    if (id > model.tasks.size()) {
      RC_ASSERT(deleted.code() == StatusCode::kNotFound);
    } else if (model.tasks[id - 1].deleted) {
      RC_ASSERT(deleted.code() == StatusCode::kGone);
    } else {
      RC_ASSERT(deleted.ok());
    }
    Model next = model;
    apply(next);
    CheckAgreement(next, sut);
  }

  void show(std::ostream& os) const override { os << "Delete(" << id << ")"; }
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

struct History : Command {
  TaskId id = 0;

  explicit History(const Model& model)
      : id(*rc::gen::inRange<TaskId>(1, model.tasks.size() + 2)) {}

  void apply(Model&) const override {}

  void run(const Model& model, StoreUnderTest& sut) const override {
    Result<std::vector<domain::Event>> history = sut.store().History(id);
    if (id > model.tasks.size()) {
      RC_ASSERT(history.status().code() == StatusCode::kNotFound);
      return;
    }
    RC_ASSERT(history.ok());
    std::size_t expected = model.tasks[id - 1].deleted ? 2 : 1;
    RC_ASSERT(history->size() == expected);
  }

  void show(std::ostream& os) const override { os << "History(" << id << ")"; }
};

struct Restart : Command {
  void apply(Model&) const override {}

  void run(const Model& model, StoreUnderTest& sut) const override {
    RC_ASSERT(sut.Restart().ok());
    CheckAgreement(model, sut);
  }

  void show(std::ostream& os) const override { os << "Restart"; }
};

RC_GTEST_PROP(TaskStoreModel, AgreesWithReferenceModelAcrossRestarts, ()) {
  Model model;
  StoreUnderTest sut;
  rc::state::check(
      model, sut,
      rc::state::gen::execOneOfWithArgs<Create, Create, Delete, Search, History,
                                        Restart>());
}

RC_GTEST_PROP(TaskStoreModel, ReplayYieldsExactlyTheLiveState, ()) {
  Model model;
  StoreUnderTest sut;
  rc::state::check(
      model, sut,
      rc::state::gen::execOneOfWithArgs<Create, Create, Delete, Search>());
  domain::Projection live = sut.store().StateCopy();
  RC_ASSERT(sut.Restart().ok());
  RC_ASSERT(sut.store().StateCopy() == live);
}

}  // namespace
}  // namespace taskstore
