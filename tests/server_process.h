// Helpers for the tests that run the real `taskstore` executable: starting
// it as a child process, waiting for a server's "listening on" line,
// stopping or killing it by its pid, and a small synchronous HTTP/1.1
// client that talks to 127.0.0.1 only.
//
// Every process these helpers end is one they started; they never signal
// anything but the pid that posix_spawn returned to them.
#ifndef TASKSTORE_TESTS_SERVER_PROCESS_H_
#define TASKSTORE_TESTS_SERVER_PROCESS_H_

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace taskstore::testing_support {

using SteadyClock = std::chrono::steady_clock;
using Strings = std::vector<std::string>;

// How long a stopped process may take to exit before it is killed.
inline constexpr std::chrono::seconds kStopTimeout{10};
// How long one HTTP exchange (connect, write, read) may take.
inline constexpr std::chrono::seconds kRequestTimeout{10};

// The path of the executable under test, as the build placed it.
const char* TaskstoreBinary();

// The content of the file at `path`; "" when it cannot be read.
std::string ReadWholeFile(const std::string& path);

// ---------------------------------------------------------------------------
// Child processes by pid

// `pid`'s exit code once it ends within `timeout` (128 + the signal number
// when a signal ended it, -1 when it is not a child); nullopt while it
// still runs. Reaps the child when it returns a code.
std::optional<int> WaitForExit(pid_t pid, SteadyClock::duration timeout);

// Stops `pid`, a child this process started: SIGTERM first, SIGKILL only
// when it has not exited within kStopTimeout. Returns the exit code as
// WaitForExit does.
int Terminate(pid_t pid);

// Starts TaskstoreBinary() with `args`, stdin from /dev/null, stdout onto
// `stdout_fd` and stderr into the file `stderr_path` (truncated). Returns
// the pid, or -1 when it could not be started. The caller must reap it.
pid_t Spawn(const Strings& args, int stdout_fd, const std::string& stderr_path);

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs `taskstore args...` to its end with stdout in the file `out_path`
// and stderr in `err_path`, and returns all three. A command still running
// after `timeout` is stopped and its `err` says so.
CommandResult RunCommand(const Strings& args, const std::string& out_path,
                         const std::string& err_path,
                         SteadyClock::duration timeout);

// ---------------------------------------------------------------------------
// A `taskstore serve` child process

// Owns one `taskstore serve` process on 127.0.0.1 and the read end of a
// pipe on its stdout. Destroying or assigning over one that still runs
// stops it with Terminate(). Move-only; not thread-safe.
class ServerProcess {
 public:
  // Holds no process.
  ServerProcess() = default;
  ~ServerProcess();

  ServerProcess(ServerProcess&& other) noexcept;
  ServerProcess& operator=(ServerProcess&& other) noexcept;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts `taskstore serve --data data_directory --host 127.0.0.1 --port 0
  // extra_args...` with stderr in the file `stderr_path`, and returns at
  // once. When it cannot be started, running() is false and problem() says
  // why.
  static ServerProcess Launch(const std::string& data_directory,
                              const std::string& stderr_path,
                              const Strings& extra_args = {});

  // Waits up to `timeout` for the first line of stdout, which must be
  // "listening on http://127.0.0.1:PORT", and takes the port from it.
  // False, with problem() set, when the server exits, prints something
  // else or stays silent.
  bool AwaitListening(SteadyClock::duration timeout);

  // Sends `signal` to the server; does nothing when none runs.
  void Signal(int signal) const;

  // The exit code once the server ends within `timeout` (see the free
  // function); the process is then reaped and running() is false.
  std::optional<int> WaitForExit(SteadyClock::duration timeout);

  // SIGTERM, then SIGKILL after kStopTimeout; reaps. Returns the exit code,
  // or -1 when nothing was running.
  int Terminate();

  // SIGKILL, then reaps: the crash the kill test is about. Returns the
  // exit code (128 + SIGKILL), or -1 when nothing was running.
  int Kill();

  // What the server wrote to stdout after its first line, reading for up
  // to a second more (to the end of the pipe once the server has exited).
  std::string DrainStdout();

  // Everything the server wrote to stderr so far.
  std::string Stderr() const { return ReadWholeFile(stderr_path_); }

  // True from Launch() until the process is reaped.
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  // 0 until AwaitListening() succeeded.
  std::uint16_t port() const { return port_; }
  const std::string& problem() const { return problem_; }
  const std::string& stderr_path() const { return stderr_path_; }

 private:
  // Stops a running process and closes the pipe.
  void Reset();

  pid_t pid_ = -1;
  int stdout_fd_ = -1;  // read end of the pipe on the server's stdout
  std::string stdout_text_;
  std::string stderr_path_;
  std::uint16_t port_ = 0;
  std::string problem_;  // why it did not start listening
};

// ---------------------------------------------------------------------------
// HTTP/1.1 on 127.0.0.1

struct Reply {
  unsigned status = 0;  // 0 when the exchange itself failed
  std::string content_type;
  std::string location;
  std::string body;
  std::string error;  // set when status is 0

  // The body as JSON; a discarded value when it is not JSON.
  nlohmann::json Json() const;
};

// Prints the status, the content type and the start of the body, or why
// there was no reply.
std::ostream& operator<<(std::ostream& out, const Reply& reply);

// A client connection to 127.0.0.1:`port`. It connects on the first
// request, and again on the next request after any failure or after the
// server closed it, so a client keeps going across a server's death (the
// requests in between fail). Each exchange is bounded by kRequestTimeout.
// Not thread-safe: use one per thread.
class HttpConnection {
 public:
  // With `keep_alive` false every request asks the server to close the
  // connection after its answer.
  HttpConnection(std::uint16_t port, bool keep_alive);

  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request and reads its answer. A body (and Content-Type) is
  // sent only when `content_type` is not empty.
  Reply Send(boost::beast::http::verb method, const std::string& target,
             const std::string& content_type = "",
             const std::string& body = "");

 private:
  void Close();

  const std::uint16_t port_;
  const bool keep_alive_;
  boost::asio::io_context io_;
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  bool connected_ = false;
};

// One request on a connection of its own.
Reply Exchange(std::uint16_t port, boost::beast::http::verb method,
               const std::string& target, const std::string& content_type,
               const std::string& body);

// GETs every page of the list at `target` (a path with or without a query,
// but no `after` or `limit`), 1000 items at a time, following "next". The
// reply holds the last page's status and headers and a body
// {`key`: [every item, in order], "next": null}; or, when a page failed,
// that page's reply as it came.
Reply GetEveryPage(std::uint16_t port, const std::string& target,
                   const std::string& key);

}  // namespace taskstore::testing_support

#endif  // TASKSTORE_TESTS_SERVER_PROCESS_H_
