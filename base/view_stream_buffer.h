// A read-only std::streambuf over bytes it does not own, so that cereal
// can decode from memory without a copy.
#ifndef TASKSTORE_BASE_VIEW_STREAM_BUFFER_H_
#define TASKSTORE_BASE_VIEW_STREAM_BUFFER_H_

#include <cstddef>
#include <streambuf>
#include <string_view>

namespace taskstore {

class ViewStreamBuffer : public std::streambuf {
 public:
  // `bytes` must outlive the buffer; they are never written.
  explicit ViewStreamBuffer(std::string_view bytes) {
    char* begin = const_cast<char*>(bytes.data());
    setg(begin, begin, begin + bytes.size());
  }

  // Bytes not read yet.
  std::size_t remaining() const {
    return static_cast<std::size_t>(egptr() - gptr());
  }
};

}  // namespace taskstore

#endif  // TASKSTORE_BASE_VIEW_STREAM_BUFFER_H_
