#pragma once
// The run's journal as the runtime sees it: the SQLite journal (begin_run / end_run), the
// writer thread that takes samples and events while the run goes on, the provenance records
// journaled when the run begins, and the events that happen before there is a writer (kept
// and journaled as soon as it exists). Every event also goes to the list the CLI and the GUI
// take from (take_events()).
//
// Threads: begin() and finish() on the runtime's job thread; record() from any thread; the
// writer's own thread takes samples straight from the control loop (writer()).
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "app/journal/journal_writer.hpp"
#include "app/journal/run_journal.hpp"
#include "app/journal/run_totals.hpp"
#include "app/runtime/run_session.hpp"
#include "control/run/run_state.hpp"

namespace edc::app {

class JournalBridge {
public:
    // The writer's batches are timed on the run's clock.
    JournalBridge(journal::RunJournal journal, std::shared_ptr<clk::Clock> clock);

    // begin_run, then the writer; pending events, then the provenance, are journaled first.
    [[nodiscard]] Result<std::int64_t> begin(const journal::RunStart& start,
                                             const std::vector<RunProvenance>& provenance, double t_s);
    void record(double t_s, const std::string& level, const std::string& code, const std::string& message);
    [[nodiscard]] std::vector<RunEventRecord> take_events();
    // The run's totals record (journal/run_totals.hpp): journaled, not echoed to take_events()
    // (the CLI and the GUI print the summary, which holds the same figures).
    void record_totals(double t_s, const journal::RunTotals& totals);

    // The writer for the control loop's samples; null before begin() succeeded.
    [[nodiscard]] journal::JournalWriter* writer() const;
    [[nodiscard]] std::uint64_t samples_written() const;
    [[nodiscard]] std::uint64_t events_written() const;
    [[nodiscard]] std::optional<Error> write_error() const;
    [[nodiscard]] std::int64_t run_id() const noexcept { return run_id_; }

    // Drains and stops the writer, then end_run with the outcome; errors are returned for the
    // caller to record (they happen after the last journaled event). A run whose writer failed
    // at any point (rows lost: a batch, the totals, the run_end event) is ended 'faulted', never
    // 'completed', with a "journal_write_failed" event (at t_s) written through the run's own
    // connection saying what the writer lost, when the file takes it.
    [[nodiscard]] std::vector<Error> finish(run::Outcome outcome, double t_s);

private:
    journal::RunJournal journal_;
    std::shared_ptr<clk::Clock> clock_;
    std::unique_ptr<journal::JournalWriter> writer_;  // set once by begin(), before the loop starts
    std::int64_t run_id_ = 0;
    mutable std::mutex mutex_;  // guards the two lists below and the writer's event side
    std::vector<journal::JournalEvent> unjournaled_;
    std::vector<RunEventRecord> events_;
};

}  // namespace edc::app
