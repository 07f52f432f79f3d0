// The routes of a task's life cycle: edit, complete, restore, purge, the
// trash, time travel, versions and idempotency keys, in JSON and HTML.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "domain/journal.h"
#include "domain/task_store.h"
#include "http/router.h"

namespace taskstore::http {
namespace {

using boost::beast::http::field;
using boost::beast::http::verb;
using Json = nlohmann::json;

class KeepingJournal final : public domain::Journal {
 public:
  Status Append(std::span<const domain::Event> events) override {
    events_.insert(events_.end(), events.begin(), events.end());
    return Status::Ok();
  }
  const std::vector<domain::Event>& events() const { return events_; }

 private:
  std::vector<domain::Event> events_;
};

// 2023-11-14T22:13:20Z; the clock moves one second per reading.
constexpr UnixMicros kStart = 1'700'000'000'000'000;

class LifecycleRoutesTest : public ::testing::Test {
 protected:
  LifecycleRoutesTest()
      : store_(domain::Projection(), journal_,
               [now = kStart]() mutable { return now += 1'000'000; }) {}

  Response Send(verb method, std::string target, std::string body = "",
                std::string content_type = "",
                std::vector<std::pair<std::string, std::string>> headers = {}) {
    Request request(method, target, 11);
    request.set(field::host, "127.0.0.1:8080");
    if (!content_type.empty()) request.set(field::content_type, content_type);
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = std::move(body);
    request.prepare_payload();
    return Route(store_, request);
  }
  Response Get(std::string target) { return Send(verb::get, target); }
  Response Patch(
      std::string target, std::string body,
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    return Send(verb::patch, std::move(target), std::move(body),
                "application/json", std::move(headers));
  }
  Response PostForm(
      std::string target, std::string body,
      std::vector<std::pair<std::string, std::string>> headers = {}) {
    return Send(verb::post, std::move(target), std::move(body),
                "application/x-www-form-urlencoded", std::move(headers));
  }

  domain::TaskId Add(std::string title, std::string description = "") {
    Result<domain::Task> task =
        store_.Create({std::move(title), std::move(description), {}});
    EXPECT_TRUE(task.ok()) << task.status().ToString();
    return task.ok() ? task->id : 0;
  }

  void Remove(domain::TaskId id) { ASSERT_TRUE(store_.SoftDelete({id}).ok()); }

  std::size_t EventCount() const { return journal_.events().size(); }

