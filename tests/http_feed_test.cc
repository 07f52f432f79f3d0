// The global event feed, GET /api/events, through the router.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "domain/journal.h"
#include "domain/task_store.h"
#include "http/router.h"
#include "tests/test_support.h"

namespace taskstore::http {
namespace {

using boost::beast::http::field;
using boost::beast::http::verb;
using Json = nlohmann::json;

class AcceptingJournal final : public domain::Journal {
 public:
  Status Append(std::span<const domain::Event>) override {
    return Status::Ok();
  }
};

class FeedTest : public ::testing::Test {
 protected:
  // Adds `count` tasks and deletes every third, so the feed mixes types.
  void AddEvents(int count) {
    for (int i = 0; i < count; ++i) {
      Result<domain::Task> task = store_.Create({"task", "", {}});
      ASSERT_TRUE(task.ok()) << task.status().ToString();
      if (task->id % 3 == 0) {
        ASSERT_TRUE(store_.SoftDelete({task->id}).ok());
      }
    }
  }

  Response Get(const std::string& target) {
    Request request(verb::get, target, 11);
    request.set(field::host, "127.0.0.1:8080");
    return Route(store_, request);
  }

  static Json Body(const Response& response) {
    return Json::parse(response.body(), nullptr, /*allow_exceptions=*/false);
  }

  static std::vector<std::uint64_t> Sequences(const Json& page) {
    std::vector<std::uint64_t> sequences;
    for (const Json& event : page["events"]) {
      sequences.push_back(event["sequence"]);
    }
    return sequences;
  }

