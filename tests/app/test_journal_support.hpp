#pragma once
// Shared by the journal tests: a fresh temporary directory per test and sample factories.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

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

}  // namespace edc::journal::test
