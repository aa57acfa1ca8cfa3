#pragma once
// SHA-256 (FIPS 180-4) for the recipe hash journaled with every run and the journal's hash
// chain. Small and dependency-free: no OpenSSL in this project.
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace edc::recipes {

class Sha256 {
public:
    using Digest = std::array<std::uint8_t, 32>;

    Sha256() noexcept;
    void update(std::span<const std::uint8_t> bytes) noexcept;
    void update(std::string_view text) noexcept;
    // Pads and returns the digest; the object is then reset for a new message.
    [[nodiscard]] Digest finish() noexcept;

private:
    void compress(const std::uint8_t* block) noexcept;
    void reset() noexcept;

    std::array<std::uint32_t, 8> h_{};
    std::array<std::uint8_t, 64> block_{};
    std::size_t block_used_ = 0;
    std::uint64_t total_bytes_ = 0;
};

// Lower-case hex of the SHA-256 of text (64 characters).
[[nodiscard]] std::string sha256_hex(std::string_view text);
[[nodiscard]] std::string to_hex(std::span<const std::uint8_t> bytes);

}  // namespace edc::recipes
