#include "http/server.h"

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <condition_variable>
#include <csignal>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "http/connection_slots.h"
#include "http/session.h"

namespace taskstore::http {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::beast::error_code;

// How long to wait before accepting again after accept() failed, e.g.
// for want of file descriptors, so that the failure does not spin.
constexpr std::chrono::milliseconds kAcceptRetryDelay{100};

// "127.0.0.1:8080", "[::1]:8080".
std::string HostPort(const std::string& host, std::uint16_t port) {
  bool is_v6 = host.find(':') != std::string::npos;
  return (is_v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace

class Server::Impl {
 public:
  Impl(domain::TaskStore& store, Logger& logger, ServerOptions options)
      : store_(store),
        logger_(logger),
        options_(std::move(options)),
        connection_slots_(options_.max_connections),
        refusal_slots_(kRefusingConnections),
        strand_(asio::make_strand(io_context_)),
        acceptor_(strand_),
        signals_(strand_),
        retry_timer_(strand_) {}

  Result<std::uint16_t> Listen();
  void Run();
  void Stop();
  void NotifyCommitted() { notifier_.Publish(); }

 private:
  void DoAccept();
  void OnAccept(error_code error, tcp::socket socket);
  void OnSignal(error_code error, int signal_number);
  void BeginShutdown();
  void RunIoThread();

  domain::TaskStore& store_;
  Logger& logger_;
  const ServerOptions options_;
  // Declared before io_context_: the sessions it destroys give their
  // slots back.
  ConnectionSlots connection_slots_;
  ConnectionSlots refusal_slots_;
  EventNotifier notifier_;

  asio::io_context io_context_;
  // Serializes the handlers that touch the members below it.
  asio::strand<asio::io_context::executor_type> strand_;
  tcp::acceptor acceptor_;
  asio::signal_set signals_;
  asio::steady_timer retry_timer_;
  std::vector<std::weak_ptr<Session>> sessions_;
  bool shutting_down_ = false;
  bool at_capacity_ = false;  // the last connection found no slot

  bool listening_ = false;  // used by Listen() and Run() only

  // Between Stop() and the thread in Run().
  std::mutex mutex_;
  std::condition_variable changed_;
  bool stop_requested_ = false;
  int running_threads_ = 0;
};

Result<std::uint16_t> Server::Impl::Listen() {
  if (listening_) return FailedPreconditionError("the server is listening");
  std::string where = HostPort(options_.host, options_.port);

  error_code error;
  tcp::resolver resolver(io_context_);
  tcp::resolver::results_type endpoints =
      resolver.resolve(options_.host, std::to_string(options_.port),
                       tcp::resolver::numeric_service, error);
  if (error || endpoints.empty()) {
    return InvalidArgumentError("resolve " + where + ": " +
                                (error ? error.message() : "no address"));
  }
  tcp::endpoint endpoint = endpoints.begin()->endpoint();

  auto fail = [&](std::string_view step) {
    error_code ignored;
    acceptor_.close(ignored);
    return IOError(std::string(step) + " " + where + ": " + error.message());
  };
  if (acceptor_.open(endpoint.protocol(), error))
    return fail("open socket for");
  // Lets a restarted server bind while old connections sit in TIME_WAIT.
  if (acceptor_.set_option(asio::socket_base::reuse_address(true), error)) {
    return fail("set SO_REUSEADDR on");
  }
  if (acceptor_.bind(endpoint, error)) return fail("bind");
  if (acceptor_.listen(asio::socket_base::max_listen_connections, error)) {
    return fail("listen on");
  }
  std::uint16_t port = acceptor_.local_endpoint(error).port();
  if (error) return fail("read the address of");
  listening_ = true;
  return port;
}

void Server::Impl::Run() {
  if (!listening_) return;
  DoAccept();
  signals_.add(SIGINT);
  signals_.add(SIGTERM);
  signals_.async_wait(boost::beast::bind_front_handler(&Impl::OnSignal, this));

  int thread_count = std::max(1, options_.threads);
  {
    std::lock_guard lock(mutex_);
    running_threads_ = thread_count;
  }
  std::vector<std::thread> threads;
  threads.reserve(thread_count);
  for (int i = 0; i < thread_count; ++i) {
    threads.emplace_back([this] { RunIoThread(); });
  }

  {
    std::unique_lock lock(mutex_);
    changed_.wait(lock,
                  [&] { return stop_requested_ || running_threads_ == 0; });
    bool drained = changed_.wait_for(lock, options_.shutdown_grace,
                                     [&] { return running_threads_ == 0; });
    if (!drained) {
      logger_.Warning("connections still busy " +
                      std::to_string(options_.shutdown_grace.count()) +
                      "s after the stop was asked for; closing them");
      io_context_.stop();
    }
  }
  for (std::thread& thread : threads) thread.join();
  // Gives SIGINT and SIGTERM back to their default actions.
  error_code ignored;
  signals_.clear(ignored);
}

void Server::Impl::RunIoThread() {
  while (true) {
    try {
      io_context_.run();  // returns once no work is left
      break;
    } catch (const std::exception& exception) {
      // Handlers catch what they expect; this keeps the thread serving
      // after something unexpected.
      logger_.Error(std::string("unexpected exception in an io thread: ") +
                    exception.what());
    }
  }
  {
    std::lock_guard lock(mutex_);
    --running_threads_;
  }
  changed_.notify_all();
}

void Server::Impl::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stop_requested_) return;
    stop_requested_ = true;
  }
  changed_.notify_all();
  asio::post(strand_, [this] { BeginShutdown(); });
}

