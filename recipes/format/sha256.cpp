#include "recipes/format/sha256.hpp"

#include <openssl/evp.h>

#include <cstdlib>
#include <new>

namespace edc::recipes {
namespace {

// EVP calls on a valid SHA-256 context fail only on a broken libcrypto; a journal must never
// carry a wrong hash, so that ends the process rather than returning a digest.
void require(int ok) noexcept {
    if (ok != 1) std::abort();
}

}  // namespace

void Sha256::FreeContext::operator()(evp_md_ctx_st* ctx) const noexcept { EVP_MD_CTX_free(ctx); }

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_) throw std::bad_alloc();
    require(EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr));
}

void Sha256::update(std::span<const std::uint8_t> bytes) noexcept {
    if (!bytes.empty()) require(EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()));
}

void Sha256::update(std::string_view text) noexcept {
    if (!text.empty()) require(EVP_DigestUpdate(ctx_.get(), text.data(), text.size()));
}

Sha256::Digest Sha256::finish() noexcept {
    Digest out{};
    unsigned int length = 0;
    require(EVP_DigestFinal_ex(ctx_.get(), out.data(), &length));
    if (length != out.size()) std::abort();
    require(EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr));
    return out;
}

std::string to_hex(std::span<const std::uint8_t> bytes) {
    static constexpr std::string_view digits = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const std::uint8_t b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0F]);
    }
    return out;
}

std::string sha256_hex(std::string_view text) {
    Sha256 hash;
    hash.update(text);
    const auto digest = hash.finish();
    return to_hex(digest);
}

}  // namespace edc::recipes
