#include "app/journal/chain_anchor.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/journal/journal_key.hpp"
#include "control/text.hpp"

namespace edc::journal {
namespace {

constexpr std::string_view anchor_tag = "edc-anchor-v1";

bool parse_int(std::string_view text, std::int64_t& out) {
    const auto* end = text.data() + text.size();
    const auto [p, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && p == end && out > 0;
}

Error io_error(const std::string& path, const char* what) {
    return Error{"journal_anchor_error",
                 strf("cannot %s the chain anchor %s: %s", what, path.c_str(), std::strerror(errno)), path};
}

}  // namespace

std::string default_anchor_dir() {
    return (xdg_edc_dir("XDG_STATE_HOME", ".local/state") / "anchors").string();
}

Result<std::optional<ChainAnchor>> read_anchor(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT || !std::filesystem::exists(path)) return std::optional<ChainAnchor>{};
        return std::unexpected(io_error(path, "read"));
    }
    std::ostringstream text;
    text << in.rdbuf();
    // "edc-anchor-v1 <run id> <seal seq> <seal hash>\n"
    std::istringstream fields(text.str());
    std::string tag;
    std::string run;
    std::string seq;
    ChainAnchor a;
    fields >> tag >> run >> seq >> a.seal_hash;
    if (tag != anchor_tag || !parse_int(run, a.run_id) || !parse_int(seq, a.seal_seq) ||
        a.seal_hash.size() != 64) {
        return std::unexpected(
            Error{"journal_anchor_invalid",
                  strf("the chain anchor %s is not an edc anchor (expected \"%s <run> <seal "
                       "seq> <seal hash>\")",
                       path.c_str(), anchor_tag.data()),
                  path});
    }
    return std::optional<ChainAnchor>(std::move(a));
}

Result<void> write_anchor(const std::string& path, const ChainAnchor& anchor) {
    const std::filesystem::path target(path);
    std::error_code ec;
    std::filesystem::create_directories(target.parent_path(), ec);
    if (ec) {
        return fail("journal_anchor_error",
                    strf("cannot create %s for the chain anchor: %s", target.parent_path().c_str(),
                         ec.message().c_str()),
                    path);
    }
    std::filesystem::permissions(target.parent_path(), std::filesystem::perms::owner_all,
                                 std::filesystem::perm_options::replace, ec);
    const std::string text =
        strf("%s %lld %lld %s\n", anchor_tag.data(), static_cast<long long>(anchor.run_id),
             static_cast<long long>(anchor.seal_seq), anchor.seal_hash.c_str());
    std::string temp = path + ".tmp-XXXXXX";
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) return std::unexpected(io_error(path, "create"));
    std::string_view rest = text;
    bool ok = true;
    while (ok && !rest.empty()) {
        const ssize_t n = ::write(fd, rest.data(), rest.size());
        if (n < 0 && errno == EINTR) continue;
        ok = n > 0;
        if (ok) rest.remove_prefix(static_cast<std::size_t>(n));
    }
    ok = ok && ::fsync(fd) == 0;
    const Error failed = io_error(path, "write");
    ::close(fd);
    if (!ok || ::rename(temp.c_str(), path.c_str()) != 0) {
        const Error e = ok ? io_error(path, "rename into place") : failed;
        ::unlink(temp.c_str());
        return std::unexpected(e);
    }
    const int dir = ::open(target.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        (void)::fsync(dir);
        ::close(dir);
    }
    return {};
}

}  // namespace edc::journal