void Server::Impl::BeginShutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  error_code ignored;
  acceptor_.close(ignored);
  // Cancelling the wait lets the io_context run out of work; clearing the
  // set gives SIGINT and SIGTERM back their default action, so a second
  // signal ends the process at once, in the middle of whatever it does.
  signals_.cancel(ignored);
  signals_.clear(ignored);
  retry_timer_.cancel();
  notifier_.Close();
  // Once the sessions have closed, the io_context runs out of work and
  // the io threads return.
  for (const std::weak_ptr<Session>& weak : sessions_) {
    if (std::shared_ptr<Session> session = weak.lock()) session->Shutdown();
  }
  sessions_.clear();
}

void Server::Impl::DoAccept() {
  // Each connection gets its own strand, so connections are served in
  // parallel while one connection's handlers never overlap.
  acceptor_.async_accept(
      asio::make_strand(io_context_),
      boost::beast::bind_front_handler(&Impl::OnAccept, this));
}

void Server::Impl::OnAccept(error_code error, tcp::socket socket) {
  if (shutting_down_ || error == asio::error::operation_aborted) return;
  if (error) {
    logger_.Error("accept on " + HostPort(options_.host, options_.port) + ": " +
                  error.message());
    retry_timer_.expires_after(kAcceptRetryDelay);
    retry_timer_.async_wait([this](error_code wait_error) {
      if (!wait_error && !shutting_down_) DoAccept();
    });
    return;
  }

  // Responses go out in one write each, so Nagle's delay only adds
  // latency.
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  std::erase_if(sessions_, [](const std::weak_ptr<Session>& weak) {
    return weak.expired();
  });

  if (std::optional<ConnectionSlots::Slot> slot = connection_slots_.TryTake()) {
    at_capacity_ = false;
    auto session =
        std::make_shared<Session>(std::move(socket), store_, notifier_, logger_,
                                  options_, std::move(*slot));
    sessions_.push_back(session);
    session->Start();
    return DoAccept();
  }

  // Past the cap. Accepting and answering 503 tells a client to come back
  // later, where leaving it in the listen queue would keep it waiting
  // without a word; refusals are capped too, and past that the connection
  // is closed unanswered.
  if (!at_capacity_) {
    at_capacity_ = true;
    logger_.Warning("connection limit of " +
                    std::to_string(connection_slots_.capacity()) +
                    " reached; new connections are answered 503 until "
                    "one closes");
  }
  if (std::optional<ConnectionSlots::Slot> slot = refusal_slots_.TryTake()) {
    auto session =
        std::make_shared<Session>(std::move(socket), store_, notifier_, logger_,
                                  options_, std::move(*slot));
    sessions_.push_back(session);
    session->StartRefusing();
  } else {
    socket.close(ignored);
  }
  DoAccept();
}

void Server::Impl::OnSignal(error_code error, int signal_number) {
  if (error) return;  // cancelled by BeginShutdown
  logger_.Info("received signal " + std::to_string(signal_number) +
               "; stopping");
  Stop();
}

Server::Server(domain::TaskStore& store, Logger& logger, ServerOptions options)
    : impl_(std::make_unique<Impl>(store, logger, std::move(options))) {}

Server::~Server() = default;

Result<std::uint16_t> Server::Listen() { return impl_->Listen(); }

void Server::Run() { impl_->Run(); }

void Server::Stop() { impl_->Stop(); }

void Server::NotifyCommitted() { impl_->NotifyCommitted(); }

}  // namespace taskstore::http
