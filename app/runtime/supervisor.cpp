#include "app/runtime/supervisor.hpp"

#include <exception>
#include <stdexcept>

namespace edc::app {

namespace {

constexpr double turn_real_s = 0.005;  // the longest an unseen tick record or watchdog expiry waits

bool cancels(run::EventKind k) {
    return k == run::EventKind::abort || k == run::EventKind::fault || k == run::EventKind::watchdog_expired;
}

}  // namespace

Supervisor::Supervisor(SupervisedRun& run, clk::Clock& clock, double watchdog_timeout_s,
                       std::string watchdog_text)
    : run_(run),
      clock_(clock),
      watchdog_(watchdog_timeout_s),
      watchdog_text_(std::move(watchdog_text)),
      wake_(clock),
      job_wake_(clock),
      job_thread_([this, attached = clk::Attachment(clock)] { work(); }),
      thread_([this, attached = clk::Attachment(clock)] { supervise(); }) {}

Supervisor::~Supervisor() {
    if (thread_.joinable()) thread_.join();
    {
        std::lock_guard lock(mutex_);
        quit_jobs_ = true;
    }
    job_wake_.notify_all();
    if (job_thread_.joinable()) job_thread_.join();
}

void Supervisor::post(run::RunEvent event) {
    if (cancels(event.kind)) cancelled_ = true;
    {
        std::lock_guard lock(mutex_);
        events_.push_back(std::move(event));
    }
    wake_.notify_all();
}

void Supervisor::throw_in_thread(std::string what) {
    {
        std::lock_guard lock(mutex_);
        throw_what_ = std::move(what);
    }
    wake_.notify_all();
}

void Supervisor::supervise() {
    bool watchdog_fired = false;
    int internal_errors = 0;
    std::vector<run::RunEvent> seen;
    for (;;) {
        std::deque<run::RunEvent> batch;
        bool jobs_idle = false;
        std::string throw_what;
        {
            std::unique_lock lock(mutex_);
            (void)wake_.wait_for(lock, clock_.real_to_clock(turn_real_s),
                                 [this] { return !events_.empty() || !throw_what_.empty(); });
            batch.swap(events_);
            jobs_idle = jobs_.empty() && !job_running_;
            throw_what.swap(throw_what_);
        }
        if (machine_.finished() && jobs_idle && batch.empty()) break;
        // No exception leaves the thread (std::terminate would leave the cell energised): one
        // faults the run, and the machine asks for the safe state.
        try {
            turn_once(batch, seen, watchdog_fired);
            if (!throw_what.empty()) throw std::runtime_error(throw_what);
        } catch (const std::exception& e) {
            // A few, not forever: from `stopping` each fault asks for the safe state again.
            if (++internal_errors <= 3) {
                post({run::EventKind::fault, std::string("internal_error: supervisor thread: ") + e.what()});
            }
        }
    }
}

void Supervisor::turn_once(std::deque<run::RunEvent>& batch, std::vector<run::RunEvent>& seen,
                           bool& watchdog_fired) {
    {
        seen.clear();
        run_.observe(machine_.state(), seen);
        for (auto& e : seen) batch.push_back(std::move(e));
        if (auto beat = run_.loop_heartbeat_s()) {
            watchdog_.kick(*beat);
            if (!watchdog_fired && watchdog_.expired(run_.now_s())) {
                watchdog_fired = true;
                cancelled_ = true;
                batch.push_back({run::EventKind::watchdog_expired, watchdog_text_});
            }
        } else {
            watchdog_.disarm();
        }
        while (!batch.empty()) {
            auto e = std::move(batch.front());
            batch.pop_front();
            handle(e);
        }
    }
}

void Supervisor::handle(const run::RunEvent& event) {
    const auto t = machine_.handle(event);
    if (!t.accepted) {
        run_.refused(t, event);
        return;
    }
    state_ = t.to;
    // A repeat that asks for work (the safe state again after a fault during it) is journaled
    // too: the record must show why the safe-state steps ran twice.
    if (t.from != t.to || !t.actions.empty()) run_.transitioned(t, event);
    if (t.actions.empty()) return;
    {
        std::lock_guard lock(mutex_);
        for (auto a : t.actions) jobs_.push_back({a, machine_.outcome(), machine_.cause()});
    }
    job_wake_.notify_all();
}

void Supervisor::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        job_wake_.wait(lock, [this] { return quit_jobs_ || !jobs_.empty(); });
        if (jobs_.empty()) return;  // quit, nothing left
        const auto job = std::move(jobs_.front());
        jobs_.pop_front();
        job_running_ = true;
        lock.unlock();
        // An escaping exception would end the process with the cell possibly energised: it
        // faults the run instead, and the machine asks for the safe state.
        std::optional<run::RunEvent> done;
        try {
            done = run_.perform(job);
        } catch (const std::exception& e) {
            done = run::RunEvent{run::EventKind::fault, std::string("internal error in ") +
                                                            std::string(run::to_string(job.action)) + ": " +
                                                            e.what()};
        }
        if (done) post(std::move(*done));
        lock.lock();
        job_running_ = false;
        wake_.notify_all();
    }
}

}  // namespace edc::app
