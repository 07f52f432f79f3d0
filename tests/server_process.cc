#include "tests/server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>
#include <utility>

extern char** environ;

namespace taskstore::testing_support {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;

constexpr char kBinary[] = TASKSTORE_BINARY;
// Large enough for the task list of the whole imported data set.
constexpr std::uint64_t kMaxResponseBytes = 64 << 20;

}  // namespace

const char* TaskstoreBinary() { return kBinary; }

std::string ReadWholeFile(const std::string& path) {
  std::ifstream input(path, std::ios::binary);
  std::ostringstream content;
  content << input.rdbuf();
  return content.str();
}

// ---------------------------------------------------------------------------
// Child processes by pid

std::optional<int> WaitForExit(pid_t pid, SteadyClock::duration timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (done < 0 && errno != EINTR) return -1;
    if (SteadyClock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(10ms);
  }
}

int Terminate(pid_t pid) {
  ::kill(pid, SIGTERM);
  if (std::optional<int> code = WaitForExit(pid, kStopTimeout)) return *code;
  ::kill(pid, SIGKILL);
  return WaitForExit(pid, kStopTimeout).value_or(-1);
}

pid_t Spawn(const Strings& args, int stdout_fd,
            const std::string& stderr_path) {
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(kBinary));
  for (const std::string& arg : args) {
    argv.push_back(const_cast<char*>(arg.c_str()));
  }
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null",
                                   O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, stdout_fd, STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, stderr_path.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid = -1;
  int error =
      ::posix_spawn(&pid, kBinary, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return error == 0 ? pid : -1;
}

CommandResult RunCommand(const Strings& args, const std::string& out_path,
                         const std::string& err_path,
                         SteadyClock::duration timeout) {
  CommandResult result;
  int out_fd =
      ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (out_fd < 0) {
    result.err = std::string("open: ") + std::strerror(errno);
    return result;
  }
  pid_t pid = Spawn(args, out_fd, err_path);
  ::close(out_fd);
  if (pid < 0) {
    result.err = "could not start " + std::string(kBinary);
    return result;
  }
  std::optional<int> code = WaitForExit(pid, timeout);
  result.exit_code = code ? *code : Terminate(pid);
  result.out = ReadWholeFile(out_path);
  result.err = ReadWholeFile(err_path);
  if (!code) result.err += "\n[test: killed after the time limit]";
  return result;
}

// ---------------------------------------------------------------------------
// ServerProcess

ServerProcess::~ServerProcess() { Reset(); }

ServerProcess::ServerProcess(ServerProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      stdout_fd_(std::exchange(other.stdout_fd_, -1)),
      stdout_text_(std::move(other.stdout_text_)),
      stderr_path_(std::move(other.stderr_path_)),
      port_(std::exchange(other.port_, 0)),
      problem_(std::move(other.problem_)) {}

ServerProcess& ServerProcess::operator=(ServerProcess&& other) noexcept {
  if (this == &other) return *this;
  Reset();
  pid_ = std::exchange(other.pid_, -1);
  stdout_fd_ = std::exchange(other.stdout_fd_, -1);
  stdout_text_ = std::move(other.stdout_text_);
  stderr_path_ = std::move(other.stderr_path_);
  port_ = std::exchange(other.port_, 0);
  problem_ = std::move(other.problem_);
  return *this;
}

ServerProcess ServerProcess::Launch(const std::string& data_directory,
                                    const std::string& stderr_path,
                                    const Strings& extra_args) {
  ServerProcess server;
  server.stderr_path_ = stderr_path;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    server.problem_ = std::string("pipe: ") + std::strerror(errno);
    return server;
  }
  Strings args = {"serve",  "--data", data_directory, "--host", "127.0.0.1",
                  "--port", "0"};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  server.pid_ = Spawn(args, pipe_fds[1], stderr_path);
  ::close(pipe_fds[1]);
  server.stdout_fd_ = pipe_fds[0];
  if (server.pid_ < 0) {
    server.problem_ = "could not start " + std::string(kBinary);
  }
  return server;
}

bool ServerProcess::AwaitListening(SteadyClock::duration timeout) {
  if (pid_ < 0) return false;
  const auto deadline = SteadyClock::now() + timeout;
  std::size_t newline;
  while ((newline = stdout_text_.find('\n')) == std::string::npos) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - SteadyClock::now());
    pollfd ready{stdout_fd_, POLLIN, 0};
    int polled = left.count() > 0
                     ? ::poll(&ready, 1, static_cast<int>(left.count()))
                     : 0;
    if (polled < 0 && errno == EINTR) continue;
    if (polled <= 0) {
      problem_ = "no \"listening on\" line within the time limit";
      return false;
    }
    char chunk[256];
    ssize_t got = ::read(stdout_fd_, chunk, sizeof chunk);
    if (got <= 0) {
      problem_ = "stdout closed before a \"listening on\" line";
      return false;
    }
    stdout_text_.append(chunk, static_cast<std::size_t>(got));
  }

  std::string line = stdout_text_.substr(0, newline);
  static const std::regex kListening(
      R"(listening on http://127\.0\.0\.1:([0-9]{1,5}))");
  std::smatch match;
  if (!std::regex_match(line, match, kListening)) {
    problem_ = "unexpected first line \"" + line + "\"";
    return false;
  }
  port_ = static_cast<std::uint16_t>(std::stoi(match[1].str()));
  return port_ != 0;
}

