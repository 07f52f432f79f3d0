// The page where a browser user types the server's token (GET /signin),
// so that the HTML forms work on a server that needs one; see
// access_policy.h for the cookie it leads to.
#ifndef TASKSTORE_HTTP_SIGNIN_PAGE_H_
#define TASKSTORE_HTTP_SIGNIN_PAGE_H_

#include <string>
#include <string_view>

namespace taskstore::http {

struct SignInPage {
  bool token_needed = true;  // false: the page says no sign-in is needed
  std::string_view error;    // after a wrong token; empty otherwise
};

// A form posting the field "token" to /signin.
std::string RenderSignInPage(const SignInPage& page);

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_SIGNIN_PAGE_H_
