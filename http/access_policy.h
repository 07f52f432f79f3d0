// Who may change things: with a bearer token configured, every write
// (any method but GET, HEAD and OPTIONS) and every admin route (under
// /api/admin/, whatever the method) needs `Authorization: Bearer TOKEN`;
// reads stay open. Browsers cannot add that header to a form post, so the
// HTML pages (every path outside /api/) also accept the sign-in cookie
// that POST /signin sets once the token is typed in.
//
// The cookie carries a random value drawn when the server starts, not
// the token: it reveals nothing about the token and stops working at a
// restart. It is HttpOnly (no script reads it) and SameSite=Strict (no
// other site's page can make the browser send it), so a signed-in browser
// is no handle for cross-site forgery; it has no Max-Age, so it ends when
// the browser closes. It is not marked Secure, because the server speaks
// plain HTTP.
//
// TODO(signin-rate-limit): nothing limits how often /signin or a bearer
// request may guess; a short token can be found by trying. A per-client
// delay after failures needs state the router does not keep, so the
// README asks for a long random token instead.
//
// TODO(signin-link): the task page shows no link to /signin; a person
// finds it through the 401 page a refused form leads to. The link belongs
// in html_pages.cc, next to the forms.
#ifndef TASKSTORE_HTTP_ACCESS_POLICY_H_
#define TASKSTORE_HTTP_ACCESS_POLICY_H_

#include <boost/beast/http/verb.hpp>
#include <string>
#include <string_view>

#include "base/result.h"
#include "http/message.h"

namespace taskstore::http {

inline constexpr std::string_view kSessionCookieName = "taskstore_session";

struct AccessPolicy {
  std::string token;  // empty: everything is open
  // The sign-in cookie's value; meaningful only with a token, and then
  // never empty.
  std::string session_value;

  bool enabled() const { return !token.empty(); }
};

// A policy for `token` with a fresh random session value. InvalidArgument
// when the token is empty or holds anything but the visible ASCII
// characters a bearer token may hold (RFC 6750's b64token: letters,
// digits and - . _ ~ + / and trailing =).
Result<AccessPolicy> MakeAccessPolicy(std::string token);

// Compares in time that depends on the lengths only, never on where the
// first difference is, so that timing does not reveal the token.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// The sign-in page and form. Posting the form is how a browser proves it
// knows the token, so it needs no token itself.
inline constexpr std::string_view kSignInPath = "/signin";

// True when a request with `method` to `path` must prove it knows the
// token (when one is set).
bool NeedsToken(boost::beast::http::verb method, std::string_view path);

// True when `request` carries the token as a bearer credential or, on a
// page route (outside /api/), carries the sign-in cookie.
bool CarriesToken(const AccessPolicy& policy, const Request& request,
                  std::string_view path);

// The Set-Cookie value that signs a browser in.
std::string SessionCookie(const AccessPolicy& policy);

// The 401 refusal for `path`: a problem document on the API, an HTML page
// pointing to /signin elsewhere; both with `WWW-Authenticate: Bearer`.
Response RefuseWithoutToken(std::string_view path);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_ACCESS_POLICY_H_
