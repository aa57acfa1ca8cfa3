#include "app/runtime/journal_bridge.hpp"

namespace edc::app {

namespace {

journal::RunStatus status_of(run::Outcome o) {
    switch (o) {
        case run::Outcome::completed:
            return journal::RunStatus::completed;
        case run::Outcome::aborted:
            return journal::RunStatus::aborted;
        default:
            return journal::RunStatus::faulted;
    }
}

}  // namespace

JournalBridge::JournalBridge(journal::RunJournal journal, std::shared_ptr<clk::Clock> clock)
    : journal_(std::move(journal)), clock_(std::move(clock)) {}

Result<std::int64_t> JournalBridge::begin(const journal::RunStart& start,
                                          const std::vector<RunProvenance>& provenance, double t_s) {
    auto id = journal_.begin_run(start);
    if (!id) return std::unexpected(id.error());
    run_id_ = *id;
    journal::JournalWriterOptions options;
    options.vfs = journal_.vfs();
    options.clock = clock_;
    auto writer = journal::JournalWriter::start(journal_.path(), run_id_, options);
    if (!writer) return std::unexpected(writer.error());
    std::lock_guard lock(mutex_);
    writer_ = std::move(*writer);
    for (auto& e : unjournaled_) writer_->push_event(std::move(e));
    unjournaled_.clear();
    for (const auto& p : provenance) writer_->push_event({t_s, "info", p.code, p.message});
    return run_id_;
}

void JournalBridge::record(double t_s, const std::string& level, const std::string& code,
                           const std::string& message) {
    std::lock_guard lock(mutex_);
    events_.push_back({t_s, level, code, message});
    journal::JournalEvent e{t_s, level, code, message};
    if (writer_) {
        writer_->push_event(std::move(e));
    } else {
        unjournaled_.push_back(std::move(e));
    }
}

void JournalBridge::record_totals(double t_s, const journal::RunTotals& totals) {
    std::lock_guard lock(mutex_);
    auto e = journal::totals_event(t_s, totals);
    if (writer_) {
        writer_->push_event(std::move(e));
    } else {
        unjournaled_.push_back(std::move(e));
    }
}

std::vector<RunEventRecord> JournalBridge::take_events() {
    std::lock_guard lock(mutex_);
    std::vector<RunEventRecord> out;
    out.swap(events_);
    return out;
}

journal::JournalWriter* JournalBridge::writer() const {
    std::lock_guard lock(mutex_);
    return writer_.get();
}

std::uint64_t JournalBridge::samples_written() const {
    auto* w = writer();
    return w != nullptr ? w->samples_written() : 0;
}

std::uint64_t JournalBridge::events_written() const {
    auto* w = writer();
    return w != nullptr ? w->events_written() : 0;
}

std::optional<Error> JournalBridge::write_error() const {
    journal::JournalWriter* w = nullptr;
    {
        std::lock_guard lock(mutex_);
        w = writer_.get();
    }
    return w != nullptr ? w->error() : std::nullopt;
}

std::vector<Error> JournalBridge::finish(run::Outcome outcome, double t_s) {
    std::vector<Error> errors;
    journal::JournalWriter* w = nullptr;
    {
        std::lock_guard lock(mutex_);
        w = writer_.get();
    }
    // Not under the lock: draining takes a while, and the supervisor polls write_error().
    if (w != nullptr) {
        if (auto stopped = w->stop(); !stopped) errors.push_back(stopped.error());
    }
    if (run_id_ > 0 && !errors.empty()) {
        // The writer's connection failed (a full disk, an I/O error): the reader of the journal
        // learns it from the run's record itself if one more row fits. If it does not, end_run
        // below fails too and the next open marks the run interrupted.
        (void)journal_.append_event(run_id_, {t_s, "error", "journal_write_failed",
                                              "the journal writer failed; rows after its last commit are lost: " +
                                                  errors.front().message});
    }
    if (run_id_ > 0) {
        const auto status = errors.empty() ? status_of(outcome) : journal::RunStatus::faulted;
        if (auto ended = journal_.end_run(run_id_, status); !ended)
            errors.push_back(ended.error());
    }
    return errors;
}

}  // namespace edc::app
