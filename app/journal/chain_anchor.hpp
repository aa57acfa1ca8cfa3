#pragma once
// The anchor of a journal's seal chain, kept outside the database: the chain alone cannot show
// that its newest run was deleted (every remaining link still checks), so each seal also writes
// the newest sealed run, its seal sequence number and its seal hash to
// $XDG_STATE_HOME/edc/anchors/<journal id> (else ~/.local/state/edc/anchors/<journal id>).
// The journal id is random and stored in the database's meta table, so the anchors of two
// databases never mix. Written atomically: temporary file, fsync, rename, fsync of the directory.
#include <cstdint>
#include <optional>
#include <string>

#include "control/error.hpp"

namespace edc::journal {

struct ChainAnchor {
    std::int64_t run_id = 0;
    std::int64_t seal_seq = 0;
    std::string seal_hash;
};

// $XDG_STATE_HOME/edc/anchors, else ~/.local/state/edc/anchors.
[[nodiscard]] std::string default_anchor_dir();

// nullopt when there is no anchor file. "journal_anchor_invalid" when it cannot be parsed.
[[nodiscard]] Result<std::optional<ChainAnchor>> read_anchor(const std::string& path);

// Replaces the anchor atomically, creating its directory (0700).
[[nodiscard]] Result<void> write_anchor(const std::string& path, const ChainAnchor& anchor);

}  // namespace edc::journal