  AcceptingJournal journal_;
  domain::TaskStore store_{domain::Projection(), journal_,
                           testing_support::SteppingClock()};
};

TEST_F(FeedTest, EmptyStoreGivesAnEmptyLastPage) {
  Response response = Get("/api/events");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  EXPECT_EQ(Body(response), Json::parse(R"({"events": [], "next": null})"));
}

TEST_F(FeedTest, EventsComeInSequenceOrderWithTheHistoryForm) {
  AddEvents(3);  // creates 1, 2, 3 and deletes 3
  Json page = Body(Get("/api/events"));
  EXPECT_EQ(Sequences(page), (std::vector<std::uint64_t>{1, 2, 3, 4}));
  EXPECT_EQ(page["events"][0]["type"], "TaskCreated");
  EXPECT_EQ(page["events"][0]["data"]["title"], "task");
  EXPECT_EQ(page["events"][3]["type"], "TaskSoftDeleted");
  EXPECT_EQ(page["events"][3]["task_id"], 3);
  EXPECT_TRUE(page["next"].is_null());
}

TEST_F(FeedTest, NextWalksEveryPageOnceAndEndsWithNull) {
  AddEvents(10);  // 13 events
  std::vector<std::uint64_t> seen;
  Json next = 0;
  int pages = 0;
  while (!next.is_null()) {
    Json page = Body(
        Get("/api/events?limit=4&after=" + std::to_string(next.get<int>())));
    for (std::uint64_t sequence : Sequences(page)) seen.push_back(sequence);
    next = page["next"];
    ++pages;
  }
  EXPECT_EQ(pages, 4);
  std::vector<std::uint64_t> expected;
  for (std::uint64_t s = 1; s <= 13; ++s) expected.push_back(s);
  EXPECT_EQ(seen, expected);
}

TEST_F(FeedTest, APageThatEndsExactlyAtTheLastEventHasNullNext) {
  AddEvents(4);  // 5 events
  EXPECT_TRUE(Body(Get("/api/events?after=1&limit=4"))["next"].is_null());
  EXPECT_EQ(Body(Get("/api/events?after=0&limit=4"))["next"], 4);
  EXPECT_EQ(Body(Get("/api/events?after=5")), Body(Get("/api/events?after=9")));
}

TEST_F(FeedTest, DefaultLimitIsOneHundred) {
  AddEvents(120);  // 160 events
  Json page = Body(Get("/api/events"));
  EXPECT_EQ(page["events"].size(), kDefaultFeedLimit);
  EXPECT_EQ(page["next"], kDefaultFeedLimit);
  EXPECT_EQ(Body(Get("/api/events?limit=1000"))["events"].size(), 160u);
}

TEST_F(FeedTest, BadAfterOrLimitIs400SayingWhy) {
  const char* bad[] = {"after=-1",   "after=01",
                       "after=x",    "after=",
                       "after=1e3",  "limit=0",
                       "limit=1001", "limit=+5",
                       "limit=",     "after=99999999999999999999"};
  for (const char* query : bad) {
    SCOPED_TRACE(query);
    Response response = Get(std::string("/api/events?") + query);
    EXPECT_EQ(response.result(), HttpStatus::bad_request);
    std::string detail = Body(response).value("detail", "");
    EXPECT_TRUE(detail.starts_with("after ") || detail.starts_with("limit "))
        << detail;
  }
}

TEST_F(FeedTest, OtherMethodsAre405) {
  Request request(verb::post, "/api/events", 11);
  Response response = Route(store_, request);
  EXPECT_EQ(response.result(), HttpStatus::method_not_allowed);
  EXPECT_EQ(std::string(ToStd(response[field::allow])), "GET, HEAD");
}

// ---------------------------------------------------------------------
// Asking for a stream

class StreamRouteTest : public FeedTest {
 protected:
  Routed Stream(const std::string& target, const std::string& last_id = "") {
    Request request(verb::get, target, 11);
    request.set(field::host, "127.0.0.1:8080");
    request.set(field::accept, "text/html, Text/Event-Stream;q=0.9");
    if (!last_id.empty()) request.set("Last-Event-ID", last_id);
    return RouteOrStream(store_, request);
  }
};

TEST_F(StreamRouteTest, AnEventStreamStartsAfterTheGivenSequence) {
  Routed routed = Stream("/api/events?after=7");
  ASSERT_TRUE(routed.stream_after);
  EXPECT_EQ(*routed.stream_after, 7u);
  EXPECT_EQ(routed.response.result(), HttpStatus::ok);
  EXPECT_EQ(ToStd(routed.response[field::content_type]), "text/event-stream");
  EXPECT_FALSE(routed.response.keep_alive());
  EXPECT_EQ(routed.response.count(field::content_length), 0u);
  EXPECT_EQ(*Stream("/api/events").stream_after, 0u);
}

TEST_F(StreamRouteTest, LastEventIdWinsOverAfter) {
  EXPECT_EQ(*Stream("/api/events?after=7", "3").stream_after, 3u);
}

TEST_F(StreamRouteTest, BadStartingPointsAre400) {
  for (auto [target, last_id] : {std::pair{"/api/events?after=x", ""},
                                 {"/api/events", "abc"},
                                 {"/api/events", "-1"},
                                 {"/api/events?limit=0", ""}}) {
    SCOPED_TRACE(std::string(target) + " " + last_id);
    Routed routed = Stream(target, last_id);
    EXPECT_FALSE(routed.stream_after);
    EXPECT_EQ(routed.response.result(), HttpStatus::bad_request);
    EXPECT_EQ(routed.response[field::content_length],
              std::to_string(routed.response.body().size()));
  }
}

TEST_F(StreamRouteTest, OtherRequestsAreRoutedAsUsual) {
  AddEvents(1);
  Routed page = RouteOrStream(store_, [] {
    Request request(verb::get, "/api/events", 11);
    request.set(field::accept, "application/json");
    return request;
  }());
  EXPECT_FALSE(page.stream_after);
  EXPECT_EQ(Body(page.response)["events"].size(), 1u);

  Routed other = Stream("/api/tasks");
  EXPECT_FALSE(other.stream_after);
  EXPECT_EQ(other.response.result(), HttpStatus::ok);
}

}  // namespace
}  // namespace taskstore::http
