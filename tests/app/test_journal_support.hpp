#pragma once
// Shared by the journal tests: a fresh temporary directory per test, sample factories, and the
// keyed chain's HMAC computed here with OpenSSL's EVP_MAC API (not through edc's code).
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/journal/journal_records.hpp"

namespace edc::journal::test {

class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "edc-journal-XXXXXX").string();
        if (mkdtemp(pattern.data()) == nullptr) std::abort();
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ec;
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    [[nodiscard]] std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

// Sample i of a run logged at 10 Hz with a constant 5.7 mA: every field derives from i, so a
// test can check any row it reads back.
inline JournalSample sample_at(std::int64_t i) {
    const double t = 0.1 * static_cast<double>(i);
    JournalSample s;
    s.t_s = t;
    s.current_a = 5.7e-3;
    s.potential_v = -0.25;
    s.charge_c = 5.7e-3 * t;
    s.feed_rate_m3_s = 1e-7;
    s.dispensed_m3 = 1e-7 * t;
    s.volume_m3 = 20e-6 + 1e-7 * t;
    s.n_bi = 1e-3;
    s.n_sb = 1e-3 + 5e-9 * t;
    s.depth_m = 3e-9 * t;
    s.x_bi_predicted = 0.5 - 1e-3 * t;
    s.x_bi_target = 0.5 - 1e-3 * t;
    return s;
}

inline RunStart run_start(std::string name = "g-bi033sb067") {
    RunStart s;
    s.recipe_name = std::move(name);
    s.recipe_text = "[recipe]\nname = \"g-bi033sb067\"\n";
    s.recipe_sha256 = "00ff";
    s.software_version = "0.1.0";
    s.git_revision = "abc123";
    s.instruments_json = R"({"galvanostat":"KEITHLEY INSTRUMENTS INC.,MODEL 2400","pump":"NE1000V3.928"})";
    s.operator_name = "tester";
    return s;
}

// The key file the journal uses under the test's environment (XDG_CONFIG_HOME is always set
// for tests: cmake/EdcTesting.cmake, CliTest).
inline std::string journal_key_file() {
    const char* config = std::getenv("XDG_CONFIG_HOME");
    return std::string(config != nullptr ? config : "/nonexistent") + "/edc/journal.key";
}

// The key's 32 bytes, parsed from its 64 hex digits.
inline std::vector<unsigned char> read_journal_key() {
    std::ifstream in(journal_key_file());
    std::string hex;
    in >> hex;
    std::vector<unsigned char> key;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
        key.push_back(static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
    }
    return key;
}

inline std::string hmac_sha256_hex(const std::vector<unsigned char>& key, const std::string& text) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
    std::array<char, 7> digest{'S', 'H', 'A', '2', '5', '6', '\0'};
    const std::array<OSSL_PARAM, 2> params{OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
                                           OSSL_PARAM_construct_end()};
    std::array<unsigned char, 32> out{};
    std::size_t n = 0;
    const bool ok = EVP_MAC_init(ctx, key.data(), key.size(), params.data()) == 1 &&
                    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(text.data()), text.size()) == 1 &&
                    EVP_MAC_final(ctx, out.data(), &n, out.size()) == 1;
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(mac);
    if (!ok || n != out.size()) return "hmac failed";
    std::string hex;
    for (const unsigned char b : out) {
        hex.push_back("0123456789abcdef"[b >> 4]);
        hex.push_back("0123456789abcdef"[b & 0x0F]);
    }
    return hex;
}

}  // namespace edc::journal::test
