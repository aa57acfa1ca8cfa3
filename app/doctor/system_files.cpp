#include "app/doctor/system_files.hpp"

#include <array>
#include <fstream>
#include <sstream>

namespace edc::doctor::detail {

std::filesystem::path under(const std::filesystem::path& root, std::string_view system_path) {
    std::string_view rel = system_path;
    while (rel.starts_with('/')) rel.remove_prefix(1);
    return root / std::filesystem::path(rel);
}

std::optional<std::string> read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) return std::nullopt;
    return text.str();
}

std::optional<std::string> read_first_line(const std::filesystem::path& p) {
    std::ifstream in(p);
    if (!in) return std::nullopt;
    std::string line;
    std::getline(in, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    return line;
}

std::optional<std::filesystem::path> resolve_under(const std::filesystem::path& root,
                                                   std::string_view system_path) {
    std::filesystem::path p = under(root, system_path);
    for (int hops = 0; hops < 16; ++hops) {
        std::error_code ec;
        const auto st = std::filesystem::symlink_status(p, ec);
        if (ec || !std::filesystem::exists(st)) return std::nullopt;
        if (!std::filesystem::is_symlink(st)) return p;
        const std::filesystem::path target = std::filesystem::read_symlink(p, ec);
        if (ec) return std::nullopt;
        p = target.is_absolute() ? under(root, target.string())
                                 : (p.parent_path() / target).lexically_normal();
    }
    return std::nullopt;
}

std::optional<std::string> find_udev_rules(const std::filesystem::path& root) {
    constexpr std::array places{"/etc/udev/rules.d/99-edc.rules", "/usr/lib/udev/rules.d/99-edc.rules",
                                "/lib/udev/rules.d/99-edc.rules"};
    for (const char* place : places) {
        std::error_code ec;
        if (std::filesystem::is_regular_file(under(root, place), ec)) return std::string(place);
    }
    return std::nullopt;
}

}  // namespace edc::doctor::detail
