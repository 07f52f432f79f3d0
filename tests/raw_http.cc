#include "tests/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace taskstore::testing_support {
namespace {

using SteadyClock = std::chrono::steady_clock;

std::string Lower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return lower;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  return text;
}

}  // namespace

std::string RawResponse::Header(std::string_view name) const {
  std::string wanted = Lower(name);
  for (const auto& [key, value] : headers) {
    if (key == wanted) return value;
  }
  return "";
}

bool RawResponse::HasHeader(std::string_view name) const {
  std::string wanted = Lower(name);
  return std::any_of(headers.begin(), headers.end(), [&](const auto& header) {
    return header.first == wanted;
  });
}

RawConnection::RawConnection(std::uint16_t port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) {
    error_ = std::string("socket: ") + std::strerror(errno);
    return;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) !=
      0) {
    error_ = std::string("connect: ") + std::strerror(errno);
    ::close(fd_);
    fd_ = -1;
    return;
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(std::string_view bytes) {
  if (fd_ < 0) return false;
  while (!bytes.empty()) {
    ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (sent < 0) {
      if (errno == EINTR) continue;
      error_ = std::string("send: ") + std::strerror(errno);
      return false;
    }
    bytes.remove_prefix(static_cast<std::size_t>(sent));
  }
  return true;
}

void RawConnection::ShutdownWrite() {
  if (fd_ >= 0) ::shutdown(fd_, SHUT_WR);
}

bool RawConnection::Fill(SteadyClock::time_point deadline) {
  if (fd_ < 0 || closed_) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - SteadyClock::now());
  if (left.count() <= 0) return false;
  pollfd ready{fd_, POLLIN, 0};
  int polled = ::poll(&ready, 1, static_cast<int>(left.count()));
  if (polled < 0 && errno == EINTR) return true;
  if (polled <= 0) return false;
  char chunk[16384];
  ssize_t got = ::recv(fd_, chunk, sizeof chunk, 0);
  if (got < 0 && errno == EINTR) return true;
  if (got <= 0) {
    closed_ = true;
    return false;
  }
  buffer_.append(chunk, static_cast<std::size_t>(got));
  return true;
}

std::optional<RawResponse> RawConnection::Read(
    std::chrono::milliseconds timeout, bool head) {
  const auto deadline = SteadyClock::now() + timeout;
  std::size_t header_end;
  while ((header_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
    if (!Fill(deadline)) {
      error_ = closed_ ? "closed before a whole response header"
                       : "no whole response header in time";
      if (!buffer_.empty())
        error_ += " (got \"" + buffer_.substr(0, 200) + "\")";
      return std::nullopt;
    }
  }

  RawResponse response;
  std::string_view header(buffer_.data(), header_end);
  std::size_t line_end = header.find("\r\n");
  std::string_view status_line = header.substr(0, line_end);
  if (!status_line.starts_with("HTTP/1.") || status_line.size() < 12 ||
      status_line[8] != ' ') {
    error_ =
        "not an HTTP/1.x status line: \"" + std::string(status_line) + "\"";
    return std::nullopt;
  }
  std::string_view code = status_line.substr(9, 3);
  std::from_chars(code.data(), code.data() + code.size(), response.status);
  response.reason = std::string(
      status_line.substr(std::min<std::size_t>(13, status_line.size())));
  while (line_end != std::string_view::npos) {
    std::size_t begin = line_end + 2;
    line_end = header.find("\r\n", begin);
    std::string_view line = header.substr(begin, line_end - begin);
    std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      error_ = "header line without a colon: \"" + std::string(line) + "\"";
      return std::nullopt;
    }
    response.headers.emplace_back(Lower(line.substr(0, colon)),
                                  std::string(Trim(line.substr(colon + 1))));
  }
  buffer_.erase(0, header_end + 4);

  bool bodiless = head || response.status / 100 == 1 ||
                  response.status == 204 || response.status == 304;
  if (bodiless) return response;
  if (response.HasHeader("transfer-encoding")) {
    error_ = "the server sent a chunked response, which it never should";
    return std::nullopt;
  }
  if (!response.HasHeader("content-length")) {
    // Delimited by the end of the connection.
    while (Fill(deadline)) {
    }
    if (!closed_) {
      error_ = "a response without Content-Length did not end in time";
      return std::nullopt;
    }
    response.body = std::move(buffer_);
    buffer_.clear();
    return response;
  }
  std::string length_text = response.Header("content-length");
  std::size_t length = 0;
  auto [end, failed] = std::from_chars(
      length_text.data(), length_text.data() + length_text.size(), length);
  if (failed != std::errc() || end != length_text.data() + length_text.size()) {
    error_ = "bad Content-Length \"" + length_text + "\"";
    return std::nullopt;
  }
  while (buffer_.size() < length) {
    if (!Fill(deadline)) {
      error_ = "the body ended early or late";
      return std::nullopt;
    }
  }
  response.body = buffer_.substr(0, length);
  buffer_.erase(0, length);
  return response;
}

bool RawConnection::AwaitClose(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (!closed_) {
    buffer_.clear();
    if (!Fill(deadline) && !closed_) return false;
  }
  return true;
}

std::string RawConnection::ReadToClose(std::chrono::milliseconds timeout) {
  const auto deadline = SteadyClock::now() + timeout;
  while (Fill(deadline)) {
  }
  std::string all = std::move(buffer_);
  buffer_.clear();
  return all;
}

std::string RawRequest(std::string_view method, std::string_view target,
                       const std::vector<std::string>& headers,
                       std::string_view body) {
  std::string request = std::string(method) + " " + std::string(target) +
                        " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const std::string& header : headers) request += header + "\r\n";
  if (!body.empty()) {
    request += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  request += "\r\n";
  request += body;
  return request;
}

}  // namespace taskstore::testing_support
