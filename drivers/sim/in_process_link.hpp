#pragma once
// A simulated instrument's wire without a wire: the host's end is a drivers/io ByteTransport
// whose peer is the instrument model itself, in this process. The same bytes go both ways
// with the same framing, baud-rate and processing delays as over a PTY or TCP, but the delays
// are waits on the run's clock, so with a virtual clock (control/clock/virtual_clock.hpp) a
// whole run needs no PTY, no socket and no wall time. Faults act as on the wire server: a
// silent link neither delivers nor answers, garbage garbles replies, close disconnects.
//
// Threads: the host's calls (one driver thread) run the model's handlers on that thread, under
// the model's own lock; poll() comes from the simulator's ticker. Not checked here: the line's
// baud (the wrong-baud tests use a PTY).
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "drivers/io/transport.hpp"
#include "drivers/sim/link_timing.hpp"
#include "drivers/sim/sim_clock.hpp"
#include "drivers/sim/wire_server.hpp"

namespace edc::sim {

class InProcessLink : public std::enable_shared_from_this<InProcessLink> {
public:
    InProcessLink(std::string name, const LinkTiming& timing, WireHandlers handlers, SimClock clock);

    // The host's end. Each call opens a new connection on the same link. Refused ("no_device")
    // while the link is unplugged.
    [[nodiscard]] Result<std::unique_ptr<io::ByteTransport>> connect();
    [[nodiscard]] std::string endpoint() const { return "inproc://" + name_; }

    void set_silent(bool on);
    void set_garbage(bool on);
    void request_close();
    // The USB adapter re-enumerates: every open connection fails from now on (ENODEV/EIO),
    // connect() is refused until clock seconds `until_s`, then opens a fresh connection. The
    // instrument behind it keeps its state; what it says meanwhile is lost.
    void unplug(double until_s);
    // The instrument's own timers (the NE-1000's safe-mode watchdog): what it says unasked is
    // queued for the host, or lost on a silent or closed link.
    void poll();

    // The host's side (InProcessTransport).
    // `epoch`: the connection's; one made before the last unplug is dead.
    Result<void> host_write(std::string_view bytes, std::chrono::milliseconds timeout, unsigned epoch);
    Result<std::string> host_read(const io::Framer& framer, std::chrono::milliseconds timeout, unsigned epoch);
    void host_drain();

private:
    struct Arrival {
        double at_s;  // clock seconds when its last byte reaches the host
        std::string bytes;
    };
    void queue(const std::vector<WireReply>& replies, double from_s);  // caller holds mutex_
    void take_arrived(double now_s);                                   // caller holds mutex_
    std::optional<Result<std::string>> take_frame(const io::Framer& framer, bool accept_quiet);
    [[nodiscard]] bool gone(unsigned epoch) const { return epoch != epoch_; }  // caller holds mutex_
    [[nodiscard]] Error gone_error() const;

    std::string name_;
    LinkTiming timing_;
    WireHandlers handlers_;
    SimClock clock_;
    std::mutex mutex_;  // guards everything below
    std::deque<Arrival> arriving_;
    std::string buffer_;  // arrived, not yet framed
    bool silent_ = false;
    bool garbage_ = false;
    bool closed_ = false;
    unsigned epoch_ = 0;              // bumped by each unplug
    double unplugged_until_s_ = 0.0;  // clock seconds
    unsigned junk_seed_ = 12345U;
};

}  // namespace edc::sim
