#pragma once
// The journal's keyed chain: HMAC-SHA256 and the random bytes of its per-installation key, both
// from OpenSSL's libcrypto (EVP_MAC, RAND_bytes). Someone who can edit the database but does not
// hold the key cannot recompute a keyed link.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace edc::recipes {

// Lower-case hex of HMAC-SHA256(key, text) (64 characters). Aborts on a broken libcrypto: a
// journal must never carry a wrong link.
[[nodiscard]] std::string hmac_sha256_hex(std::span<const std::uint8_t> key, std::string_view text);

// Fills `out` from the operating system's CSPRNG (RAND_bytes). False when it cannot.
[[nodiscard]] bool random_bytes(std::span<std::uint8_t> out) noexcept;

}  // namespace edc::recipes
