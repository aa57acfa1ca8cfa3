#pragma once
// A simulated USB-serial adapter's stable name (as udev gives one): a symbolic link DIR/NAME
// to the pseudo-terminal the instrument listens on. Made under a temporary name and renamed
// over an older link, so whoever opens DIR/NAME finds the old target or the new one, never a
// half-made link; removed only while it still points at its maker's target, so a second
// simulator that took the name over keeps it.
#include <filesystem>
#include <string>

#include "control/error.hpp"

namespace edc::sim {

[[nodiscard]] Result<void> make_port_link(const std::filesystem::path& link, const std::string& target);
void remove_port_link(const std::filesystem::path& link, const std::string& target) noexcept;

}  // namespace edc::sim