  KeepingJournal journal_;
  domain::TaskStore store_;
};

std::string Header(const Response& response, std::string_view name) {
  auto found = response.find(ToBeast(name));
  return found == response.end() ? "" : std::string(ToStd(found->value()));
}

Json Body(const Response& response) {
  return Json::parse(response.body(), nullptr, /*allow_exceptions=*/false);
}

std::vector<domain::TaskId> IdsIn(const Json& list) {
  std::vector<domain::TaskId> ids;
  for (const Json& task : list["tasks"]) ids.push_back(task["id"]);
  return ids;
}

void ExpectProblem(const Response& response, HttpStatus status) {
  EXPECT_EQ(response.result(), status) << response.body();
  EXPECT_EQ(Header(response, "Content-Type"), "application/problem+json");
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// ---------------------------------------------------------------------
// PATCH

TEST_F(LifecycleRoutesTest, PatchEditsAndCompletesWithOneEventEach) {
  Add("Buy milk");
  Response response = Patch(
      "/api/tasks/1", R"({"title": " Buy oat milk ", "completed": true})");
  ASSERT_EQ(response.result(), HttpStatus::ok) << response.body();
  Json task = Body(response);
  EXPECT_EQ(task["title"], "Buy oat milk");
  EXPECT_EQ(task["completed"], true);
  EXPECT_EQ(task["version"], 3);
  EXPECT_EQ(Header(response, "ETag"), "\"3\"");
  ASSERT_EQ(EventCount(), 3u);
  EXPECT_EQ(journal_.events()[1].data, domain::EventData(domain::TaskEdited{
                                           1, "Buy oat milk", std::nullopt}));
  EXPECT_TRUE(
      std::holds_alternative<domain::TaskCompleted>(journal_.events()[2].data));
}

TEST_F(LifecycleRoutesTest, PatchWithTheSameValuesAppendsNothing) {
  Add("Buy milk", "2%");
  Response response = Patch(
      "/api/tasks/1",
      R"({"title": "Buy milk", "description": "2%", "completed": false})");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  EXPECT_EQ(Body(response)["version"], 1);
  EXPECT_EQ(EventCount(), 1u);
}

TEST_F(LifecycleRoutesTest, PatchReopensACompletedTask) {
  Add("Buy milk");
  Patch("/api/tasks/1", R"({"completed": true})");
  Response response = Patch("/api/tasks/1", R"({"completed": false})");
  EXPECT_EQ(Body(response)["completed"], false);
  EXPECT_TRUE(
      std::holds_alternative<domain::TaskReopened>(journal_.events()[2].data));
}

TEST_F(LifecycleRoutesTest, PatchRefusesBadBodies) {
  Add("Buy milk");
  for (std::string body :
       {"", "[]", "{", R"({"title": 5})", R"({"completed": "yes"})",
        R"({"description": null})", R"({"colour": "red"})", R"({"title": ""})",
        R"({"title": "x\u0001"})"}) {
    SCOPED_TRACE(body);
    ExpectProblem(Patch("/api/tasks/1", body), HttpStatus::bad_request);
  }
  EXPECT_EQ(EventCount(), 1u);
}

TEST_F(LifecycleRoutesTest, PatchNeedsJson) {
  Add("Buy milk");
  ExpectProblem(
      Send(verb::patch, "/api/tasks/1", R"({"completed": true})", "text/plain"),
      HttpStatus::unsupported_media_type);
  EXPECT_EQ(Send(verb::patch, "/api/tasks/1", R"({"completed": true})",
                 "application/merge-patch+json")
                .result(),
            HttpStatus::ok);
}

TEST_F(LifecycleRoutesTest, PatchOfUnknownOrDeletedTasks) {
  ExpectProblem(Patch("/api/tasks/1", R"({"completed": true})"),
                HttpStatus::not_found);
  ExpectProblem(Patch("/api/tasks/x", R"({"completed": true})"),
                HttpStatus::not_found);
  Remove(Add("Buy milk"));
  ExpectProblem(Patch("/api/tasks/1", R"({"title": "New"})"), HttpStatus::gone);
  EXPECT_EQ(EventCount(), 2u);
}

// ---------------------------------------------------------------------
// Versions and If-Match

TEST_F(LifecycleRoutesTest, GetCarriesTheVersionAsAStrongETag) {
  Add("Buy milk");
  Response response = Get("/api/tasks/1");
  EXPECT_EQ(Header(response, "ETag"), "\"1\"");
  EXPECT_EQ(Body(response)["version"], 1);
}

TEST_F(LifecycleRoutesTest, IfMatchGuardsEveryWrite) {
  Add("Buy milk");
  Response stale =
      Patch("/api/tasks/1", R"({"title": "New"})", {{"If-Match", "\"7\""}});
  ExpectProblem(stale, HttpStatus::precondition_failed);
  ExpectProblem(
      Patch("/api/tasks/1", R"({"title": "New"})", {{"If-Match", "W/\"1\""}}),
      HttpStatus::precondition_failed);
  EXPECT_EQ(EventCount(), 1u);

  EXPECT_EQ(Patch("/api/tasks/1", R"({"title": "New"})",
                  {{"If-Match", "\"5\", \"1\""}})
                .result(),
            HttpStatus::ok);
  EXPECT_EQ(Patch("/api/tasks/1", R"({"title": "Newer"})", {{"If-Match", "*"}})
                .result(),
            HttpStatus::ok);

  ExpectProblem(
      Send(verb::delete_, "/api/tasks/1", "", "", {{"If-Match", "\"1\""}}),
      HttpStatus::precondition_failed);
  EXPECT_EQ(Send(verb::delete_, "/api/tasks/1", "", "", {{"If-Match", "\"3\""}})
                .result(),
            HttpStatus::no_content);
  ExpectProblem(
      Send(verb::post, "/api/tasks/1/restore", "", "", {{"If-Match", "\"3\""}}),
      HttpStatus::precondition_failed);
  ExpectProblem(
      Send(verb::delete_, "/api/trash/1", "", "", {{"If-Match", "\"3\""}}),
      HttpStatus::precondition_failed);
  EXPECT_EQ(Send(verb::delete_, "/api/trash/1", "", "", {{"If-Match", "\"4\""}})
                .result(),
            HttpStatus::no_content);
}

// ---------------------------------------------------------------------
// Restore, purge and the trash

TEST_F(LifecycleRoutesTest, RestoreBringsADeletedTaskBack) {
  Remove(Add("Buy milk"));
  Response response = Send(verb::post, "/api/tasks/1/restore");
  ASSERT_EQ(response.result(), HttpStatus::ok) << response.body();
  EXPECT_EQ(Body(response)["deleted"], false);
  EXPECT_EQ(Body(response)["deleted_at"], nullptr);
  EXPECT_EQ(Header(response, "ETag"), "\"3\"");
  EXPECT_EQ(Get("/api/tasks/1").result(), HttpStatus::ok);
}

TEST_F(LifecycleRoutesTest, RestoreErrors) {
  ExpectProblem(Send(verb::post, "/api/tasks/1/restore"),
                HttpStatus::not_found);
  Add("Buy milk");
  ExpectProblem(Send(verb::post, "/api/tasks/1/restore"), HttpStatus::conflict);
  Remove(1);
  EXPECT_EQ(Send(verb::delete_, "/api/trash/1").result(),
            HttpStatus::no_content);
  ExpectProblem(Send(verb::post, "/api/tasks/1/restore"), HttpStatus::gone);
}

TEST_F(LifecycleRoutesTest, PurgeErasesTheTextButKeepsTheHistory) {
  Add("Secret plan", "hidden details");
  Patch("/api/tasks/1", R"({"title": "Secret plan B"})");
  Remove(1);
  Response purged = Send(verb::delete_, "/api/trash/1");
  EXPECT_EQ(purged.result(), HttpStatus::no_content);
  EXPECT_TRUE(purged.body().empty());

  ExpectProblem(Get("/api/tasks/1"), HttpStatus::gone);
  Json history = Body(Get("/api/tasks/1/history"));
  ASSERT_EQ(history["events"].size(), 4u);
  std::vector<int> sequences;
  for (const Json& event : history["events"])
    sequences.push_back(event["sequence"]);
  EXPECT_EQ(sequences, (std::vector<int>{1, 2, 3, 4}));
  EXPECT_EQ(history["events"][0]["data"]["title"], "");
  EXPECT_EQ(history["events"][0]["data"]["description"], "");
  EXPECT_EQ(history["events"][1]["data"], Json::parse(R"({"title": ""})"));
  EXPECT_EQ(history["events"][3]["type"], "TaskPurged");
  EXPECT_FALSE(Contains(Get("/api/tasks/1/history").body(), "Secret"));
  EXPECT_FALSE(Contains(store_.StateCopy().image().text, "Secret"));
  EXPECT_FALSE(Contains(store_.StateCopy().image().text, "hidden"));
}

TEST_F(LifecycleRoutesTest, PurgeErrors) {
  ExpectProblem(Send(verb::delete_, "/api/trash/1"), HttpStatus::not_found);
  Add("Buy milk");
  ExpectProblem(Send(verb::delete_, "/api/trash/1"), HttpStatus::conflict);
  Remove(1);
  Send(verb::delete_, "/api/trash/1");
  ExpectProblem(Send(verb::delete_, "/api/trash/1"), HttpStatus::gone);
  ExpectProblem(Send(verb::delete_, "/api/tasks/1"), HttpStatus::gone);
}

TEST_F(LifecycleRoutesTest, TrashListsDeletedTasksNewestDeletionFirst) {
  Add("Alpha");
  Add("Beta");
  Add("Gamma");
  Remove(2);
  Remove(1);
  Remove(3);
  Send(verb::delete_, "/api/trash/3");  // purged tasks leave the trash
  Response response = Get("/api/trash");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  Json trash = Body(response);
  EXPECT_EQ(IdsIn(trash), (std::vector<domain::TaskId>{1, 2}));
  EXPECT_TRUE(trash["tasks"][0]["deleted_at"].is_string());
  EXPECT_EQ(IdsIn(Body(Get("/api/trash?search=BET"))),
            (std::vector<domain::TaskId>{2}));
}

TEST_F(LifecycleRoutesTest, ApiWritesFromAnotherSiteAreRefused) {
  Add("Alpha");
  Remove(1);
  // A plain form on any page can send this POST without a preflight.
  Response response = Send(verb::post, "/api/tasks/1/restore", "",
                           "application/x-www-form-urlencoded",
                           {{"Origin", "https://evil.example"}});
  ExpectProblem(response, HttpStatus::forbidden);
  EXPECT_EQ(Body(Get("/api/trash"))["tasks"].size(), 1u);
}

TEST_F(LifecycleRoutesTest, TrashIsPagedByTheSequenceOfEachDeletion) {
  for (int i = 1; i <= 5; ++i) Add("Task " + std::to_string(i));
  Remove(2);  // event 6
  Remove(4);  // event 7
  Remove(1);  // event 8
  Json first = Body(Get("/api/trash?limit=2"));
  EXPECT_EQ(IdsIn(first), (std::vector<domain::TaskId>{1, 4}));
  EXPECT_EQ(first["next"], 7);

  // A deletion during the walk lands on the first page, not the next.
  Remove(5);
  Json second = Body(Get("/api/trash?limit=2&after=7"));
  EXPECT_EQ(IdsIn(second), (std::vector<domain::TaskId>{2}));
  EXPECT_TRUE(second["next"].is_null());

  ExpectProblem(Get("/api/trash?limit=0"), HttpStatus::bad_request);
}

TEST_F(LifecycleRoutesTest, TrashPageLinksToTheNextPage) {
  for (int i = 1; i <= 3; ++i) Add("Task " + std::to_string(i));
  for (domain::TaskId id = 1; id <= 3; ++id) Remove(id);
  std::string html = Get("/trash?limit=2").body();
  EXPECT_NE(html.find("href=\"/trash?searchterm=&amp;after=5&amp;limit=2\">"
                      "Next page</a>"),
            std::string::npos)
      << html;
  std::string last = Get("/trash?limit=2&after=5").body();
  EXPECT_NE(last.find("Task 1"), std::string::npos);
  EXPECT_EQ(last.find("Next page"), std::string::npos);
}

// ---------------------------------------------------------------------
// as_of

TEST_F(LifecycleRoutesTest, AsOfShowsThePast) {
  Add("Buy milk");                                     // 22:13:21
  Patch("/api/tasks/1", R"({"title": "Buy bread"})");  // 22:13:22
  Remove(1);                                           // 22:13:23

  Json then = Body(Get("/api/tasks/1?as_of=2023-11-14T22:13:21Z"));
  EXPECT_EQ(then["title"], "Buy milk");
  EXPECT_EQ(then["version"], 1);
  EXPECT_EQ(
      Body(Get("/api/tasks?as_of=2023-11-14T22:13:22.5Z"))["tasks"][0]["title"],
      "Buy bread");
  EXPECT_TRUE(
      Body(Get("/api/tasks?as_of=2023-11-14T22:13:23Z"))["tasks"].empty());
  ExpectProblem(Get("/api/tasks/1?as_of=2023-11-14T22:13:23Z"),
                HttpStatus::gone);
  ExpectProblem(Get("/api/tasks/1?as_of=2023-11-14T22:13:20Z"),
                HttpStatus::not_found);
  EXPECT_TRUE(
      Body(Get("/api/tasks?as_of=2000-01-01T00:00:00Z"))["tasks"].empty());
}

TEST_F(LifecycleRoutesTest, MalformedAsOfIs400) {
  Add("Buy milk");
  for (std::string target : {"/api/tasks?as_of=yesterday", "/api/tasks?as_of=",
                             "/api/tasks/1?as_of=2023-13-01T00:00:00Z"}) {
    SCOPED_TRACE(target);
    ExpectProblem(Get(target), HttpStatus::bad_request);
  }
}

// ---------------------------------------------------------------------
// Actor, request id and Idempotency-Key

TEST_F(LifecycleRoutesTest, EventsRecordTheActorAndRequestId) {
  Response response =
      Send(verb::post, "/api/tasks", R"({"title": "A"})", "application/json",
           {{"X-Actor", "alice"}, {"X-Request-Id", "req-42"}});
  EXPECT_EQ(Header(response, "X-Request-Id"), "req-42");
  Json history = Body(Get("/api/tasks/1/history"));
  EXPECT_EQ(history["events"][0]["actor"], "alice");
  EXPECT_EQ(history["events"][0]["request_id"], "req-42");

  Send(verb::delete_, "/api/tasks/1");
  const domain::Event& deletion = journal_.events()[1];
  EXPECT_EQ(deletion.origin.actor, "anonymous");
  EXPECT_FALSE(deletion.origin.request_id.empty());
}

TEST_F(LifecycleRoutesTest, EveryResponseCarriesARequestId) {
  std::string first = Header(Get("/healthz"), "X-Request-Id");
  std::string second = Header(Get("/nowhere"), "X-Request-Id");
  EXPECT_FALSE(first.empty());
  EXPECT_FALSE(second.empty());
  EXPECT_NE(first, second);
}

TEST_F(LifecycleRoutesTest, BadOriginHeadersAre400) {
  for (auto header : std::vector<std::pair<std::string, std::string>>{
           {"X-Actor", std::string(101, 'a')},
           {"X-Actor", "caf\xc3\xa9"},
           {"X-Request-Id", "has space"},
           {"Idempotency-Key", std::string(201, 'k')},
           {"Idempotency-Key", "tab\there"}}) {
    SCOPED_TRACE(header.first);
    Response response = Send(verb::post, "/api/tasks", R"({"title": "A"})",
                             "application/json", {header});
    ExpectProblem(response, HttpStatus::bad_request);
  }
  EXPECT_EQ(EventCount(), 0u);
}

TEST_F(LifecycleRoutesTest, RepeatedIdempotencyKeyAnswersAsTheFirstTime) {
  auto create = [this] {
    return Send(verb::post, "/api/tasks", R"({"title": "Pay rent"})",
                "application/json", {{"Idempotency-Key", "rent-2024-05"}});
  };
  Response first = create();
  Patch("/api/tasks/1", R"({"title": "Pay the rent"})");
  Response again = create();
  EXPECT_EQ(again.result(), HttpStatus::created);
  EXPECT_EQ(again.body(), first.body());
  EXPECT_EQ(Header(again, "Location"), "/api/tasks/1");
  EXPECT_EQ(EventCount(), 2u);

  Response other =
      Send(verb::post, "/api/tasks", R"({"title": "Other"})",
           "application/json", {{"Idempotency-Key", "rent-2024-05"}});
  ExpectProblem(other, HttpStatus::unprocessable_entity);
  EXPECT_EQ(EventCount(), 2u);
}

TEST_F(LifecycleRoutesTest, IdempotencyKeyCoversDeleteRestoreAndPurge) {
  Add("Buy milk");
  auto with_key = [this](verb method, std::string target, std::string key) {
    return Send(method, std::move(target), "", "",
                {{"Idempotency-Key", std::move(key)}});
  };
  EXPECT_EQ(with_key(verb::delete_, "/api/tasks/1", "d").result(),
            HttpStatus::no_content);
  EXPECT_EQ(with_key(verb::delete_, "/api/tasks/1", "d").result(),
            HttpStatus::no_content);
  EXPECT_EQ(with_key(verb::post, "/api/tasks/1/restore", "r").result(),
            HttpStatus::ok);
  EXPECT_EQ(with_key(verb::post, "/api/tasks/1/restore", "r").result(),
            HttpStatus::ok);
  EXPECT_EQ(EventCount(), 3u);
  ExpectProblem(with_key(verb::delete_, "/api/trash/1", "r"),
                HttpStatus::unprocessable_entity);
}

// ---------------------------------------------------------------------
// HTML pages

TEST_F(LifecycleRoutesTest, ListPageHasCompleteEditHistoryAndTrash) {
  Add("Buy <milk>");
  std::string page = Get("/tasks").body();
  EXPECT_TRUE(Contains(page, "action=\"/tasks/1/complete\""));
  EXPECT_TRUE(Contains(page, "name=\"completed\" value=\"true\""));
  EXPECT_TRUE(Contains(page, "href=\"/tasks/1/edit\""));
  EXPECT_TRUE(Contains(page, "href=\"/tasks/1/history\""));
  EXPECT_TRUE(Contains(page, "href=\"/trash\""));
  EXPECT_FALSE(Contains(page, "<milk>"));
}

TEST_F(LifecycleRoutesTest, CompleteFormTogglesAndRedirects) {
  Add("Buy milk");
  Response response = PostForm("/tasks/1/complete", "completed=true");
  EXPECT_EQ(response.result(), HttpStatus::see_other);
  EXPECT_EQ(Header(response, "Location"), "/tasks");
  EXPECT_TRUE(store_.Get(1)->completed);
  EXPECT_TRUE(
      Contains(Get("/tasks").body(), "name=\"completed\" value=\"false\""));
  EXPECT_EQ(PostForm("/tasks/1/complete", "completed=false").result(),
            HttpStatus::see_other);
  EXPECT_FALSE(store_.Get(1)->completed);
  EXPECT_EQ(PostForm("/tasks/1/complete", "completed=maybe").result(),
            HttpStatus::bad_request);
  EXPECT_EQ(PostForm("/tasks/9/complete", "completed=true").result(),
            HttpStatus::not_found);
}

TEST_F(LifecycleRoutesTest, EditPageShowsAndSavesTheForm) {
  Add("Buy \"milk\"", "<b>fat</b>");
  Response page = Get("/tasks/1/edit");
  EXPECT_EQ(page.result(), HttpStatus::ok);
  EXPECT_TRUE(Contains(page.body(), "action=\"/tasks/1/edit\""));
  EXPECT_TRUE(Contains(page.body(), "value=\"Buy &quot;milk&quot;\""));
  EXPECT_TRUE(Contains(page.body(), "&lt;b&gt;fat&lt;/b&gt;"));

  Response saved = PostForm("/tasks/1/edit", "title=Buy+bread&description=");
  EXPECT_EQ(saved.result(), HttpStatus::see_other);
  EXPECT_EQ(store_.Get(1)->title, "Buy bread");
  EXPECT_EQ(store_.Get(1)->description, "");

  Response refused = PostForm("/tasks/1/edit", "title=+&description=%3Cx%3E");
  EXPECT_EQ(refused.result(), HttpStatus::bad_request);
  EXPECT_TRUE(Contains(refused.body(), "title is empty"));
  EXPECT_TRUE(Contains(refused.body(), "&lt;x&gt;"));
  EXPECT_EQ(Get("/tasks/9/edit").result(), HttpStatus::not_found);
}

TEST_F(LifecycleRoutesTest, TrashPageRestoresAndPurges) {
  Add("Old <plan>");
  Add("Other");
  Remove(1);
  Remove(2);
  std::string page = Get("/trash").body();
  EXPECT_TRUE(Contains(page, "action=\"/tasks/1/restore\""));
  EXPECT_TRUE(Contains(page, "action=\"/trash/2/purge\""));
  EXPECT_TRUE(Contains(page, ">Restore</button>"));
  EXPECT_TRUE(Contains(page, ">Purge</button>"));
  EXPECT_FALSE(Contains(page, "<plan>"));

  Response restored = PostForm("/tasks/1/restore", "");
  EXPECT_EQ(restored.result(), HttpStatus::see_other);
  EXPECT_EQ(Header(restored, "Location"), "/trash");
  EXPECT_TRUE(store_.Get(1).ok());
  Response purged = PostForm("/trash/2/purge", "");
  EXPECT_EQ(purged.result(), HttpStatus::see_other);
  EXPECT_EQ(PostForm("/trash/2/purge", "").result(), HttpStatus::gone);
  EXPECT_EQ(PostForm("/tasks/1/restore", "").result(), HttpStatus::conflict);
}

TEST_F(LifecycleRoutesTest, HistoryPageListsTheEvents) {
  Add("Buy <milk>");
  PostForm("/tasks/1/complete", "completed=true", {{"X-Actor", "bob <b>"}});
  Response page = Get("/tasks/1/history");
  EXPECT_EQ(page.result(), HttpStatus::ok);
  EXPECT_TRUE(Contains(page.body(), "TaskCreated"));
  EXPECT_TRUE(Contains(page.body(), "TaskCompleted"));
  EXPECT_TRUE(Contains(page.body(), "bob &lt;b&gt;"));
  EXPECT_FALSE(Contains(page.body(), "<milk>"));
  EXPECT_EQ(Get("/tasks/9/history").result(), HttpStatus::not_found);
}

TEST_F(LifecycleRoutesTest, CrossSiteFormPostsAreRefused) {
  Add("Buy milk");
  Remove(Add("Other"));
  for (std::string target : {"/tasks/1/complete", "/tasks/1/edit",
                             "/tasks/2/restore", "/trash/2/purge"}) {
    SCOPED_TRACE(target);
    Response response = PostForm(target, "completed=true&title=x",
                                 {{"Origin", "https://evil.example"}});
    EXPECT_EQ(response.result(), HttpStatus::forbidden);
  }
  EXPECT_EQ(EventCount(), 3u);
}

TEST_F(LifecycleRoutesTest, NewPathsAnswer405ForOtherMethods) {
  struct Case {
    verb method;
    std::string target;
    std::string allow;
  };
  for (const Case& c : std::vector<Case>{
           {verb::put, "/api/tasks/1", "GET, HEAD, DELETE, PATCH"},
           {verb::get, "/api/tasks/1/restore", "POST"},
           {verb::post, "/api/trash", "GET, HEAD"},
           {verb::get, "/api/trash/1", "DELETE"},
           {verb::delete_, "/tasks/1/edit", "GET, HEAD, POST"},
           {verb::get, "/trash/1/purge", "POST"}}) {
    SCOPED_TRACE(c.target);
    Response response = Send(c.method, c.target);
    EXPECT_EQ(response.result(), HttpStatus::method_not_allowed);
    EXPECT_EQ(Header(response, "Allow"), c.allow);
  }
}

}  // namespace
}  // namespace taskstore::http
