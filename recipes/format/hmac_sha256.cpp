#include "recipes/format/hmac_sha256.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <climits>
#include <cstdlib>

#include "recipes/format/sha256.hpp"

namespace edc::recipes {

std::string hmac_sha256_hex(std::span<const std::uint8_t> key, std::string_view text) {
    std::array<std::uint8_t, 32> mac{};
    std::size_t length = 0;
    // EVP_Q_mac: the one-shot form of EVP_MAC_init/update/final with the "HMAC" MAC and SHA256.
    const unsigned char* out = EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                                         reinterpret_cast<const unsigned char*>(text.data()), text.size(),
                                         mac.data(), mac.size(), &length);
    if (out == nullptr || length != mac.size()) std::abort();
    return to_hex(mac);
}

bool random_bytes(std::span<std::uint8_t> out) noexcept {
    if (out.size() > static_cast<std::size_t>(INT_MAX)) return false;
    return RAND_bytes(out.data(), static_cast<int>(out.size())) == 1;
}

}  // namespace edc::recipes
