#include "base/sha256.h"

#include <openssl/evp.h>
#include <openssl/sha.h>

#include <cstdlib>

namespace taskstore {

// Both come from OpenSSL's libcrypto rather than being written here: a
// hand-made digest would need its own proof of correctness, and the
// library's is the one every TLS connection on the machine relies on.

Sha256Digest Sha256(std::string_view data) {
  Sha256Digest digest;
  ::SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
           digest.data());
  return digest;
}

std::string Base64(std::span<const std::uint8_t> bytes) {
  // EVP_EncodeBlock writes 4 characters per 3 bytes (rounded up) and a
  // NUL, without line breaks.
  std::string encoded(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int written =
      ::EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                        bytes.data(), static_cast<int>(bytes.size()));
  if (written < 0) std::abort();
  encoded.resize(static_cast<std::size_t>(written));
  return encoded;
}

}  // namespace taskstore
