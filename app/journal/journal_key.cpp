#include "app/journal/journal_key.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "app/config/passwd_entry.hpp"
#include "control/text.hpp"
#include "recipes/format/hmac_sha256.hpp"
#include "recipes/format/sha256.hpp"

namespace edc::journal {
namespace {

int hex_digit(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

Error key_error(const char* code, const std::string& path, const std::string& message) {
    return Error{code, message, path};
}

// Closes the descriptor on every path out.
class Fd {
public:
    explicit Fd(int fd) noexcept : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    [[nodiscard]] int get() const noexcept { return fd_; }

private:
    int fd_;
};

bool write_all(int fd, std::string_view text) noexcept {
    while (!text.empty()) {
        const ssize_t n = ::write(fd, text.data(), text.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        text.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

}  // namespace

std::filesystem::path xdg_edc_dir(const char* variable, const char* home_relative) {
    const char* xdg = std::getenv(variable);
    if (xdg != nullptr && xdg[0] == '/') return std::filesystem::path(xdg) / "edc";
    const char* env_home = std::getenv("HOME");
    std::string home = env_home != nullptr ? env_home : "";
    if (home.empty()) {
        const auto entry = config::passwd_entry(::getuid());
        home = entry && !entry->home.empty() ? entry->home : "/tmp";
    }
    return std::filesystem::path(home) / home_relative / "edc";
}

std::string default_key_path() {
    return (xdg_edc_dir("XDG_CONFIG_HOME", ".config") / "journal.key").string();
}

Result<std::optional<JournalKey>> load_key(const std::string& path) {
    const Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
    if (fd.get() < 0) {
        if (errno == ENOENT) return std::optional<JournalKey>{};
        return std::unexpected(
            key_error("journal_key_error", path,
                      strf("cannot read the journal key %s: %s", path.c_str(), std::strerror(errno))));
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return std::unexpected(key_error("journal_key_error", path,
                                         strf("the journal key %s is not a regular file", path.c_str())));
    }
    if ((st.st_mode & 077) != 0) {
        return std::unexpected(key_error(
            "journal_key_insecure", path,
            strf("the journal key %s has mode %04o: group or others have access to it, and whoever can "
                 "read it can forge the keyed chain; refusing to use it. Fix: chmod 600 %s (and, if others "
                 "may have read it, treat the journal's keyed seals as unproven)",
                 path.c_str(), static_cast<unsigned>(st.st_mode & 07777), path.c_str())));
    }
    if (st.st_uid != ::getuid()) {
        return std::unexpected(key_error(
            "journal_key_insecure", path,
            strf("the journal key %s belongs to uid %u, not to this user (uid %u); refusing to use it. Fix: "
                 "chown it to the user who runs edc",
                 path.c_str(), static_cast<unsigned>(st.st_uid), static_cast<unsigned>(::getuid()))));
    }
    std::array<char, 80> text{};
    std::size_t length = 0;
    while (length < text.size()) {
        const ssize_t n = ::read(fd.get(), text.data() + length, text.size() - length);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            return std::unexpected(
                key_error("journal_key_error", path,
                          strf("cannot read the journal key %s: %s", path.c_str(), std::strerror(errno))));
        }
        if (n == 0) break;
        length += static_cast<std::size_t>(n);
    }
    while (length > 0 && (text[length - 1] == '\n' || text[length - 1] == '\r')) --length;
    JournalKey key;
    key.path = path;
    bool valid = length == 2 * key.bytes.size();
    for (std::size_t i = 0; valid && i < key.bytes.size(); ++i) {
        const int hi = hex_digit(text[2 * i]);
        const int lo = hex_digit(text[2 * i + 1]);
        valid = hi >= 0 && lo >= 0;
        if (valid) key.bytes[i] = static_cast<std::uint8_t>(hi * 16 + lo);
    }
    if (!valid) {
        return std::unexpected(key_error("journal_key_invalid", path,
                                         strf("the journal key %s is not 64 hex digits: restore it from a "
                                              "backup (a new key cannot check the "
                                              "runs sealed with the old one)",
                                              path.c_str())));
    }
    return std::optional<JournalKey>(std::move(key));
}

Result<JournalKey> load_or_create_key(const std::string& path) {
    auto existing = load_key(path);
    if (!existing) return std::unexpected(existing.error());
    if (*existing) return std::move(**existing);

    const std::filesystem::path target(path);
    std::error_code ec;
    if (target.has_parent_path()) {
        std::filesystem::create_directories(target.parent_path(), ec);
        if (ec) {
            return std::unexpected(key_error(
                "journal_key_error", path,
                strf("cannot create %s for the journal key: %s (set XDG_CONFIG_HOME to a writable directory)",
                     target.parent_path().c_str(), ec.message().c_str())));
        }
    }
    std::array<std::uint8_t, 32> bytes{};
    if (!recipes::random_bytes(bytes)) {
        return std::unexpected(
            key_error("journal_key_error", path, "RAND_bytes could not make a journal key"));
    }
    std::string temp = path + ".tmp-XXXXXX";
    const int raw = ::mkostemp(temp.data(), O_CLOEXEC);  // mode 0600
    if (raw < 0) {
        return std::unexpected(
            key_error("journal_key_error", path,
                      strf("cannot create the journal key %s: %s", path.c_str(), std::strerror(errno))));
    }
    bool written = false;
    {
        const Fd fd(raw);
        written = write_all(fd.get(), recipes::to_hex(bytes) + "\n") && ::fsync(fd.get()) == 0;
    }
    // link() fails with EEXIST when another process made the key first: then theirs is the key.
    const bool linked = written && ::link(temp.c_str(), path.c_str()) == 0;
    const int link_errno = errno;
    ::unlink(temp.c_str());
    if (!linked && !(written && link_errno == EEXIST)) {
        return std::unexpected(
            key_error("journal_key_error", path,
                      strf("cannot write the journal key %s: %s", path.c_str(), std::strerror(link_errno))));
    }
    if (target.has_parent_path()) {
        const Fd dir(::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
        if (dir.get() >= 0) (void)::fsync(dir.get());
    }
    auto made = load_key(path);
    if (!made) return std::unexpected(made.error());
    if (!*made)
        return std::unexpected(
            key_error("journal_key_error", path, "the journal key vanished after it was made"));
    return std::move(**made);
}

}  // namespace edc::journal
