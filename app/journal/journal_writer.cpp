#include "app/journal/journal_writer.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

#include "control/text.hpp"

namespace edc::journal {

Result<std::unique_ptr<JournalWriter>> JournalWriter::start(const std::string& path, std::int64_t run_id,
                                                            JournalWriterOptions options) {
    if (options.max_batch == 0 || options.sample_capacity == 0 || options.flush_interval.count() <= 0) {
        return fail("journal_error", "journal writer options need a positive capacity, batch and flush interval", path);
    }
    auto journal = RunJournal::open(path, OpenOptions{.mark_interrupted = false, .vfs = options.vfs});
    if (!journal) return std::unexpected(journal.error());
    auto run = journal->get_run(run_id);
    if (!run) return std::unexpected(run.error());
    if (run->status != RunStatus::running) {
        return fail("journal_error", strf("run %lld is %s, not running: nothing may be appended to it",
                                          static_cast<long long>(run_id), std::string(to_string(run->status)).c_str()),
                    path);
    }
    if (!options.clock) options.clock = std::make_shared<clk::WallClock>();
    std::unique_ptr<JournalWriter> writer(new JournalWriter(std::move(*journal), run_id, options));
    writer->thread_ = std::thread([w = writer.get(), attached = clk::Attachment(*options.clock)] { w->run(); });
    return writer;
}

JournalWriter::JournalWriter(RunJournal journal, std::int64_t run_id, const JournalWriterOptions& options)
    : journal_(std::move(journal)),
      run_id_(run_id),
      options_(options),
      samples_(options.sample_capacity),
      clock_(options_.clock),
      wake_(*clock_) {
    batch_.resize(options_.max_batch);
}

JournalWriter::~JournalWriter() { (void)stop(); }

bool JournalWriter::push(const JournalSample& sample) noexcept {
    if (samples_.push(sample)) return true;
    overflowed_.fetch_add(1, std::memory_order_relaxed);
    return false;
}

void JournalWriter::push_event(JournalEvent event) {
    const std::lock_guard lock(mutex_);
    events_.push_back(std::move(event));
}

std::optional<Error> JournalWriter::error() const {
    std::lock_guard lock(mutex_);
    return first_error_;
}

Result<void> JournalWriter::flush() {
    std::unique_lock lock(mutex_);
    if (stopping_ || !thread_.joinable()) {
        if (first_error_) return std::unexpected(*first_error_);
        return {};
    }
    const std::uint64_t request = ++flush_requested_;
    wake_.notify_all();
    flushed_.wait(lock, [&] { return flush_done_ >= request; });
    if (first_error_) return std::unexpected(*first_error_);
    return {};
}

Result<void> JournalWriter::stop() {
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
    const std::lock_guard lock(mutex_);
    if (first_error_) return std::unexpected(*first_error_);
    return {};
}

void JournalWriter::throw_in_thread(std::string what) {
    {
        const std::lock_guard lock(mutex_);
        throw_what_ = std::move(what);
    }
    wake_.notify_all();
}

void JournalWriter::run() {
    // The producer never signals (push() must not touch the mutex): on the wall the writer polls
    // the queue every few ms so a burst is written as soon as a quarter of the queue fills, and
    // commits at least every flush_interval regardless. On a virtual clock the producer only
    // runs while the writer waits, one interval at a time, so the interval is the poll.
    clk::Clock& clock = *clock_;
    const double interval_s = clock.real_to_clock(options_.flush_interval);
    const double poll_s = clock.is_virtual() ? interval_s : clock.real_to_clock(std::chrono::milliseconds(5));
    const std::size_t high_water = std::max<std::size_t>(1, samples_.capacity() / 4);
    std::unique_lock lock(mutex_);
    for (;;) {
        const double deadline_s = clock.now_s() + interval_s;
        const auto asked = [this] { return stopping_ || flush_requested_ > flush_done_; };
        for (;;) {
            if (asked() || samples_.size() >= high_water) break;
            const double now_s = clock.now_s();
            if (now_s >= deadline_s) break;
            (void)wake_.wait_for(lock, std::min(poll_s, deadline_s - now_s), asked);
        }
        const std::uint64_t request = flush_requested_;
        const bool stop = stopping_;
        std::string throw_what;
        throw_what.swap(throw_what_);
        lock.unlock();
        try {
            if (!throw_what.empty()) throw std::runtime_error(throw_what);
            write_pending();
        } catch (const std::exception& e) {  // no exception leaves the thread: the run faults on error()
            const std::lock_guard error_lock(mutex_);
            if (!first_error_)
                first_error_ = Error{"journal_error", std::string("journal writer: ") + e.what(), {}};
        }
        lock.lock();
        flush_done_ = request;
        flushed_.notify_all();
        if (stop) return;
    }
}

void JournalWriter::write_pending() {
    std::vector<JournalEvent> events;
    {
        const std::lock_guard lock(mutex_);
        events.swap(events_);
    }
    for (;;) {
        const std::size_t n = samples_.pop(batch_);
        if (n > 0) last_t_s_ = batch_[n - 1].t_s;
        const std::uint64_t overflowed = overflowed_.load(std::memory_order_relaxed);
        if (overflowed > overflow_journaled_) {
            const std::uint64_t lost = overflowed - overflow_journaled_;
            events.push_back({last_t_s_, "error", "journal_overflow",
                              strf("%llu samples could not be queued for the journal (queue of %zu full): the "
                                   "journal fell behind the control loop", static_cast<unsigned long long>(lost),
                                   samples_.capacity())});
            overflow_journaled_ = overflowed;
        }
        if (n == 0 && events.empty()) return;
        auto written = journal_.append(run_id_, std::span<const JournalSample>(batch_.data(), n), events);
        if (written) {
            samples_written_.fetch_add(n);
            events_written_.fetch_add(events.size());
            batches_written_.fetch_add(1);
        } else {
            const std::lock_guard lock(mutex_);
            if (!first_error_) {
                first_error_ = written.error();
                first_error_->message = strf("journal write of %zu samples and %zu events for run %lld failed: %s", n,
                                             events.size(), static_cast<long long>(run_id_),
                                             written.error().message.c_str());
            }
        }
        events.clear();
        if (n < batch_.size()) return;
    }
}

}  // namespace edc::journal
