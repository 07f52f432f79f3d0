#include "http/signin_page.h"

#include "http/html_pages.h"

namespace taskstore::http {

std::string RenderSignInPage(const SignInPage& page) {
  std::string html =
      "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n<title>Sign in</title>\n<style>\n"
      ":root { color-scheme: light dark; font-family: system-ui, "
      "sans-serif; }\n"
      "main { max-width: 24rem; margin: 2rem auto; padding: 0 1rem; }\n"
      "form { display: grid; gap: .5rem; }\n"
      "input, button { font: inherit; padding: .45rem .6rem; }\n"
      ".error { color: #c62828; font-weight: 600; }\n"
      "</style>\n</head>\n<body>\n<main>\n<h1>Sign in</h1>\n";
  if (!page.token_needed) {
    html +=
        "<p>This server needs no token: the forms work as they are.</p>\n"
        "<p><a href=\"/tasks\">Back to the tasks</a></p>\n";
  } else {
    if (!page.error.empty()) {
      html += "<p class=\"error\" role=\"alert\">";
      html += HtmlEscape(page.error);
      html += "</p>\n";
    }
    html +=
        "<form method=\"post\" action=\"/signin\">\n"
        "<label for=\"token\">The server's token</label>\n"
        "<input id=\"token\" name=\"token\" type=\"password\" "
        "autocomplete=\"current-password\" required>\n"
        "<button type=\"submit\">Sign in</button>\n</form>\n"
        "<p>Signing in lasts until the browser closes or the server "
        "restarts.</p>\n";
  }
  html += "</main>\n</body>\n</html>\n";
  return html;
}

}  // namespace taskstore::http
