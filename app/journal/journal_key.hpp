#pragma once
// The per-installation key of the journal's keyed chain (docs/reliability.md, "Security"):
// 32 random bytes, hex in $XDG_CONFIG_HOME/edc/journal.key (else ~/.config/edc/journal.key),
// created with mode 0600 the first time a run begins. Whoever holds this file can recompute
// every keyed link, so a key that group or others can read is refused, never used.
#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

#include "control/error.hpp"

namespace edc::journal {

struct JournalKey {
    std::array<std::uint8_t, 32> bytes{};
    std::string path;
};

// $<variable>/edc when it is an absolute path (the XDG rule), else $HOME/<home_relative>/edc.
[[nodiscard]] std::filesystem::path xdg_edc_dir(const char* variable, const char* home_relative);

// $XDG_CONFIG_HOME/edc/journal.key, else ~/.config/edc/journal.key.
[[nodiscard]] std::string default_key_path();

// The key at `path`; nullopt when there is no such file. Errors: "journal_key_insecure" (group or
// others may read it, or another user owns it: the message names the path and the chmod that
// fixes it), "journal_key_invalid" (not 64 hex digits), "journal_key_error" (cannot be read).
[[nodiscard]] Result<std::optional<JournalKey>> load_key(const std::string& path);

// The key at `path`, created first when absent: 32 bytes from RAND_bytes written to a 0600
// temporary file, fsynced and linked into place, so two processes starting their first run at
// once end up with the same key. Same errors as load_key, and "journal_key_error" when the
// file cannot be created.
[[nodiscard]] Result<JournalKey> load_or_create_key(const std::string& path);

}  // namespace edc::journal
