#pragma once
// One thread owns one instrument: every call to its driver (blocking, with the driver's own
// deadlines) runs here, so a slow or dead instrument never blocks the control loop, the GUI or
// the other instrument. Jobs are posted from the supervisor; urgent jobs (the safe state) jump
// the queue. Between jobs, while streaming, the periodic function polls the instrument.
// Nothing escapes the thread: a job's exception reaches its future, a periodic function's goes
// to `on_exception` (the session faults the run and drives the safe state), and polling goes on.
// Times are on the run's clock: the polling period is in run seconds, and a finished job tells
// the clock (whoever waits for its future with clk::wait_ready wakes).
#include <deque>
#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "control/clock/clock.hpp"

namespace edc::app {

template <class Device>
class InstrumentWorker {
public:
    using Periodic = std::function<void(Device&)>;
    using OnException = std::function<void(const std::string& what)>;

    // `min_period_s`: run seconds from one periodic call to the next, at least.
    InstrumentWorker(std::unique_ptr<Device> device, Periodic periodic, double min_period_s, clk::Clock& clock,
                     OnException on_exception = {})
        : device_(std::move(device)), periodic_(std::move(periodic)), min_period_s_(min_period_s),
          on_exception_(std::move(on_exception)), clock_(clock), wake_(clock),
          thread_([this, attached = clk::Attachment(clock)] { loop(); }) {}

    ~InstrumentWorker() {
        {
            std::lock_guard lock(mutex_);
            quit_ = true;
        }
        wake_.notify_all();
        thread_.join();
    }

    InstrumentWorker(const InstrumentWorker&) = delete;
    InstrumentWorker& operator=(const InstrumentWorker&) = delete;

    // Runs f(device) on the worker thread; the future carries its result.
    template <class F>
    auto call(F f, bool urgent = false) -> std::future<decltype(f(std::declval<Device&>()))> {
        using R = decltype(f(std::declval<Device&>()));
        auto task = std::make_shared<std::packaged_task<R(Device&)>>(std::move(f));
        auto future = task->get_future();
        {
            std::lock_guard lock(mutex_);
            auto job = [task](Device& d) { (*task)(d); };
            if (urgent) {
                jobs_.emplace_front(std::move(job));
            } else {
                jobs_.emplace_back(std::move(job));
            }
        }
        wake_.notify_all();
        return future;
    }

    // Tests only (issue 11, defect 6): the worker's thread throws `what` between its jobs, as
    // a driver bug would from the polling; it reaches `on_exception` like any escaped exception.
    void throw_in_thread(std::string what) {
        {
            std::lock_guard lock(mutex_);
            jobs_.emplace_front([what = std::move(what)](Device&) { throw std::runtime_error(what); });
        }
        wake_.notify_all();
    }

    void set_streaming(bool on) {
        {
            std::lock_guard lock(mutex_);
            streaming_ = on;
        }
        wake_.notify_all();
    }

private:
    void loop() {
        double next_poll = clock_.now_s();
        std::unique_lock lock(mutex_);
        for (;;) {
            if (quit_ && jobs_.empty()) return;
            if (!jobs_.empty()) {
                auto job = std::move(jobs_.front());
                jobs_.pop_front();
                lock.unlock();
                guarded([&] { job(*device_); });
                clock_.notify();  // its future is ready
                lock.lock();
                continue;
            }
            if (streaming_ && !quit_) {
                const double now = clock_.now_s();
                if (now >= next_poll) {
                    next_poll = now + min_period_s_;
                    lock.unlock();
                    guarded([&] { periodic_(*device_); });
                    lock.lock();
                    continue;
                }
                (void)wake_.wait_until(lock, next_poll, [this] { return !jobs_.empty() || quit_ || !streaming_; });
                continue;
            }
            wake_.wait(lock, [this] { return !jobs_.empty() || quit_ || streaming_; });
        }
    }

    template <class F>
    void guarded(F&& f) noexcept {
        std::string what;
        try {
            f();
            return;
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
            what = "unknown exception";
        }
        if (!on_exception_) return;
        try {
            on_exception_(what);
        } catch (...) {  // the handler only records; it must not end the instrument's thread
        }
    }

    std::unique_ptr<Device> device_;
    Periodic periodic_;
    double min_period_s_;
    OnException on_exception_;
    clk::Clock& clock_;
    std::mutex mutex_;
    clk::ClockCondition wake_;
    std::deque<std::function<void(Device&)>> jobs_;
    bool streaming_ = false;
    bool quit_ = false;
    std::thread thread_;  // last: starts after everything it uses exists
};

}  // namespace edc::app
