#include "drivers/sim/port_link.hpp"

#include <system_error>

namespace edc::sim {

Result<void> make_port_link(const std::filesystem::path& link, const std::string& target) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const auto dir = link.parent_path();
    fs::create_directories(dir, ec);
    if (ec)
        return fail("sim_link", "cannot create the directory " + dir.string() + ": " + ec.message(),
                    "link-dir");
    const fs::path fresh = dir / ("." + link.filename().string() + ".new");
    fs::remove(fresh, ec);
    fs::create_symlink(target, fresh, ec);
    if (!ec) fs::rename(fresh, link, ec);
    if (ec) {
        const auto why = ec.message();
        fs::remove(fresh, ec);
        return fail("sim_link", "cannot link " + link.string() + " to " + target + ": " + why, "link-dir");
    }
    return {};
}

void remove_port_link(const std::filesystem::path& link, const std::string& target) noexcept {
    std::error_code ec;
    if (std::filesystem::read_symlink(link, ec) == target && !ec) std::filesystem::remove(link, ec);
}

}  // namespace edc::sim
