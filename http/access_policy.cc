#include "http/access_policy.h"

#include <array>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <random>

#include "http/html_pages.h"
#include "http/problem.h"

namespace taskstore::http {
namespace {

using boost::beast::http::field;
using boost::beast::http::verb;

constexpr std::string_view kChallenge = "Bearer realm=\"taskstore\"";

bool IsTokenCharacter(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
         c == '~' || c == '+' || c == '/';
}

bool IsApiPath(std::string_view path) { return path.starts_with("/api/"); }

// 32 bytes from the system's random source, as hex.
std::string RandomSessionValue() {
  // random_device reads the kernel's generator on Linux; one value per
  // process start is all that is needed.
  std::random_device source;
  std::string value;
  constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 8; ++i) {
    std::uint32_t word = source();
    for (int nibble = 0; nibble < 8; ++nibble) {
      value += kHex[(word >> (nibble * 4)) & 0xf];
    }
  }
  return value;
}

// The value of the cookie `name` in the request's Cookie headers, or "".
std::string_view FindCookie(const Request& request, std::string_view name) {
  for (auto it = request.find(field::cookie);
       it != request.end() && it->name() == field::cookie; ++it) {
    std::string_view rest = ToStd(it->value());
    while (!rest.empty()) {
      std::size_t end = rest.find(';');
      std::string_view pair = rest.substr(0, end);
      rest = end == std::string_view::npos ? "" : rest.substr(end + 1);
      while (!pair.empty() && pair.front() == ' ') pair.remove_prefix(1);
      std::size_t equals = pair.find('=');
      if (equals != std::string_view::npos && pair.substr(0, equals) == name) {
        return pair.substr(equals + 1);
      }
    }
  }
  return {};
}

}  // namespace

Result<AccessPolicy> MakeAccessPolicy(std::string token) {
  if (token.empty()) {
    return InvalidArgumentError(
        "the token is empty; give a secret of visible characters, or no "
        "token at all to leave writes open");
  }
  // Padding "=" may end the token but not make all of it.
  std::size_t last = token.find_last_not_of('=');
  if (last == std::string::npos) {
    return InvalidArgumentError("the token is nothing but \"=\" padding");
  }
  for (std::size_t i = 0; i <= last; ++i) {
    if (!IsTokenCharacter(token[i])) {
      return InvalidArgumentError(
          "the token may hold only letters, digits and - . _ ~ + / (and "
          "= at its end), as a bearer token must; character " +
          std::to_string(i + 1) + " is not one of them");
    }
  }
  return AccessPolicy{std::move(token), RandomSessionValue()};
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  // Every byte of `a` is compared, against `b` or against itself once `b`
  // runs out, so the loop's length never depends on `b`'s content.
  unsigned char difference = a.size() == b.size() ? 0 : 1;
  for (std::size_t i = 0; i < a.size(); ++i) {
    unsigned char other = i < b.size() ? b[i] : a[i];
    difference |= static_cast<unsigned char>(a[i] ^ other);
  }
  return difference == 0;
}

bool NeedsToken(verb method, std::string_view path) {
  if (path.starts_with("/api/admin/")) return true;
  if (path == kSignInPath) return false;
  return method != verb::get && method != verb::head && method != verb::options;
}

bool CarriesToken(const AccessPolicy& policy, const Request& request,
                  std::string_view path) {
  std::string_view authorization = ToStd(request[field::authorization]);
  constexpr std::string_view kScheme = "Bearer ";
  if (authorization.size() > kScheme.size() &&
      boost::beast::iequals(ToBeast(authorization.substr(0, kScheme.size())),
                            ToBeast(kScheme))) {
    std::string_view credential = authorization.substr(kScheme.size());
    while (!credential.empty() && credential.front() == ' ') {
      credential.remove_prefix(1);
    }
    if (ConstantTimeEquals(policy.token, credential)) return true;
  }
  if (IsApiPath(path)) return false;
  std::string_view cookie = FindCookie(request, kSessionCookieName);
  return !cookie.empty() && ConstantTimeEquals(policy.session_value, cookie);
}

std::string SessionCookie(const AccessPolicy& policy) {
  return std::string(kSessionCookieName) + "=" + policy.session_value +
         "; Path=/; HttpOnly; SameSite=Strict";
}

Response RefuseWithoutToken(std::string_view path) {
  Response response;
  if (IsApiPath(path)) {
    response = ProblemResponse(
        HttpStatus::unauthorized,
        "this server needs a token for writes and admin requests; send "
        "Authorization: Bearer TOKEN");
  } else {
    response = Response(HttpStatus::unauthorized, 11);
    response.set(field::content_type, "text/html; charset=utf-8");
    // The page has no scripts and no links to load; its style is inline.
    response.set("Content-Security-Policy",
                 "default-src 'none'; style-src 'unsafe-inline'");
    response.body() = RenderErrorPage(
        401, "Unauthorized",
        "This server asks for its token before changes. Sign in at /signin, "
        "then send the form again.");
  }
  response.set(field::www_authenticate, ToBeast(kChallenge));
  return response;
}

}  // namespace taskstore::http
