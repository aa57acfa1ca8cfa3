#pragma once
// Reading the system's files under the doctor's root prefix (a fake tree in tests).
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace edc::doctor::detail {

// root + an absolute system path: under("/tmp/x", "/dev/edc-pump") == "/tmp/x/dev/edc-pump".
[[nodiscard]] std::filesystem::path under(const std::filesystem::path& root, std::string_view system_path);

// The whole file, or nullopt when it cannot be read.
[[nodiscard]] std::optional<std::string> read_text(const std::filesystem::path& p);

// The first line without its line end (sysfs attributes, /proc/N/comm).
[[nodiscard]] std::optional<std::string> read_first_line(const std::filesystem::path& p);

// Follows symlinks the way the kernel would if `root` were "/" (absolute targets are taken
// under root). The final path, or nullopt when a link dangles or loops.
[[nodiscard]] std::optional<std::filesystem::path> resolve_under(const std::filesystem::path& root,
                                                                 std::string_view system_path);

// 99-edc.rules as udev would pick it (/etc overrides /usr/lib and /lib): its system path.
[[nodiscard]] std::optional<std::string> find_udev_rules(const std::filesystem::path& root);

}  // namespace edc::doctor::detail
