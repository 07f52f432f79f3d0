// The operational surface of the real `taskstore` executable: the token
// on writes, /metrics, /readyz and the OpenAPI document, over HTTP on
// 127.0.0.1.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "tests/server_process.h"

namespace {

namespace beast = boost::beast;
namespace http = boost::beast::http;
using taskstore::testing_support::CommandResult;
using taskstore::testing_support::kRequestTimeout;
using taskstore::testing_support::RunCommand;
using taskstore::testing_support::ServerProcess;
using namespace std::chrono_literals;

constexpr char kToken[] = "e2e-Token.7f3a";

using Headers = std::vector<std::pair<http::field, std::string>>;

// One request on its own connection to 127.0.0.1:`port`, with `headers`;
// the response, or one with status 0 when the exchange failed.
http::response<http::string_body> Send(std::uint16_t port, http::verb method,
                                       const std::string& target,
                                       const Headers& headers = {},
                                       const std::string& body = "") {
  http::response<http::string_body> response;
  try {
    boost::asio::io_context io;
    beast::tcp_stream stream(io);
    stream.expires_after(kRequestTimeout);
    stream.connect(boost::asio::ip::tcp::endpoint(
        boost::asio::ip::make_address("127.0.0.1"), port));
    http::request<http::string_body> request(method, target, 11);
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    request.body() = body;
    request.prepare_payload();
    http::write(stream, request);
    beast::flat_buffer buffer;
    http::read(stream, buffer, response);
  } catch (const std::exception& error) {
    response.result(0);
    response.body() = error.what();
  }
  return response;
}

bool Contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

class OpsEndToEndTest : public testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/taskstore-ops-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr) << std::strerror(errno);
    root_ = pattern;
    data_ = root_ + "/data";
    ASSERT_EQ(::mkdir(data_.c_str(), 0755), 0) << std::strerror(errno);
  }

  void TearDown() override {
    server_.Terminate();
    std::error_code ignored;
    if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
  }

  std::string root_;
  std::string data_;
  ServerProcess server_;
};

TEST_F(OpsEndToEndTest, TokenGuardsWritesAndMetricsCountThem) {
  server_ =
      ServerProcess::Launch(data_, root_ + "/serve.err", {"--token", kToken});
  ASSERT_TRUE(server_.AwaitListening(20s)) << server_.problem() << "\n"
                                           << server_.Stderr();
  std::uint16_t port = server_.port();
  const Headers json = {{http::field::content_type, "application/json"}};
  const std::string task = R"({"title": "Guarded"})";

  auto refused = Send(port, http::verb::post, "/api/tasks", json, task);
  EXPECT_EQ(refused.result_int(), 401u) << refused.body();
  EXPECT_EQ(refused[http::field::www_authenticate],
            "Bearer realm=\"taskstore\"");

  Headers authorized = json;
  authorized.emplace_back(http::field::authorization,
                          std::string("Bearer ") + kToken);
  auto created = Send(port, http::verb::post, "/api/tasks", authorized, task);
  EXPECT_EQ(created.result_int(), 201u) << created.body();
  EXPECT_EQ(Send(port, http::verb::get, "/api/tasks/1").result_int(), 200u);
  EXPECT_EQ(Send(port, http::verb::get, "/readyz").result_int(), 200u);

  auto metrics = Send(port, http::verb::get, "/metrics");
  ASSERT_EQ(metrics.result_int(), 200u);
  EXPECT_EQ(metrics[http::field::content_type],
            "text/plain; version=0.0.4; charset=utf-8");
  const std::string& body = metrics.body();
  for (const char* line :
       {"taskstore_http_requests_total{route=\"/api/tasks\",method=\"POST\","
        "status=\"401\"} 1\n",
        "taskstore_http_requests_total{route=\"/api/tasks\",method=\"POST\","
        "status=\"201\"} 1\n",
        "taskstore_http_requests_total{route=\"/api/tasks/{id}\","
        "method=\"GET\",status=\"200\"} 1\n",
        "taskstore_events_appended_total 1\n",
        "taskstore_tasks{state=\"visible\"} 1\n", "taskstore_read_only 0\n",
        "taskstore_log_sync_duration_seconds_count"}) {
    EXPECT_TRUE(Contains(body, line)) << line << "\nin:\n" << body;
  }
  EXPECT_FALSE(Contains(body, "taskstore_log_bytes 0\n"));

  auto document = Send(port, http::verb::get, "/api/openapi.json");
  EXPECT_EQ(document.result_int(), 200u);
  nlohmann::json openapi =
      nlohmann::json::parse(document.body(), nullptr, false);
  EXPECT_EQ(openapi.value("openapi", ""), "3.1.0");

  EXPECT_EQ(server_.Terminate(), 0);
  EXPECT_FALSE(Contains(server_.Stderr(), kToken));
}

TEST_F(OpsEndToEndTest, AnEmptyTokenIsAUsageError) {
  CommandResult result =
      RunCommand({"serve", "--data", data_, "--port", "0", "--token", ""},
                 root_ + "/out", root_ + "/err", 20s);
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_TRUE(Contains(result.err, "--token")) << result.err;
  EXPECT_TRUE(Contains(result.err, "empty")) << result.err;
}

}  // namespace