void ServerProcess::Signal(int signal) const {
  if (pid_ > 0) ::kill(pid_, signal);
}

std::optional<int> ServerProcess::WaitForExit(SteadyClock::duration timeout) {
  if (pid_ <= 0) return -1;
  std::optional<int> code = testing_support::WaitForExit(pid_, timeout);
  if (code) pid_ = -1;
  return code;
}

int ServerProcess::Terminate() {
  if (pid_ <= 0) return -1;
  int code = testing_support::Terminate(pid_);
  pid_ = -1;
  return code;
}

int ServerProcess::Kill() {
  if (pid_ <= 0) return -1;
  ::kill(pid_, SIGKILL);
  return WaitForExit(kStopTimeout).value_or(-1);
}

std::string ServerProcess::DrainStdout() {
  std::string rest = stdout_text_.substr(stdout_text_.find('\n') + 1);
  if (stdout_fd_ < 0) return rest;
  pollfd ready{stdout_fd_, POLLIN, 0};
  char chunk[256];
  while (::poll(&ready, 1, 1000) > 0) {
    ssize_t got = ::read(stdout_fd_, chunk, sizeof chunk);
    if (got <= 0) break;
    rest.append(chunk, static_cast<std::size_t>(got));
  }
  return rest;
}

void ServerProcess::Reset() {
  Terminate();
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
  stdout_fd_ = -1;
  stdout_text_.clear();
  port_ = 0;
}

// ---------------------------------------------------------------------------
// HTTP

nlohmann::json Reply::Json() const {
  return nlohmann::json::parse(body, nullptr, false);
}

std::ostream& operator<<(std::ostream& out, const Reply& reply) {
  if (reply.status == 0) return out << "no reply: " << reply.error;
  return out << reply.status << " " << reply.content_type << " "
             << reply.body.substr(0, 500);
}

HttpConnection::HttpConnection(std::uint16_t port, bool keep_alive)
    : port_(port), keep_alive_(keep_alive), stream_(io_) {}

Reply HttpConnection::Send(http::verb method, const std::string& target,
                           const std::string& content_type,
                           const std::string& body) {
  http::request<http::string_body> request(method, target, 11);
  request.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  request.keep_alive(keep_alive_);
  if (!content_type.empty()) {
    request.set(http::field::content_type, content_type);
    request.body() = body;
  }
  request.prepare_payload();

  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBytes);
  beast::error_code failure;
  auto write_then_read = [&] {
    http::async_write(
        stream_, request, [&](beast::error_code written, std::size_t) {
          if (written) {
            failure = written;
            return;
          }
          http::async_read(
              stream_, buffer_, parser,
              [&](beast::error_code read, std::size_t) { failure = read; });
        });
  };

  // One deadline covers the whole exchange, the connect included.
  stream_.expires_after(kRequestTimeout);
  if (connected_) {
    write_then_read();
  } else {
    buffer_.clear();
    const asio::ip::tcp::endpoint endpoint(asio::ip::address_v4::loopback(),
                                           port_);
    stream_.async_connect(endpoint, [&](beast::error_code connected) {
      if (connected) {
        failure = connected;
        return;
      }
      connected_ = true;
      write_then_read();
    });
  }
  io_.restart();
  io_.run();

  Reply reply;
  if (failure) {
    Close();
    reply.error = std::string(http::to_string(method)) + " " + target + ": " +
                  failure.message();
    return reply;
  }
  const http::response<http::string_body>& response = parser.get();
  if (!response.keep_alive()) Close();
  reply.status = response.result_int();
  reply.content_type = std::string(response[http::field::content_type]);
  reply.location = std::string(response[http::field::location]);
  reply.body = response.body();
  return reply;
}

void HttpConnection::Close() {
  beast::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.close();
  connected_ = false;
}

Reply Exchange(std::uint16_t port, http::verb method, const std::string& target,
               const std::string& content_type, const std::string& body) {
  HttpConnection connection(port, /*keep_alive=*/false);
  return connection.Send(method, target, content_type, body);
}

Reply GetEveryPage(std::uint16_t port, const std::string& target,
                   const std::string& key) {
  const char separator = target.find('?') == std::string::npos ? '?' : '&';
  nlohmann::json items = nlohmann::json::array();
  std::string after;
  while (true) {
    std::string page_target = target + separator + "limit=1000" + after;
    Reply reply =
        Exchange(port, boost::beast::http::verb::get, page_target, "", "");
    nlohmann::json body = reply.Json();
    if (reply.status != 200 || !body.is_object() || !body.contains(key) ||
        !body[key].is_array() || !body.contains("next")) {
      return reply;
    }
    for (nlohmann::json& item : body[key]) items.push_back(std::move(item));
    if (body["next"].is_null()) {
      reply.body =
          nlohmann::json{{key, std::move(items)}, {"next", nullptr}}.dump();
      return reply;
    }
    after = "&after=" + body["next"].dump();
  }
}

}  // namespace taskstore::testing_support
