// SHA-256 and the standard Base64 alphabet (RFC 4648, section 4), which
// together name a resource by its content: a Content-Security-Policy
// allows an inline style as 'sha256-<Base64>'. Thin wrappers over
// OpenSSL's libcrypto.
#ifndef TASKSTORE_BASE_SHA256_H_
#define TASKSTORE_BASE_SHA256_H_

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace taskstore {

using Sha256Digest = std::array<std::uint8_t, 32>;

// The SHA-256 digest of `data`.
Sha256Digest Sha256(std::string_view data);

// `bytes` in Base64 with padding, e.g. "Zm9vYg==" for "foob".
std::string Base64(std::span<const std::uint8_t> bytes);

}  // namespace taskstore

#endif  // TASKSTORE_BASE_SHA256_H_
