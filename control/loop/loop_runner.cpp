#include "control/loop/loop_runner.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>

#include <cerrno>

namespace edc::loop {

LoopRunner::Privileges LoopRunner::acquire(LoopStats& stats) noexcept {
    Privileges p;
    sched_param old{};
    if (pthread_getschedparam(pthread_self(), &p.old_policy, &old) == 0) p.old_priority = old.sched_priority;
    if (options_.try_realtime) {
        sched_param want{};
        want.sched_priority = options_.fifo_priority;
        const int rc = pthread_setschedparam(pthread_self(), SCHED_FIFO, &want);
        stats.realtime_granted = rc == 0;
        stats.realtime_errno = rc;
        p.changed_policy = rc == 0;
    }
    if (options_.try_lock_memory) {
        stats.memory_locked = mlockall(MCL_CURRENT | MCL_FUTURE) == 0;
        stats.lock_errno = stats.memory_locked ? 0 : errno;
    }
    return p;
}

void LoopRunner::release(const Privileges& p, const LoopStats& stats) noexcept {
    if (p.changed_policy) {
        sched_param old{};
        old.sched_priority = p.old_priority;
        pthread_setschedparam(pthread_self(), p.old_policy, &old);
    }
    if (stats.memory_locked) munlockall();
}

timespec LoopRunner::now() noexcept {
    timespec t{};
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t;
}

void LoopRunner::add_ns(timespec& t, std::int64_t ns) noexcept {
    constexpr std::int64_t billion = 1'000'000'000;
    std::int64_t total = static_cast<std::int64_t>(t.tv_nsec) + ns;
    t.tv_sec += static_cast<time_t>(total / billion);
    total %= billion;
    if (total < 0) {
        total += billion;
        t.tv_sec -= 1;
    }
    t.tv_nsec = static_cast<long>(total);
}

double LoopRunner::diff_s(const timespec& a, const timespec& b) noexcept {
    return static_cast<double>(a.tv_sec - b.tv_sec) + 1e-9 * static_cast<double>(a.tv_nsec - b.tv_nsec);
}

void LoopRunner::sleep_until(const timespec& t) noexcept {
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, nullptr) == EINTR) {
    }
}

}  // namespace edc::loop
