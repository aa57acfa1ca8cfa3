#pragma once
// SHA-256 for the recipe hash journaled with every run and the journal's hash chain, computed by
// OpenSSL's libcrypto (EVP): a hash that a journal's integrity rests on comes from a library
// that is validated and maintained, not from our own rounds.
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace edc::recipes {

class Sha256 {
public:
    using Digest = std::array<std::uint8_t, 32>;

    // Throws std::bad_alloc when libcrypto cannot allocate its context.
    Sha256();
    void update(std::span<const std::uint8_t> bytes) noexcept;
    void update(std::string_view text) noexcept;
    // Pads and returns the digest; the object is then reset for a new message.
    [[nodiscard]] Digest finish() noexcept;

private:
    struct FreeContext {
        void operator()(evp_md_ctx_st* ctx) const noexcept;
    };
    std::unique_ptr<evp_md_ctx_st, FreeContext> ctx_;
};

// Lower-case hex of the SHA-256 of text (64 characters).
[[nodiscard]] std::string sha256_hex(std::string_view text);
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace edc::recipes
