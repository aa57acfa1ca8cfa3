// RunJournal's keyed chain and anchor (journal_key.hpp, chain_anchor.hpp): the key when there is
// one, the anchor moved forward after each seal, and the checks `edc verify` runs.
#include <string>

#include "app/journal/run_journal.hpp"
#include "app/journal/run_seal.hpp"
#include "control/text.hpp"

namespace edc::journal {

const JournalKey* RunJournal::existing_key(std::string* problem) {
    if (key_) return &*key_;
    auto key = load_key(key_path_);
    if (!key) {
        if (problem != nullptr) *problem = key.error().message;
        return nullptr;
    }
    if (!*key) {
        if (problem != nullptr) *problem = strf("no key at %s", key_path_.c_str());
        return nullptr;
    }
    key_ = std::move(**key);
    return &*key_;
}

void RunJournal::advance_anchor(const ChainAnchor& seal) {
    // Only forward: after the newest run is deleted, the next run reuses its seal number and
    // must not overwrite the evidence.
    auto current = read_anchor(anchor_path_);
    if (current && *current && (*current)->seal_seq >= seal.seal_seq) return;
    if (auto w = write_anchor(anchor_path_, seal); !w) {
        anchor_error_ = w.error();
    } else {
        anchor_error_.reset();
    }
}

Result<ChainReport> RunJournal::check_chain() {
    detail::ChainContext context;
    context.key_path = key_path_;
    context.key = existing_key(&context.key_problem);
    context.anchor_path = anchor_path_;
    auto anchor = read_anchor(anchor_path_);
    if (!anchor) return std::unexpected(anchor.error());
    context.anchor = std::move(*anchor);
    return detail::verify_chain(db_, context);
}

Result<ChainReport> RunJournal::verify_chain() {
    auto report = check_chain();
    if (report && !report->problems.empty()) return std::unexpected(report->problems.front());
    if (report && report->keyed_unchecked > 0) {
        return fail("journal_key_missing",
                    strf("keyed chain cannot be checked: %s (%lld keyed runs)", report->key_problem.c_str(),
                         static_cast<long long>(report->keyed_unchecked)),
                    path_);
    }
    return report;
}

}  // namespace edc::journal
