// The operational side of the router: readiness, metrics, the bearer
// token and the sign-in cookie, CORS; and the serve flags that set them.
#include <gtest/gtest.h>

#include <span>
#include <string>
#include <utility>
#include <vector>

#include "app/ops_flags.h"
#include "domain/journal.h"
#include "domain/task_store.h"
#include "http/access_policy.h"
#include "http/cors.h"
#include "http/router.h"
#include "tests/store_fixture.h"

namespace taskstore::http {
namespace {

using boost::beast::http::field;
using boost::beast::http::verb;

// Accepts every append until told to break for good, as a log does after
// a failed fsync.
class BreakableJournal final : public domain::Journal {
 public:
  Status Append(std::span<const domain::Event>) override { return broken_; }
  Status Health() const override { return broken_; }
  void Break(Status why) { broken_ = std::move(why); }

 private:
  Status broken_;
};

constexpr char kToken[] = "s3cret-Token_1";
constexpr char kSession[] = "0123456789abcdef";
constexpr char kOrigin[] = "https://board.example";

class OpsTest : public ::testing::Test {
 protected:
  OpsTest()
      : store_(domain::Projection(), journal_,
               [now = UnixMicros{1'700'000'000'000'000}]() mutable {
                 return now += 1'000'000;
               }) {}

  Request Make(verb method, std::string target, std::string body = "",
               std::string content_type = "") {
    Request request(method, target, 11);
    request.set(field::host, "127.0.0.1:8080");
    if (!content_type.empty()) request.set(field::content_type, content_type);
    request.body() = std::move(body);
    request.prepare_payload();
    return request;
  }
  Response Send(const Request& request) {
    return Route(store_, request, {}, ops_);
  }
  Response Send(verb method, std::string target) {
    return Send(Make(method, std::move(target)));
  }
  Request PostTask() {
    return Make(verb::post, "/api/tasks", R"({"title": "t"})",
                "application/json");
  }
  Request PostForm(std::string target, std::string body) {
    return Make(verb::post, std::move(target), std::move(body),
                "application/x-www-form-urlencoded");
  }

  void RequireToken() { ops_.access = {kToken, kSession}; }
  void AllowOrigin() { ops_.cors = {kOrigin}; }

  BreakableJournal journal_;
  domain::TaskStore store_;
  OpsOptions ops_;
};

std::string Header(const Response& response, field name) {
  return std::string(ToStd(response[name]));
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// ---------------------------------------------------------------------
// Readiness

TEST_F(OpsTest, ReadyWhileTheLogAcceptsWrites) {
  Response response = Send(verb::get, "/readyz");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  EXPECT_EQ(response.body(), R"({"status":"ready"})");
}

TEST_F(OpsTest, NotReadyOnceTheLogIsReadOnlyAndSaysWhy) {
  journal_.Break(
      UnavailableError("the event log is read-only after a "
                       "failed sync"));
  Response response = Send(verb::get, "/readyz");
  EXPECT_EQ(response.result(), HttpStatus::service_unavailable);
  EXPECT_EQ(Header(response, field::content_type), "application/problem+json");
  EXPECT_TRUE(Contains(response.body(), "read-only after a failed sync"));
  // Liveness is another question: the process still answers.
  EXPECT_EQ(Send(verb::get, "/healthz").result(), HttpStatus::ok);
}

TEST(Readiness, FollowsARealLogIntoReadOnlyAfterAFailedSync) {
  testing_support::StoreUnderTest under;
  Request ready(verb::get, "/readyz", 11);
  EXPECT_EQ(Route(under.store(), ready).result(), HttpStatus::ok);

  under.fs().FailSyncs(true);
  EXPECT_FALSE(under.store().Create({"lost", "", {}}).ok());
  under.fs().FailSyncs(false);

  Response response = Route(under.store(), ready);
  EXPECT_EQ(response.result(), HttpStatus::service_unavailable);
  EXPECT_TRUE(Contains(response.body(), "read-only after a failed sync"))
      << response.body();
}

// ---------------------------------------------------------------------
// Metrics

TEST_F(OpsTest, MetricsCountRequestsByRoutePatternNotByPath) {
  RequestMetrics requests;
  ops_.requests = &requests;
  ASSERT_EQ(Send(PostTask()).result(), HttpStatus::created);
  Send(verb::get, "/api/tasks/1");
  Send(verb::get, "/api/tasks/1");
  Send(verb::get, "/api/tasks/77");
  Send(verb::get, "/no/such/path/1");
  Send(verb::get, "/no/such/path/2");

  Response response = Send(verb::get, "/metrics");
  EXPECT_EQ(response.result(), HttpStatus::ok);
  EXPECT_EQ(Header(response, field::content_type),
            "text/plain; version=0.0.4; charset=utf-8");
  const std::string& body = response.body();
  EXPECT_TRUE(Contains(body,
                       "taskstore_http_requests_total{route=\"/api/tasks/"
                       "{id}\",method=\"GET\",status=\"200\"} 2\n"))
      << body;
  EXPECT_TRUE(Contains(body,
                       "taskstore_http_requests_total{route=\"/api/tasks/"
                       "{id}\",method=\"GET\",status=\"404\"} 1\n"));
  EXPECT_TRUE(Contains(body,
                       "taskstore_http_requests_total{route=\"/api/tasks\","
                       "method=\"POST\",status=\"201\"} 1\n"));
  EXPECT_TRUE(Contains(body,
                       "taskstore_http_requests_total{route=\"unmatched\","
                       "method=\"GET\",status=\"404\"} 2\n"));
  EXPECT_FALSE(Contains(body, "/api/tasks/77"));
  EXPECT_FALSE(Contains(body, "/no/such"));
  EXPECT_TRUE(Contains(body,
                       "taskstore_http_request_duration_seconds_count{route="
                       "\"/api/tasks/{id}\"} 3\n"));
}

TEST_F(OpsTest, MetricsBucketUnknownMethodsAsOther) {
  RequestMetrics requests;
  ops_.requests = &requests;
  Request request = Make(verb::get, "/api/tasks");
  request.method_string("BREW");
  Send(request);
  EXPECT_TRUE(Contains(Send(verb::get, "/metrics").body(),
                       "route=\"/api/tasks\",method=\"other\",status=\"405\""));
}

TEST_F(OpsTest, MetricsReportTaskCountsReadOnlyStateAndTheLog) {
  Send(PostTask());
  Send(PostTask());
  ASSERT_EQ(Send(verb::delete_, "/api/tasks/1").result(),
            HttpStatus::no_content);
  ops_.storage_figures = [] {
    StorageFigures figures;
    figures.events_appended = 3;
    figures.log_bytes = 4096;
    figures.sync_latency.count = 3;
    return figures;
  };

  std::string body = Send(verb::get, "/metrics").body();
  EXPECT_TRUE(Contains(body, "taskstore_tasks{state=\"visible\"} 1\n"));
  EXPECT_TRUE(Contains(body, "taskstore_tasks{state=\"deleted\"} 1\n"));
  EXPECT_TRUE(Contains(body, "taskstore_read_only 0\n"));
  EXPECT_TRUE(Contains(body, "taskstore_events_appended_total 3\n"));
  EXPECT_TRUE(Contains(body, "taskstore_log_bytes 4096\n"));
  EXPECT_TRUE(Contains(body, "taskstore_log_sync_duration_seconds_count 3\n"));
  EXPECT_TRUE(Contains(body,
                       "# TYPE taskstore_log_sync_duration_seconds "
                       "histogram\n"));

  journal_.Break(UnavailableError("read-only"));
  EXPECT_TRUE(
      Contains(Send(verb::get, "/metrics").body(), "taskstore_read_only 1\n"));
}

// ---------------------------------------------------------------------
// The bearer token

TEST_F(OpsTest, WithoutATokenWritesStayOpen) {
  EXPECT_EQ(Send(PostTask()).result(), HttpStatus::created);
}

TEST_F(OpsTest, WritesWithoutTheTokenAre401WithAChallenge) {
  RequireToken();
  for (const char* authorization :
       {"", "Bearer", "Bearer wrong", "Basic czNjcmV0", "Bearer s3cret-Token_",
        "Bearer s3cret-Token_12"}) {
    SCOPED_TRACE(authorization);
    Request request = PostTask();
    if (*authorization != '\0')
      request.set(field::authorization, authorization);
    Response response = Send(request);
    EXPECT_EQ(response.result(), HttpStatus::unauthorized);
    EXPECT_EQ(Header(response, field::www_authenticate),
              "Bearer realm=\"taskstore\"");
    EXPECT_EQ(Header(response, field::content_type),
              "application/problem+json");
    EXPECT_FALSE(Contains(response.body(), kToken));
  }
  EXPECT_TRUE(store_.Search("").empty());
}

TEST_F(OpsTest, WritesWithTheTokenPass) {
  RequireToken();
  Request request = PostTask();
  request.set(field::authorization, std::string("Bearer ") + kToken);
  EXPECT_EQ(Send(request).result(), HttpStatus::created);
  Request deletion = Make(verb::delete_, "/api/tasks/1");
  deletion.set(field::authorization, std::string("bearer ") + kToken);
  EXPECT_EQ(Send(deletion).result(), HttpStatus::no_content);
}

TEST_F(OpsTest, ReadsStayOpenWithAToken) {
  RequireToken();
  for (const char* target : {"/api/tasks", "/tasks", "/healthz", "/readyz",
                             "/metrics", "/api/openapi.json", "/signin"}) {
    SCOPED_TRACE(target);
    EXPECT_EQ(Send(verb::get, target).result(), HttpStatus::ok);
  }
}

TEST_F(OpsTest, AdminRoutesNeedTheToken) {
  RequireToken();
  Response response = Send(verb::post, "/api/admin/snapshot");
  EXPECT_EQ(response.result(), HttpStatus::unauthorized);
  EXPECT_TRUE(NeedsToken(verb::get, "/api/admin/snapshot"));
}

TEST_F(OpsTest, TheApiRefusesTheSignInCookie) {
  RequireToken();
  Request request = PostTask();
  request.set(field::cookie, std::string("taskstore_session=") + kSession);
  EXPECT_EQ(Send(request).result(), HttpStatus::unauthorized);
}

TEST_F(OpsTest, FormPostsWithoutSignInGetAPagePointingToSignIn) {
  RequireToken();
  Response response = Send(PostForm("/tasks", "title=x"));
  EXPECT_EQ(response.result(), HttpStatus::unauthorized);
  EXPECT_EQ(Header(response, field::content_type), "text/html; charset=utf-8");
  EXPECT_TRUE(Contains(response.body(), "/signin"));
  EXPECT_FALSE(Header(response, field::www_authenticate).empty());
  EXPECT_TRUE(store_.Search("").empty());
}

TEST_F(OpsTest, SigningInSetsAStrictHttpOnlyCookieThatFormsAccept) {
  RequireToken();
  Response signed_in = Send(PostForm("/signin", "token=s3cret-Token_1"));
  EXPECT_EQ(signed_in.result(), HttpStatus::see_other);
  std::string cookie = Header(signed_in, field::set_cookie);
  EXPECT_EQ(cookie, std::string("taskstore_session=") + kSession +
                        "; Path=/; HttpOnly; SameSite=Strict");
  EXPECT_FALSE(Contains(cookie, kToken));

  Request add = PostForm("/tasks", "title=from+the+form");
  add.set(field::cookie, std::string("theme=dark; taskstore_session=") +
                             kSession + "; other=1");
  EXPECT_EQ(Send(add).result(), HttpStatus::see_other);
  ASSERT_EQ(store_.Search("").size(), 1u);

  Request forged = PostForm("/tasks/1/delete", "");
  forged.set(field::cookie, "taskstore_session=0123456789abcdee");
  EXPECT_EQ(Send(forged).result(), HttpStatus::unauthorized);
}

TEST_F(OpsTest, AWrongTokenAtSignInShowsTheFormAgain) {
  RequireToken();
  Response response = Send(PostForm("/signin", "token=guess"));
  EXPECT_EQ(response.result(), HttpStatus::unauthorized);
  EXPECT_TRUE(Header(response, field::set_cookie).empty());
  EXPECT_TRUE(Contains(response.body(), "That is not the token."));
  EXPECT_TRUE(Contains(response.body(), "name=\"token\""));
}

TEST_F(OpsTest, SignInFromAnotherSiteIsRefused) {
  RequireToken();
  Request request = PostForm("/signin", "token=s3cret-Token_1");
  request.set(field::origin, "http://evil.example");
  Response response = Send(request);
  EXPECT_EQ(response.result(), HttpStatus::forbidden);
  EXPECT_TRUE(Header(response, field::set_cookie).empty());
}

TEST_F(OpsTest, SignInWithoutATokenSaysNoneIsNeeded) {
  EXPECT_TRUE(Contains(Send(verb::get, "/signin").body(), "needs no token"));
  EXPECT_EQ(Send(PostForm("/signin", "token=x")).result(),
            HttpStatus::see_other);
}

TEST(AccessPolicy, ComparesTokensExactly) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "ab"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", ""));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
}

TEST(AccessPolicy, RefusesEmptyAndMalformedTokensWithoutEchoingThem) {
  for (const char* token : {"", "===", "has space", "tab\there", "quote\"d",
                            "caf\xc3\xa9", "a=b"}) {
    SCOPED_TRACE(token);
    Result<AccessPolicy> policy = MakeAccessPolicy(token);
    EXPECT_EQ(policy.status().code(), StatusCode::kInvalidArgument);
    if (std::string_view(token).size() > 3) {
      EXPECT_FALSE(Contains(policy.status().message(), token));
    }
  }
}

TEST(AccessPolicy, DrawsASessionValueUnlikeTheToken) {
  Result<AccessPolicy> first = MakeAccessPolicy("abc.DEF-123_~+/==");
  Result<AccessPolicy> second = MakeAccessPolicy("abc.DEF-123_~+/==");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(first->session_value.size(), 64u);
  EXPECT_NE(first->session_value, second->session_value);
  EXPECT_FALSE(Contains(first->session_value, first->token));
}

// ---------------------------------------------------------------------
// CORS

TEST_F(OpsTest, WithoutAnOriginThereAreNoCorsHeadersAndPreflightIs405) {
  Request preflight = Make(verb::options, "/api/tasks");
  preflight.set(field::origin, kOrigin);
  preflight.set(field::access_control_request_method, "POST");
  Response response = Send(preflight);
  EXPECT_EQ(response.result(), HttpStatus::method_not_allowed);
  EXPECT_TRUE(Header(response, field::access_control_allow_origin).empty());

  Request get = Make(verb::get, "/api/tasks");
  get.set(field::origin, kOrigin);
  Response answer = Send(get);
  EXPECT_TRUE(Header(answer, field::access_control_allow_origin).empty());
  EXPECT_TRUE(Header(answer, field::vary).empty());
}

TEST_F(OpsTest, PreflightFromTheAllowedOriginIs204WithMethodsAndHeaders) {
  AllowOrigin();
  Request preflight = Make(verb::options, "/api/tasks/5");
  preflight.set(field::origin, kOrigin);
  preflight.set(field::access_control_request_method, "DELETE");
  preflight.set(field::access_control_request_headers, "authorization");
  Response response = Send(preflight);
  EXPECT_EQ(response.result(), HttpStatus::no_content);
  EXPECT_EQ(Header(response, field::access_control_allow_origin), kOrigin);
  EXPECT_EQ(Header(response, field::access_control_allow_methods),
            "GET, HEAD, DELETE, PATCH");
  std::string headers = Header(response, field::access_control_allow_headers);
  for (const char* name :
       {"Content-Type", "Authorization", "If-Match", "Idempotency-Key",
        "X-Actor", "X-Request-Id", "Last-Event-ID"}) {
    EXPECT_TRUE(Contains(headers, name)) << name;
  }
  EXPECT_EQ(Header(response, field::access_control_max_age), "600");
  EXPECT_EQ(Header(response, field::vary), "Origin");
  EXPECT_TRUE(Header(response, field::content_length).empty());
}

TEST_F(OpsTest, PreflightNeedsNoToken) {
  AllowOrigin();
  RequireToken();
  Request preflight = Make(verb::options, "/api/tasks");
  preflight.set(field::origin, kOrigin);
  preflight.set(field::access_control_request_method, "POST");
  EXPECT_EQ(Send(preflight).result(), HttpStatus::no_content);
}

TEST_F(OpsTest, PreflightFromAnotherOriginOrOfAPageIsRefused) {
  AllowOrigin();
  Request other = Make(verb::options, "/api/tasks");
  other.set(field::origin, "https://evil.example");
  other.set(field::access_control_request_method, "POST");
  EXPECT_EQ(Send(other).result(), HttpStatus::method_not_allowed);

  Request page = Make(verb::options, "/tasks");
  page.set(field::origin, kOrigin);
  page.set(field::access_control_request_method, "POST");
  EXPECT_EQ(Send(page).result(), HttpStatus::method_not_allowed);
}

TEST_F(OpsTest, ResponsesToTheAllowedOriginCarryCorsHeaders) {
  AllowOrigin();
  Request request = PostTask();
  request.set(field::origin, kOrigin);
  Response response = Send(request);
  EXPECT_EQ(response.result(), HttpStatus::created);
  EXPECT_EQ(Header(response, field::access_control_allow_origin), kOrigin);
  EXPECT_EQ(Header(response, field::access_control_expose_headers),
            "ETag, Location, X-Request-Id");
  EXPECT_EQ(Header(response, field::vary), "Origin");
  EXPECT_TRUE(
      Header(response, field::access_control_allow_credentials).empty());
}

TEST_F(OpsTest, ResponsesToOtherOriginsCarryOnlyVary) {
  AllowOrigin();
  for (const char* origin :
       {"https://evil.example", "https://board.example.evil",
        "http://board.example", ""}) {
    SCOPED_TRACE(origin);
    Request request = Make(verb::get, "/api/tasks");
    if (*origin != '\0') request.set(field::origin, origin);
    Response response = Send(request);
    EXPECT_TRUE(Header(response, field::access_control_allow_origin).empty());
    EXPECT_EQ(Header(response, field::vary), "Origin");
  }
  Request page = Make(verb::get, "/tasks");
  page.set(field::origin, kOrigin);
  EXPECT_TRUE(Header(Send(page), field::access_control_allow_origin).empty());
}

TEST_F(OpsTest, TheAllowedOriginMayTakeSnapshots) {
  AllowOrigin();
  AdminActions admin;
  admin.take_snapshot = []() -> Result<std::string> {
    return std::string("snapshot-1.tssnap");
  };
  Request request = Make(verb::post, "/api/admin/snapshot");
  request.set(field::origin, kOrigin);
  EXPECT_EQ(Route(store_, request, admin, ops_).result(), HttpStatus::ok);
  request.set(field::origin, "https://evil.example");
  EXPECT_EQ(Route(store_, request, admin, ops_).result(),
            HttpStatus::forbidden);
}

TEST(Cors, AcceptsOnlySerializedOrigins) {
  for (const char* origin : {"https://tasks.example", "http://localhost:3000",
                             "http://[::1]:8080", "http://127.0.0.1"}) {
    EXPECT_TRUE(ValidateOrigin(origin).ok()) << origin;
  }
  for (const char* origin :
       {"", "*", "tasks.example", "https://", "https://:80",
        "https://tasks.example/", "https://a.example/x", "ftp://a.example",
        "https://a b"}) {
    SCOPED_TRACE(origin);
    EXPECT_EQ(ValidateOrigin(origin).code(), StatusCode::kInvalidArgument);
  }
}

// ---------------------------------------------------------------------
// Serve flags

TEST(OpsFlags, TheFlagWinsOverTheEnvironment) {
  Result<AccessPolicy> policy = app::ResolveToken("from-flag", "from-env");
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->token, "from-flag");
  policy = app::ResolveToken(std::nullopt, "from-env");
  ASSERT_TRUE(policy.ok());
  EXPECT_EQ(policy->token, "from-env");
  policy = app::ResolveToken(std::nullopt, nullptr);
  ASSERT_TRUE(policy.ok());
  EXPECT_FALSE(policy->enabled());
}

TEST(OpsFlags, AnEmptyTokenIsRefusedFromEitherSource) {
  Result<AccessPolicy> flag = app::ResolveToken("", "fine");
  EXPECT_EQ(flag.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(flag.status().message(), "--token"));
  Result<AccessPolicy> environment = app::ResolveToken(std::nullopt, "");
  EXPECT_EQ(environment.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(Contains(environment.status().message(), "TASKSTORE_TOKEN"));
}

TEST(OpsFlags, CorsOriginIsCheckedWhenGiven) {
  EXPECT_FALSE(app::ResolveCorsOrigin("")->enabled());
  EXPECT_EQ(app::ResolveCorsOrigin("https://a.example")->allowed_origin,
            "https://a.example");
  EXPECT_EQ(app::ResolveCorsOrigin("https://a.example/").status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace taskstore::http
