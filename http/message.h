// The HTTP message types that pass between the server and the router.
// Bodies are held whole in memory; the server caps their size.
#ifndef TASKSTORE_HTTP_MESSAGE_H_
#define TASKSTORE_HTTP_MESSAGE_H_

#include <boost/beast/core/string_type.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string_view>

namespace taskstore::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;
using HttpStatus = boost::beast::http::status;

// Beast 1.74 has its own string_view type unless told otherwise, and the
// choice must be the same in every file that includes Beast; these
// convert between it and the standard one.
inline std::string_view ToStd(boost::beast::string_view text) {
  return {text.data(), text.size()};
}
inline boost::beast::string_view ToBeast(std::string_view text) {
  return {text.data(), text.size()};
}

}  // namespace taskstore::http

#endif  // TASKSTORE_HTTP_MESSAGE_H_
