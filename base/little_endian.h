// Fixed-width little-endian integers in byte strings, for file headers
// and record framing.
#ifndef TASKSTORE_BASE_LITTLE_ENDIAN_H_
#define TASKSTORE_BASE_LITTLE_ENDIAN_H_

#include <boost/endian/conversion.hpp>
#include <cstddef>
#include <string>
#include <string_view>

namespace taskstore {

// Reads a T stored at `offset`. REQUIRES: offset + sizeof(T) <= size.
template <typename T>
T LoadLittleEndian(std::string_view bytes, std::size_t offset) {
  return boost::endian::endian_load<T, sizeof(T), boost::endian::order::little>(
      reinterpret_cast<const unsigned char*>(bytes.data() + offset));
}

template <typename T>
void AppendLittleEndian(std::string& out, T value) {
  unsigned char bytes[sizeof(T)];
  boost::endian::endian_store<T, sizeof(T), boost::endian::order::little>(
      bytes, value);
  out.append(reinterpret_cast<const char*>(bytes), sizeof bytes);
}

}  // namespace taskstore

#endif  // TASKSTORE_BASE_LITTLE_ENDIAN_H_
