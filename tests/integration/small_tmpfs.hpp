#pragma once
// A size-capped tmpfs for "journal disk full" tests. Mounting needs root (CI runs as root):
// mounted() is false elsewhere and error() says why, for GTEST_SKIP.
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>

namespace edc::testing {

class SmallTmpfs {
public:
    explicit SmallTmpfs(const char* size)
        : dir_(std::filesystem::temp_directory_path() /
               ("edc-diskfull-" + std::to_string(::getpid()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()))) {
        std::filesystem::create_directories(dir_);
        const std::string opts = std::string("size=") + size + ",mode=0700";
        if (::mount("tmpfs", dir_.c_str(), "tmpfs", 0, opts.c_str()) == 0) {
            mounted_ = true;
        } else {
            error_ = std::strerror(errno);
        }
    }
    ~SmallTmpfs() {
        if (mounted_) ::umount2(dir_.c_str(), MNT_DETACH);
        std::error_code ec;
        std::filesystem::remove_all(dir_, ec);
    }
    SmallTmpfs(const SmallTmpfs&) = delete;
    SmallTmpfs& operator=(const SmallTmpfs&) = delete;
    [[nodiscard]] bool mounted() const { return mounted_; }
    [[nodiscard]] const std::string& error() const { return error_; }
    [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }

    // Writes a filler file until only `headroom` bytes are free (0: until the filesystem
    // refuses); returns the bytes it took.
    std::size_t fill_leaving(std::size_t headroom) {
        struct statvfs st {};
        if (::statvfs(dir_.c_str(), &st) != 0) return 0;
        const std::size_t free_bytes = static_cast<std::size_t>(st.f_bavail) * st.f_frsize;
        if (free_bytes <= headroom) return 0;
        std::FILE* f = std::fopen((dir_ / "filler").c_str(), "wb");
        if (!f) return 0;
        std::setvbuf(f, nullptr, _IONBF, 0);
        const std::string block(4096, 'F');
        std::size_t total = 0;
        for (std::size_t want = free_bytes - headroom; total < want;) {
            const auto n = std::fwrite(block.data(), 1, std::min(block.size(), want - total), f);
            total += n;
            if (n == 0) break;
        }
        std::fclose(f);
        return total;
    }
    // Writes a filler file until the filesystem refuses; returns the bytes it took.
    std::size_t fill() {
        std::FILE* f = std::fopen((dir_ / "filler").c_str(), "wb");
        if (!f) return 0;
        std::setvbuf(f, nullptr, _IONBF, 0);
        const std::string block(4096, 'F');
        std::size_t total = 0;
        for (;;) {
            const auto n = std::fwrite(block.data(), 1, block.size(), f);
            total += n;
            if (n < block.size()) break;
        }
        std::fclose(f);
        return total;
    }

private:
    std::filesystem::path dir_;
    bool mounted_ = false;
    std::string error_;
};


}  // namespace edc::testing
