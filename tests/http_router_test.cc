#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "base/sha256.h"
#include "domain/journal.h"
#include "domain/task_store.h"
#include "http/problem.h"
#include "http/router.h"

namespace taskstore::http {
namespace {

using boost::beast::http::field;
using boost::beast::http::verb;
using Json = nlohmann::json;

// Keeps the events it is given, or fails every append once told to.
class FakeJournal final : public domain::Journal {
 public:
  Status Append(std::span<const domain::Event> events) override {
    if (!failure_.ok()) return failure_;
    events_.insert(events_.end(), events.begin(), events.end());
    return Status::Ok();
  }

  void FailWith(Status failure) { failure_ = std::move(failure); }
  const std::vector<domain::Event>& events() const { return events_; }

 private:
  Status failure_;
  std::vector<domain::Event> events_;
};

// 2023-11-14T22:13:20Z; the clock moves one second per reading.
constexpr UnixMicros kStart = 1'700'000'000'000'000;

class RouterTest : public ::testing::Test {
 protected:
  RouterTest()
      : store_(domain::Projection(), journal_,
               [now = kStart]() mutable { return now += 1'000'000; }) {}

  Response Send(verb method, std::string target, std::string body = "",
                std::string content_type = "") {
    Request request(method, target, 11);
    request.set(field::host, "127.0.0.1:8080");
    if (!content_type.empty()) request.set(field::content_type, content_type);
    request.body() = std::move(body);
    request.prepare_payload();
    return Route(store_, request, admin_);
  }
  Response Get(std::string target) { return Send(verb::get, target); }
  Response Head(std::string target) { return Send(verb::head, target); }
  Response Delete(std::string target) { return Send(verb::delete_, target); }
  Response PostJson(std::string body) {
    return Send(verb::post, "/api/tasks", std::move(body), "application/json");
  }
  Response PostForm(std::string target, std::string body) {
    return Send(verb::post, std::move(target), std::move(body),
                "application/x-www-form-urlencoded");
  }

  // Adds a task straight through the store; returns its id.
  domain::TaskId Add(std::string title, std::string description = "") {
    Result<domain::Task> task =
        store_.Create({std::move(title), std::move(description), {}});
    EXPECT_TRUE(task.ok()) << task.status().ToString();
    return task.ok() ? task->id : 0;
  }

  void Remove(domain::TaskId id) { ASSERT_TRUE(store_.SoftDelete({id}).ok()); }

