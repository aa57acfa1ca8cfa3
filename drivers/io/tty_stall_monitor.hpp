#pragma once
// Tells a silent instrument from a stalled host. The kernel hands every byte a tty receives
// (USB-serial adapter or pseudo-terminal alike; through a pseudo-terminal, the bytes edc writes
// too) from the driver's flip buffer to the reader in a shared kernel worker of ordinary
// priority (flush_to_ldisc on the events_unbound workqueue). Under heavy host load that worker
// was measured runnable but not scheduled for seconds (docs/reliability.md, finding 3): a reply
// the instrument sent in 10 ms then reaches edc after the driver's timeout. The monitor pushes
// a byte through a private pseudo-terminal every 20 ms and remembers when delivery stalled.
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

namespace edc::io {

class HostStallCheck {
public:
    using Clock = std::chrono::steady_clock;
    virtual ~HostStallCheck() = default;
    // The longest time the kernel held tty input back during [since, now]. A stall still going
    // on is waited out, at most `limit` more; nullopt if it has not ended by then. Blocks the
    // caller (never call it on the io thread).
    [[nodiscard]] virtual std::optional<std::chrono::milliseconds> held_since(Clock::time_point since,
                                                                             std::chrono::milliseconds limit) = 0;
};

class TtyStallMonitor final : public HostStallCheck {
public:
    // One per process, started on first use and never stopped.
    [[nodiscard]] static TtyStallMonitor& shared();

    TtyStallMonitor();  // without a pseudo-terminal it reports no stalls: a timeout stays a timeout
    ~TtyStallMonitor() override;
    TtyStallMonitor(const TtyStallMonitor&) = delete;
    TtyStallMonitor& operator=(const TtyStallMonitor&) = delete;

    [[nodiscard]] std::optional<std::chrono::milliseconds> held_since(Clock::time_point since,
                                                                     std::chrono::milliseconds limit) override;

    static constexpr std::chrono::milliseconds period{20};
    // A byte slower than this was held back by the host (normal delivery: well under 30 ms even
    // at load average 14 on 2 cores).
    static constexpr std::chrono::milliseconds stall{100};

private:
    struct Held {
        Clock::time_point sent;
        Clock::time_point arrived;
    };
    void run();
    bool wait_for_mark(unsigned char mark);

    int master_ = -1;
    int slave_ = -1;
    int stop_fd_ = -1;
    std::mutex mutex_;
    std::condition_variable arrived_;
    bool quit_ = false;
    bool outstanding_ = false;
    Clock::time_point sent_{};
    std::deque<Held> stalls_;  // recent stalls, oldest first
    std::thread thread_;       // last: starts after everything it uses exists
};

}  // namespace edc::io
