#pragma once
// The password-database entry of a user, read with getpwuid_r: getpwuid returns a static
// buffer that another thread's lookup (a GUI background run, the doctor) may overwrite.
// Header-only so the journal and the runtime can use it without linking edc_config.
#include <pwd.h>
#include <sys/types.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace edc::config {

struct PasswdEntry {
    std::string name;  // login name
    std::string home;  // home directory
};

// nullopt when the uid has no entry or the database cannot be read.
inline std::optional<PasswdEntry> passwd_entry(uid_t uid) {
    const long hint = ::sysconf(_SC_GETPW_R_SIZE_MAX);
    std::vector<char> buffer(hint > 0 ? static_cast<std::size_t>(hint) : std::size_t{16384});
    passwd entry{};
    passwd* found = nullptr;
    int rc = 0;
    while ((rc = ::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found)) == ERANGE &&
           buffer.size() < (std::size_t{1} << 20))
        buffer.resize(buffer.size() * 2);
    if (rc != 0 || found == nullptr) return std::nullopt;
    return PasswdEntry{entry.pw_name != nullptr ? entry.pw_name : "",
                       entry.pw_dir != nullptr ? entry.pw_dir : ""};
}

}  // namespace edc::config