  FakeJournal journal_;
  domain::TaskStore store_;
  AdminActions admin_;
};

std::string Header(const Response& response, field name) {
  return std::string(ToStd(response[name]));
}

Json Body(const Response& response) {
  return Json::parse(response.body(), nullptr, /*allow_exceptions=*/false);
}

std::vector<domain::TaskId> IdsIn(const Json& list) {
  std::vector<domain::TaskId> ids;
  for (const Json& task : list["tasks"]) ids.push_back(task["id"]);
  return ids;
}

bool Contains(const std::string& text, std::string_view part) {
  return text.find(part) != std::string::npos;
}

// Checks that `response` is an RFC 9457 problem with `status`.
void ExpectProblem(const Response& response, HttpStatus status) {
  EXPECT_EQ(response.result(), status);
  EXPECT_EQ(Header(response, field::content_type), "application/problem+json");
  Json problem = Body(response);
  ASSERT_TRUE(problem.is_object()) << response.body();
  EXPECT_EQ(problem["type"], "about:blank");
  EXPECT_EQ(problem["title"],
            std::string(ToStd(boost::beast::http::obsolete_reason(status))));
  EXPECT_EQ(problem["status"], static_cast<unsigned>(status));
  EXPECT_TRUE(problem["detail"].is_string());
}

std::string Detail(const Response& response) {
  Json problem = Body(response);
  return problem.is_object() ? problem.value("detail", "") : "";
}

// ---------------------------------------------------------------------
// Admin routes

TEST_F(RouterTest, SnapshotRouteAnswersTheNameOfTheSnapshot) {
  int taken = 0;
  admin_.take_snapshot = [&taken]() -> Result<std::string> {
    ++taken;
    return std::string("snapshot-00000000000000000007.tssnap");
  };
  Response response = Send(verb::post, "/api/admin/snapshot");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  EXPECT_EQ(Body(response)["snapshot"], "snapshot-00000000000000000007.tssnap");
  EXPECT_EQ(taken, 1);
}

TEST_F(RouterTest, SnapshotRouteReportsFailuresAndAbsence) {
  ExpectProblem(Send(verb::post, "/api/admin/snapshot"),
                HttpStatus::not_implemented);
  admin_.take_snapshot = []() -> Result<std::string> {
    return NoSpaceError("disk full");
  };
  ExpectProblem(Send(verb::post, "/api/admin/snapshot"),
                HttpStatus::insufficient_storage);
  ExpectProblem(Get("/api/admin/snapshot"), HttpStatus::method_not_allowed);
}

TEST_F(RouterTest, SnapshotRouteRefusesOtherSites) {
  bool taken = false;
  admin_.take_snapshot = [&taken]() -> Result<std::string> {
    taken = true;
    return std::string("snapshot");
  };
  Request request(verb::post, "/api/admin/snapshot", 11);
  request.set(field::host, "127.0.0.1:8080");
  request.set(field::origin, "http://evil.example");
  ExpectProblem(Route(store_, request, admin_), HttpStatus::forbidden);
  EXPECT_FALSE(taken);
}

TEST_F(RouterTest, CreateTakesNullDescriptionAsNone) {
  Response response = PostJson(R"({"title": "t", "description": null})");
  EXPECT_EQ(response.result(), HttpStatus::created);
  EXPECT_EQ(Body(response)["description"], "");
}

TEST_F(RouterTest, CreateRefusesAnOverflowingNumberWith400) {
  ExpectProblem(PostJson(R"({"title": "a", "x": 1e999999})"),
                HttpStatus::bad_request);
}

TEST_F(RouterTest, PageLinksToTheNextPageKeepingTheSearch) {
  for (int i = 1; i <= 3; ++i) Add("Straße " + std::to_string(i));
  std::string first = Get("/tasks?searchterm=stra%C3%9Fe&limit=2").body();
  EXPECT_NE(first.find("href=\"/tasks?searchterm=stra%C3%9Fe&amp;after=2&amp;"
                       "limit=2\">Next page</a>"),
            std::string::npos)
      << first;
  EXPECT_NE(first.find("2 tasks on this page"), std::string::npos);

  std::string last =
      Get("/tasks?searchterm=stra%C3%9Fe&limit=2&after=2").body();
  EXPECT_NE(last.find("Straße 3"), std::string::npos);
  EXPECT_EQ(last.find("Next page"), std::string::npos);
  EXPECT_NE(last.find(">First page</a>"), std::string::npos);
}

TEST_F(RouterTest, PageWithABadLimitIs400) {
  Response response = Get("/tasks?limit=5000");
  EXPECT_EQ(response.result(), HttpStatus::bad_request);
  EXPECT_NE(response.body().find("limit must be"), std::string::npos);
}

TEST_F(RouterTest, PageShowsNulAsAReplacementCharacter) {
  Add("nul", std::string("a\0b", 3));
  Response page = Get("/tasks");
  EXPECT_TRUE(Contains(page.body(), "a&#xFFFD;b"));
  EXPECT_EQ(page.body().find('\0'), std::string::npos);
}

// ---------------------------------------------------------------------
// Health and redirects

TEST_F(RouterTest, HealthCheckAnswersOk) {
  Response response = Get("/healthz");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  EXPECT_EQ(Header(response, field::content_type), "application/json");
  EXPECT_EQ(Body(response), Json::parse(R"({"status":"ok"})"));
}

TEST_F(RouterTest, RootRedirectsToTheTaskPage) {
  Response response = Get("/");
  EXPECT_EQ(response.result(), HttpStatus::see_other);
  EXPECT_EQ(Header(response, field::location), "/tasks");
}

TEST_F(RouterTest, EveryResponseForbidsCaching) {
  Add("Buy milk");
  for (std::string target : {"/healthz", "/api/tasks", "/api/tasks/1",
                             "/api/tasks/9", "/tasks", "/nowhere"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(Header(Get(target), field::cache_control), "no-store");
  }
}

// ---------------------------------------------------------------------
// Creating through the API

TEST_F(RouterTest, CreateAnswers201WithLocationAndTheTask) {
  Response response =
      PostJson(R"({"title": "Buy milk", "description": "2% fat"})");

  EXPECT_EQ(response.result(), HttpStatus::created);
  EXPECT_EQ(Header(response, field::location), "/api/tasks/1");
  EXPECT_EQ(Header(response, field::content_type), "application/json");
  EXPECT_EQ(Body(response), Json::parse(R"({
      "id": 1, "title": "Buy milk", "description": "2% fat",
      "completed": false, "deleted": false,
      "created_at": "2023-11-14T22:13:21Z", "deleted_at": null,
      "version": 1})"));
  EXPECT_EQ(journal_.events().size(), 1u);
}

TEST_F(RouterTest, CreateWithoutDescriptionStoresAnEmptyOne) {
  Response response = PostJson(R"({"title": "Buy milk"})");
  ASSERT_EQ(response.result(), HttpStatus::created);
  EXPECT_EQ(Body(response)["description"], "");
}

TEST_F(RouterTest, CreateRefusesUnknownMembersRatherThanLoseTheirText) {
  Response response =
      PostJson(R"({"title": "Buy milk", "descripton": "2% fat"})");
  ExpectProblem(response, HttpStatus::bad_request);
  EXPECT_EQ(Detail(response),
            "unknown member \"descripton\"; a task has \"title\" and "
            "\"description\"");
  EXPECT_EQ(journal_.events().size(), 0u);
}

TEST_F(RouterTest, CreateAcceptsJsonWithParametersInAnyCase) {
  for (std::string type : {"application/json; charset=utf-8",
                           "Application/JSON", "application/json ;x=y"}) {
    SCOPED_TRACE(type);
    Response response =
        Send(verb::post, "/api/tasks", R"({"title": "Buy milk"})", type);
    EXPECT_EQ(response.result(), HttpStatus::created);
  }
}

TEST_F(RouterTest, CreateRefusesOtherContentTypesWith415) {
  for (std::string type : {"", "text/plain", "application/jsonx",
                           "application/x-www-form-urlencoded"}) {
    SCOPED_TRACE(type);
    Response response =
        Send(verb::post, "/api/tasks", R"({"title": "Buy milk"})", type);
    ExpectProblem(response, HttpStatus::unsupported_media_type);
    EXPECT_TRUE(Contains(Detail(response), "application/json"));
  }
  EXPECT_TRUE(journal_.events().empty());
}

TEST_F(RouterTest, CreateRefusesBadBodiesWith400SayingWhatToFix) {
  struct Case {
    std::string body;
    std::string_view detail;
  };
  std::vector<Case> cases = {
      {"", "body is empty"},
      {"{", "not valid JSON"},
      {R"({"title": "a",})", "not valid JSON"},
      {"{\"title\": \"\xff\"}", "not valid JSON"},
      {"[1]", "is a JSON array"},
      {R"("Buy milk")", "is a JSON string"},
      {"{}", R"("title" is missing)"},
      {R"({"description": "x"})", R"("title" is missing)"},
      {R"({"title": 5})", R"("title" must be a string, not number)"},
      {R"({"title": null})", R"("title" must be a string, not null)"},
      {R"({"title": "a", "description": 3})",
       R"("description" must be a string, not number)"},
      {R"({"title": "   "})", "title is empty"},
      {R"({"title": ")" + std::string(101, 'x') + R"("})",
       "at most 100 are allowed"},
      {R"({"title": "a\u0007b"})", "control character"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    Response response = PostJson(c.body);
    ExpectProblem(response, HttpStatus::bad_request);
    EXPECT_TRUE(Contains(Detail(response), c.detail)) << Detail(response);
  }
  EXPECT_TRUE(journal_.events().empty());
}

TEST_F(RouterTest, CreateSurvivesADeeplyNestedBody) {
  Response response = PostJson(std::string(100'000, '['));
  ExpectProblem(response, HttpStatus::bad_request);
}

// ---------------------------------------------------------------------
// Listing and searching through the API

TEST_F(RouterTest, ListShowsVisibleTasksInCreationOrder) {
  Add("one");
  domain::TaskId two = Add("two");
  Add("three");
  Remove(two);

  Response response = Get("/api/tasks");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  EXPECT_EQ(Header(response, field::content_type), "application/json");
  EXPECT_EQ(IdsIn(Body(response)), (std::vector<domain::TaskId>{1, 3}));
}

TEST_F(RouterTest, ListOfAnEmptyStoreIsAnEmptyArray) {
  EXPECT_EQ(Body(Get("/api/tasks")),
            Json::parse(R"({"tasks": [], "next": null})"));
}

TEST_F(RouterTest, ListIsPagedByLimitAndAfterWithNextAsTheCursor) {
  for (int i = 1; i <= 5; ++i) Add("Task " + std::to_string(i));
  Remove(2);

  Json first = Body(Get("/api/tasks?limit=2"));
  EXPECT_EQ(IdsIn(first), (std::vector<domain::TaskId>{1, 3}));
  EXPECT_EQ(first["next"], 3);

  Json second = Body(Get("/api/tasks?limit=2&after=3"));
  EXPECT_EQ(IdsIn(second), (std::vector<domain::TaskId>{4, 5}));
  EXPECT_TRUE(second["next"].is_null());
}

TEST_F(RouterTest, PagesOfASearchFollowTheMatchesOnly) {
  for (int i = 1; i <= 6; ++i) {
    Add(i % 2 == 0 ? "Buy milk " + std::to_string(i) : "Walk the dog");
  }
  Json first = Body(Get("/api/tasks?search=MILK&limit=2"));
  EXPECT_EQ(IdsIn(first), (std::vector<domain::TaskId>{2, 4}));
  EXPECT_EQ(first["next"], 4);
  Json last = Body(Get("/api/tasks?search=MILK&limit=2&after=4"));
  EXPECT_EQ(IdsIn(last), (std::vector<domain::TaskId>{6}));
  EXPECT_TRUE(last["next"].is_null());
}

TEST_F(RouterTest, ListHoldsAHundredTasksUnlessToldOtherwise) {
  std::vector<domain::CreateTask> many(250, domain::CreateTask{"Same", "", {}});
  ASSERT_TRUE(store_.CreateMany(many).ok());
  Json page = Body(Get("/api/tasks"));
  EXPECT_EQ(page["tasks"].size(), 100u);
  EXPECT_EQ(page["next"], 100);
  EXPECT_EQ(Body(Get("/api/tasks?limit=1000"))["tasks"].size(), 250u);
}

TEST_F(RouterTest, OnLoopbackOnlyLoopbackHostNamesAreServed) {
  OpsOptions ops;
  ops.loopback_names_only = true;
  auto status_for = [&](std::optional<std::string> host) {
    Request request(verb::get, "/api/tasks", 11);
    if (host) request.set(field::host, *host);
    return Route(store_, request, admin_, ops).result();
  };
  for (std::string host : {"127.0.0.1", "127.0.0.1:8080", "localhost:80",
                           "LOCALHOST", "[::1]:8080", "[::1]"}) {
    EXPECT_EQ(status_for(host), HttpStatus::ok) << host;
  }
  // A page that points its own name at 127.0.0.1 sends that name.
  for (std::string host :
       {"evil.example", "evil.example:8080", "127.0.0.1.evil.example",
        "localhost:80x", "127.0.0.1:", ""}) {
    EXPECT_EQ(status_for(host), HttpStatus::misdirected_request) << host;
  }
  EXPECT_EQ(status_for(std::nullopt), HttpStatus::ok);
}

TEST_F(RouterTest, PageOfLongDescriptionsEndsBeforeAMegabyteOfText) {
  std::vector<domain::CreateTask> many(
      40, domain::CreateTask{"Long", std::string(65'000, 'x'), {}});
  ASSERT_TRUE(store_.CreateMany(many).ok());
  std::vector<domain::TaskId> seen;
  std::string after = "0";
  while (true) {
    Json page = Body(Get("/api/tasks?limit=1000&after=" + after));
    ASSERT_LE(page["tasks"].size(), 16u);  // 16 * 65,000 < 1 MiB < 17 *
    for (domain::TaskId id : IdsIn(page)) seen.push_back(id);
    if (page["next"].is_null()) break;
    after = page["next"].dump();
  }
  EXPECT_EQ(seen.size(), 40u);
}

TEST_F(RouterTest, BadPageParametersAre400NamingTheParameter) {
  for (std::string query :
       {"limit=0", "limit=1001", "limit=-1", "limit=1e3", "limit=", "after=x",
        "after=-5", "after=+1", "after=99999999999999999999999"}) {
    Response response = Get("/api/tasks?" + query);
    ExpectProblem(response, HttpStatus::bad_request);
    std::string name = query.substr(0, query.find('='));
    EXPECT_NE(Detail(response).find(name), std::string::npos)
        << query << ": " << Detail(response);
  }
}

TEST_F(RouterTest, AfterPastTheLastTaskIsAnEmptyLastPage) {
  Add("Only one");
  EXPECT_EQ(Body(Get("/api/tasks?after=7")),
            Json::parse(R"({"tasks": [], "next": null})"));
  // The largest 64-bit number: its successor must not wrap to the start.
  for (std::string term : {"", "a", "only"}) {
    EXPECT_EQ(
        Body(Get("/api/tasks?search=" + term + "&after=18446744073709551615")),
        Json::parse(R"({"tasks": [], "next": null})"))
        << term;
  }
}

TEST_F(RouterTest, ListFiltersBySearchTerm) {
  Add("Buy oat milk");
  Add("Walk the dog");
  Add("MILK the cow");
  EXPECT_EQ(IdsIn(Body(Get("/api/tasks?search=milk"))),
            (std::vector<domain::TaskId>{1, 3}));
  EXPECT_EQ(IdsIn(Body(Get("/api/tasks?search=oat+milk"))),
            (std::vector<domain::TaskId>{1}));
}

TEST_F(RouterTest, ListAcceptsSearchtermToo) {
  Add("Buy milk");
  Add("Walk the dog");
  EXPECT_EQ(IdsIn(Body(Get("/api/tasks?searchterm=dog"))),
            (std::vector<domain::TaskId>{2}));
}

TEST_F(RouterTest, SearchWinsOverSearchterm) {
  Add("Buy milk");
  Add("Walk the dog");
  EXPECT_EQ(IdsIn(Body(Get("/api/tasks?searchterm=dog&search=milk"))),
            (std::vector<domain::TaskId>{1}));
}

TEST_F(RouterTest, SearchTermIsPercentDecoded) {
  Add("Caf\u00e9 au lait");
  Add("Cafe");
  EXPECT_EQ(IdsIn(Body(Get("/api/tasks?search=caf%C3%A9"))),
            (std::vector<domain::TaskId>{1}));
}

// ---------------------------------------------------------------------
// One task through the API

TEST_F(RouterTest, GetReturnsTheTask) {
  Add("Buy milk", "2% fat");
  Response response = Get("/api/tasks/1");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  Json task = Body(response);
  EXPECT_EQ(task["id"], 1);
  EXPECT_EQ(task["title"], "Buy milk");
  EXPECT_EQ(task["description"], "2% fat");
  EXPECT_EQ(task["deleted_at"], nullptr);
}

TEST_F(RouterTest, GetOfAnUnknownTaskIs404) {
  Add("Buy milk");
  ExpectProblem(Get("/api/tasks/2"), HttpStatus::not_found);
}

TEST_F(RouterTest, GetOfADeletedTaskIs410) {
  Remove(Add("Buy milk"));
  Response response = Get("/api/tasks/1");
  ExpectProblem(response, HttpStatus::gone);
  EXPECT_EQ(Detail(response), "task 1 was deleted");
}

TEST_F(RouterTest, IdsThatAreNotCanonicalNumbersAre404) {
  Add("Buy milk");
  for (std::string id : {"0", "01", "+1", "-1", "1.0", "1%20", "abc", "",
                         "18446744073709551616", "99999999999999999999"}) {
    SCOPED_TRACE(id);
    ExpectProblem(Get("/api/tasks/" + id + "/history"), HttpStatus::not_found);
    ExpectProblem(Delete("/api/tasks/" + id), HttpStatus::not_found);
    if (!id.empty()) {  // "/api/tasks/" is not a task's path at all
      ExpectProblem(Get("/api/tasks/" + id), HttpStatus::not_found);
    }
  }
  EXPECT_EQ(journal_.events().size(), 1u);
}

TEST_F(RouterTest, LargestIdIsUnknownRatherThanMalformed) {
  Response response = Get("/api/tasks/18446744073709551615");
  ExpectProblem(response, HttpStatus::not_found);
  EXPECT_EQ(Detail(response), "task 18446744073709551615 does not exist");
}

TEST_F(RouterTest, DeleteAnswers204WithNoBody) {
  Add("Buy milk");
  Response response = Delete("/api/tasks/1");
  EXPECT_EQ(response.result(), HttpStatus::no_content);
  EXPECT_TRUE(response.body().empty());
  EXPECT_EQ(response.find(field::content_length), response.end());
  ASSERT_EQ(journal_.events().size(), 2u);
  EXPECT_TRUE(std::holds_alternative<domain::TaskSoftDeleted>(
      journal_.events()[1].data));
  ExpectProblem(Get("/api/tasks/1"), HttpStatus::gone);
}

TEST_F(RouterTest, DeleteOfAnUnknownTaskIs404) {
  ExpectProblem(Delete("/api/tasks/1"), HttpStatus::not_found);
}

TEST_F(RouterTest, DeletingTwiceIs410) {
  Remove(Add("Buy milk"));
  Response response = Delete("/api/tasks/1");
  ExpectProblem(response, HttpStatus::gone);
  EXPECT_EQ(Detail(response), "task 1 is already deleted");
  EXPECT_EQ(journal_.events().size(), 2u);
}

TEST_F(RouterTest, HistoryListsEveryEventEvenAfterDelete) {
  Add("Buy milk", "2% fat");
  Add("Walk the dog");
  Remove(1);

  Response response = Get("/api/tasks/1/history");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  EXPECT_EQ(Body(response), Json::parse(R"({"events": [
      {"sequence": 1, "type": "TaskCreated",
       "recorded_at": "2023-11-14T22:13:21Z", "task_id": 1,
       "data": {"title": "Buy milk", "description": "2% fat",
                "created_at": "2023-11-14T22:13:21Z"},
       "actor": "anonymous", "request_id": null},
      {"sequence": 3, "type": "TaskSoftDeleted",
       "recorded_at": "2023-11-14T22:13:23Z", "task_id": 1,
       "data": {}, "actor": "anonymous", "request_id": null}],
      "next": null})"));
}

TEST_F(RouterTest, HistoryIsPagedBySequenceNumber) {
  Add("Buy milk");
  Add("Walk the dog");
  Remove(1);
  Json first = Body(Get("/api/tasks/1/history?limit=1"));
  ASSERT_EQ(first["events"].size(), 1u);
  EXPECT_EQ(first["events"][0]["sequence"], 1);
  EXPECT_EQ(first["next"], 1);
  Json second = Body(Get("/api/tasks/1/history?limit=1&after=1"));
  ASSERT_EQ(second["events"].size(), 1u);
  EXPECT_EQ(second["events"][0]["sequence"], 3);
  EXPECT_TRUE(second["next"].is_null());
}

TEST_F(RouterTest, HistoryOfAnUnknownTaskIs404) {
  ExpectProblem(Get("/api/tasks/1/history"), HttpStatus::not_found);
}

// ---------------------------------------------------------------------
// Paths, methods and HEAD

TEST_F(RouterTest, UnknownPathsAre404Problems) {
  for (std::string target :
       {"/nowhere", "/api", "/api/tasks/", "/api/tasks/1/history/x", "/tasks/1",
        "/tasks/", "/healthz/", "//"}) {
    SCOPED_TRACE(target);
    ExpectProblem(Get(target), HttpStatus::not_found);
  }
}

TEST_F(RouterTest, WrongMethodIs405WithAllow) {
  struct Case {
    verb method;
    std::string target;
    std::string allow;
  };
  std::vector<Case> cases = {
      {verb::post, "/healthz", "GET, HEAD"},
      {verb::delete_, "/", "GET, HEAD"},
      {verb::put, "/api/tasks", "GET, HEAD, POST"},
      {verb::delete_, "/api/tasks", "GET, HEAD, POST"},
      {verb::post, "/api/tasks/1", "GET, HEAD, DELETE, PATCH"},
      {verb::put, "/api/tasks/1", "GET, HEAD, DELETE, PATCH"},
      {verb::post, "/api/tasks/1/history", "GET, HEAD"},
      {verb::delete_, "/tasks", "GET, HEAD, POST"},
      {verb::get, "/tasks/1/delete", "POST"},
      {verb::head, "/tasks/1/delete", "POST"},
      {verb::options, "/api/tasks", "GET, HEAD, POST"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(ToStd(boost::beast::http::to_string(c.method))) +
                 " " + c.target);
    Response response = Send(c.method, c.target);
    EXPECT_EQ(response.result(), HttpStatus::method_not_allowed);
    EXPECT_EQ(Header(response, field::allow), c.allow);
    if (c.method != verb::head) {
      ExpectProblem(response, HttpStatus::method_not_allowed);
    }
  }
}

TEST_F(RouterTest, HeadAnswersLikeGetWithoutABody) {
  Add("Buy milk");
  Add("Walk the dog");
  Remove(2);
  for (std::string target :
       {"/", "/healthz", "/api/tasks", "/api/tasks?search=milk", "/api/tasks/1",
        "/api/tasks/2", "/api/tasks/9", "/api/tasks/1/history", "/tasks",
        "/tasks?searchterm=x", "/nowhere"}) {
    SCOPED_TRACE(target);
    Response get = Get(target);
    Response head = Head(target);
    EXPECT_EQ(head.result(), get.result());
    EXPECT_EQ(Header(head, field::content_type),
              Header(get, field::content_type));
    EXPECT_EQ(Header(head, field::content_length),
              std::to_string(get.body().size()));
    EXPECT_TRUE(head.body().empty());
  }
}

TEST_F(RouterTest, BadTargetIs400) {
  for (std::string target :
       {"/api/tasks?search=%ZZ", "/api/tasks?search=%FF", "/tasks/%C3"}) {
    SCOPED_TRACE(target);
    Response response = Get(target);
    ExpectProblem(response, HttpStatus::bad_request);
    EXPECT_TRUE(Contains(Detail(response), "bad request target"));
  }
}

TEST_F(RouterTest, ResponseFollowsTheRequestsVersionAndKeepAlive) {
  Request old_style(verb::get, "/healthz", 10);
  Response response = Route(store_, old_style);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_FALSE(response.keep_alive());

  Request closing(verb::get, "/healthz", 11);
  closing.set(field::connection, "close");
  EXPECT_FALSE(Route(store_, closing).keep_alive());

  Request kept(verb::get, "/healthz", 11);
  EXPECT_TRUE(Route(store_, kept).keep_alive());
}

// ---------------------------------------------------------------------
// Store errors

TEST(ProblemTable, MapsEveryStatusCode) {
  struct Case {
    StatusCode code;
    HttpStatus status;
  };
  for (Case c : std::vector<Case>{
           {StatusCode::kInvalidArgument, HttpStatus::bad_request},
           {StatusCode::kNotFound, HttpStatus::not_found},
           {StatusCode::kGone, HttpStatus::gone},
           {StatusCode::kFailedPrecondition, HttpStatus::conflict},
           {StatusCode::kCorruption, HttpStatus::internal_server_error},
           {StatusCode::kIOError, HttpStatus::internal_server_error},
           {StatusCode::kNoSpace, HttpStatus::insufficient_storage},
           {StatusCode::kUnavailable, HttpStatus::service_unavailable},
       }) {
    SCOPED_TRACE(StatusCodeName(c.code));
    EXPECT_EQ(HttpStatusOf(c.code), c.status);
  }
}

std::vector<Status> JournalFailures() {
  return {NoSpaceError("append to segment-1.tslog: No space left on device"),
          UnavailableError("the store is read-only"),
          IOError("fdatasync segment-1.tslog: Input/output error"),
          CorruptionError("segment-1.tslog offset 42: bad checksum"),
          FailedPreconditionError("the log is closed")};
}

TEST_F(RouterTest, StoreErrorsOnCreateMapThroughTheProblemTable) {
  for (const Status& failure : JournalFailures()) {
    SCOPED_TRACE(failure.ToString());
    journal_.FailWith(failure);
    Response response = PostJson(R"({"title": "Buy milk"})");
    ExpectProblem(response, HttpStatusOf(failure.code()));
    EXPECT_EQ(Detail(response), failure.message());
  }
  EXPECT_EQ(Get("/api/tasks/1").result(), HttpStatus::not_found);
}

TEST_F(RouterTest, StoreErrorsOnDeleteMapThroughTheProblemTable) {
  Add("Buy milk");
  for (const Status& failure : JournalFailures()) {
    SCOPED_TRACE(failure.ToString());
    journal_.FailWith(failure);
    ExpectProblem(Delete("/api/tasks/1"), HttpStatusOf(failure.code()));
  }
  EXPECT_EQ(Get("/api/tasks/1").result(), HttpStatus::ok);
}

// ---------------------------------------------------------------------
// HTML pages

TEST_F(RouterTest, TaskPageListsVisibleTasksWithForms) {
  Add("Buy milk", "2% fat");
  Remove(Add("Walk the dog"));

  Response response = Get("/tasks");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  EXPECT_EQ(Header(response, field::content_type), "text/html; charset=utf-8");
  const std::string& html = response.body();
  EXPECT_TRUE(Contains(html, "<meta name=\"viewport\""));
  EXPECT_TRUE(Contains(html, "<meta charset=\"utf-8\">"));
  EXPECT_TRUE(Contains(html, "Buy milk"));
  EXPECT_TRUE(Contains(html, "2% fat"));
  EXPECT_TRUE(Contains(html, "datetime=\"2023-11-14T22:13:21Z\""));
  EXPECT_TRUE(Contains(html, "2023-11-14 22:13 UTC"));
  EXPECT_FALSE(Contains(html, "Walk the dog"));
  EXPECT_TRUE(Contains(html, "method=\"get\" action=\"/tasks\""));
  EXPECT_TRUE(Contains(html, "name=\"searchterm\""));
  EXPECT_TRUE(Contains(html, "method=\"post\" action=\"/tasks\""));
  EXPECT_TRUE(Contains(html, "name=\"title\""));
  EXPECT_TRUE(Contains(html, "name=\"description\""));
  EXPECT_TRUE(Contains(html, "action=\"/tasks/1/delete\""));
  EXPECT_FALSE(Contains(html, "/tasks/2/delete"));
  EXPECT_TRUE(Contains(std::string(ToStd(response["Content-Security-Policy"])),
                       "default-src 'none'"));
}

// The inline style sheet of `html`, between <style> and </style>.
std::string InlineStyle(const std::string& html) {
  std::size_t start = html.find("<style>");
  std::size_t end = html.find("</style>");
  if (start == std::string::npos || end == std::string::npos) return "";
  start += std::string_view("<style>").size();
  return html.substr(start, end - start);
}

TEST_F(RouterTest, PagesAllowTheirOwnStyleByHashAndNoScript) {
  Response list = Get("/tasks");
  Response error = PostForm("/tasks/7/delete", "");
  ASSERT_EQ(error.result(), HttpStatus::not_found);
  for (const Response& response : {list, error}) {
    std::string policy(ToStd(response["Content-Security-Policy"]));
    std::string style = InlineStyle(response.body());
    ASSERT_FALSE(style.empty());

    EXPECT_TRUE(Contains(policy, "default-src 'none'"));
    EXPECT_TRUE(
        Contains(policy, "style-src 'sha256-" + Base64(Sha256(style)) + "'"));
    EXPECT_FALSE(Contains(policy, "unsafe"));
    EXPECT_FALSE(Contains(policy, "script-src"));
  }
}

TEST_F(RouterTest, TaskPageSearchesWithSearchterm) {
  Add("Buy milk");
  Add("Walk the dog");
  std::string html = Get("/tasks?searchterm=milk").body();
  EXPECT_TRUE(Contains(html, "Buy milk"));
  EXPECT_FALSE(Contains(html, "Walk the dog"));
  EXPECT_TRUE(Contains(html, "value=\"milk\""));
}

TEST_F(RouterTest, TaskPageEscapesEveryUserString) {
  Add("<img src=x onerror=alert(1)>", "\"quoted\" & 'single' </p>");
  std::string html =
      Get("/tasks?searchterm=%22%3E%3Cscript%3Ealert(1)%3C/script%3E").body() +
      Get("/tasks").body();

  EXPECT_FALSE(Contains(html, "<img"));
  EXPECT_FALSE(Contains(html, "<script"));
  EXPECT_FALSE(Contains(html, "'single'"));
  EXPECT_TRUE(Contains(html, "&lt;img src=x onerror=alert(1)&gt;"));
  EXPECT_TRUE(
      Contains(html, "&quot;quoted&quot; &amp; &#39;single&#39; &lt;/p&gt;"));
  EXPECT_TRUE(Contains(html, "value=\"&quot;&gt;&lt;script&gt;"));
}

TEST_F(RouterTest, FormAddRedirectsToTheTaskPage) {
  Response response = PostForm("/tasks", "title=Buy+milk&description=2%25+fat");
  EXPECT_EQ(response.result(), HttpStatus::see_other);
  EXPECT_EQ(Header(response, field::location), "/tasks");
  Result<domain::Task> task = store_.Get(1);
  ASSERT_TRUE(task.ok());
  EXPECT_EQ(task->title, "Buy milk");
  EXPECT_EQ(task->description, "2% fat");
}

TEST_F(RouterTest, FailedFormAddShowsTheMessageAndKeepsTheValues) {
  Add("Walk the dog");
  Response response =
      PostForm("/tasks", "title=+++&description=%3Cb%3Ekeep%3C%2Fb%3E+me");
  EXPECT_EQ(response.result(), HttpStatus::bad_request);
  EXPECT_EQ(Header(response, field::content_type), "text/html; charset=utf-8");
  const std::string& html = response.body();
  EXPECT_TRUE(Contains(html, "title is empty"));
  EXPECT_TRUE(Contains(html, "value=\"   \""));
  EXPECT_TRUE(Contains(html, "&lt;b&gt;keep&lt;/b&gt; me</textarea>"));
  EXPECT_TRUE(Contains(html, "Walk the dog"));
  EXPECT_EQ(journal_.events().size(), 1u);
}

TEST_F(RouterTest, FormAddWithoutTitleShowsTheMessage) {
  Response response = PostForm("/tasks", "description=x");
  EXPECT_EQ(response.result(), HttpStatus::bad_request);
  EXPECT_TRUE(Contains(response.body(), "title is empty"));
}

TEST_F(RouterTest, FormAddWithABadEscapeShowsTheMessage) {
  Response response = PostForm("/tasks", "title=50%");
  EXPECT_EQ(response.result(), HttpStatus::bad_request);
  EXPECT_TRUE(Contains(response.body(), "percent-escape"));
}

TEST_F(RouterTest, FormAddShowsStoreFailuresWithTheirStatus) {
  journal_.FailWith(NoSpaceError("No space left on device"));
  Response response = PostForm("/tasks", "title=Buy+milk");
  EXPECT_EQ(response.result(), HttpStatus::insufficient_storage);
  EXPECT_TRUE(Contains(response.body(), "No space left on device"));
  EXPECT_TRUE(Contains(response.body(), "value=\"Buy milk\""));
}

TEST_F(RouterTest, FormAddNeedsAnUrlencodedBody) {
  Response response =
      Send(verb::post, "/tasks", "title=Buy+milk", "multipart/form-data");
  EXPECT_EQ(response.result(), HttpStatus::unsupported_media_type);
  EXPECT_TRUE(journal_.events().empty());
}

TEST_F(RouterTest, FormDeleteRedirectsToTheTaskPage) {
  Add("Buy milk");
  Response response = PostForm("/tasks/1/delete", "");
  EXPECT_EQ(response.result(), HttpStatus::see_other);
  EXPECT_EQ(Header(response, field::location), "/tasks");
  EXPECT_EQ(store_.Get(1).status().code(), StatusCode::kGone);
}

TEST_F(RouterTest, FormDeleteOfMissingTasksShowsAnErrorPage) {
  Remove(Add("Buy milk"));
  struct Case {
    std::string target;
    HttpStatus status;
  };
  for (const Case& c : std::vector<Case>{
           {"/tasks/1/delete", HttpStatus::gone},
           {"/tasks/2/delete", HttpStatus::not_found},
           {"/tasks/x/delete", HttpStatus::not_found},
       }) {
    SCOPED_TRACE(c.target);
    Response response = PostForm(c.target, "");
    EXPECT_EQ(response.result(), c.status);
    EXPECT_EQ(Header(response, field::content_type),
              "text/html; charset=utf-8");
    EXPECT_TRUE(Contains(response.body(),
                         "<h1>" + std::to_string(static_cast<int>(c.status))));
  }
}

TEST_F(RouterTest, FormPostsFromAnotherSiteAreRefused) {
  Add("Buy milk");
  for (std::string origin :
       {"http://evil.example", "null", "http://127.0.0.1:9999"}) {
    SCOPED_TRACE(origin);
    for (std::string target : {"/tasks", "/tasks/1/delete"}) {
      Request request(verb::post, target, 11);
      request.set(field::host, "127.0.0.1:8080");
      request.set(field::origin, origin);
      request.set(field::content_type, "application/x-www-form-urlencoded");
      request.body() = "title=Sneaky";
      request.prepare_payload();
      EXPECT_EQ(Route(store_, request).result(), HttpStatus::forbidden);
    }
  }
  EXPECT_EQ(journal_.events().size(), 1u);
}

TEST_F(RouterTest, FormPostsFromThisSitePass) {
  Request request(verb::post, "/tasks", 11);
  request.set(field::host, "127.0.0.1:8080");
  request.set(field::origin, "http://127.0.0.1:8080");
  request.set(field::content_type, "application/x-www-form-urlencoded");
  request.body() = "title=Buy+milk";
  request.prepare_payload();
  EXPECT_EQ(Route(store_, request).result(), HttpStatus::see_other);
}

}  // namespace
}  // namespace taskstore::http
