#pragma once
// A fake system tree for the doctor tests: /dev, /sys, /proc, /etc under a temporary folder.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

namespace edc::doctor::test {

class FakeRoot {
public:
    FakeRoot() {
        std::string pattern = (std::filesystem::temp_directory_path() / "edc-doctor-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) std::abort();
        root_ = pattern;
    }
    ~FakeRoot() {
        std::error_code ec;
        std::filesystem::remove_all(root_, ec);
    }
    FakeRoot(const FakeRoot&) = delete;
    FakeRoot& operator=(const FakeRoot&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return root_; }
    // The real path of a system path inside the fake tree.
    [[nodiscard]] std::filesystem::path at(const std::string& system_path) const {
        return root_ / system_path.substr(system_path.find_first_not_of('/'));
    }
    void write(const std::string& system_path, const std::string& text) const {
        const auto p = at(system_path);
        std::filesystem::create_directories(p.parent_path());
        std::ofstream(p, std::ios::binary) << text;
    }
    // A symlink at system_path pointing to target (absolute targets mean "inside this root").
    void link(const std::string& system_path, const std::string& target) const {
        const auto p = at(system_path);
        std::filesystem::create_directories(p.parent_path());
        std::filesystem::create_symlink(target, p);
    }

private:
    std::filesystem::path root_;
};

}  // namespace edc::doctor::test
