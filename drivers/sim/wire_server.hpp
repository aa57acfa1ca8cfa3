#pragma once
// Runs one simulated instrument on its wire (a PTY or a loopback TCP port) in a background
// thread: reads bytes, refuses them at the wrong baud, hands them to the model, waits the
// link's delays and writes the replies. Faults make it fall silent, answer junk or close, or
// (a PTY) re-enumerate: the adapter vanishes with its stable name and returns on a fresh PTY.
#include <atomic>
#include <filesystem>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include "drivers/sim/link_timing.hpp"
#include "drivers/sim/pty_port.hpp"
#include "drivers/sim/sim_clock.hpp"
#include "drivers/sim/tcp_port.hpp"

namespace edc::sim {

struct WireHandlers {
    // Both are called from the server's thread; they do their own locking.
    std::function<std::vector<WireReply>(std::string_view bytes, Instant now)> receive;
    std::function<std::vector<WireReply>(Instant now)> poll;  // unsolicited output, may be empty
};

class WireServer {
public:
    using Port = std::variant<PtyPort, TcpPort>;
    // Called on the server's thread when a re-enumerated port goes (endpoint "") and when it
    // is back (its new device path), after the stable link is gone / points at it again.
    using PortChange = std::function<void(const std::string& endpoint)>;

    WireServer(std::string name, Port port, const LinkTiming& timing, WireHandlers handlers,
               const SimClock& clock);
    WireServer(const WireServer&) = delete;
    WireServer& operator=(const WireServer&) = delete;
    ~WireServer();

    void start();
    void stop();

    [[nodiscard]] std::string endpoint() const;
    // A PTY's stable name (DIR/NAME, as udev would make it): linked to the PTY now, again to
    // each fresh PTY after a re-enumeration, removed by stop() while it is still ours. Before
    // start(). Errors "sim_link".
    [[nodiscard]] Result<void> link_as(std::filesystem::path link);
    void on_port_change(PortChange callback) { port_change_ = std::move(callback); }  // before start()
    // The USB-serial adapter re-enumerates (a PTY only; a TCP port ignores it): the PTY closes
    // now (its /dev/pts/N goes, the driver's descriptor fails) and its link goes; at clock
    // seconds `until_s` a fresh PTY (another /dev/pts/N) opens and the link points at it. The
    // instrument behind it keeps its state and its own timers.
    void unplug(double until_s) noexcept;
    void set_silent(bool on) noexcept { silent_ = on; }
    void set_garbage(bool on) noexcept { garbage_ = on; }
    void request_close() noexcept { close_requested_ = true; }
    [[nodiscard]] long wrong_baud_bytes() const noexcept { return wrong_baud_bytes_; }
    [[nodiscard]] long bytes_received() const noexcept { return bytes_received_; }

private:
    void run();
    void go_away();
    void come_back();
    void handle_input(std::string_view bytes, int fd);
    void send(int fd, const std::vector<WireReply>& replies, std::size_t input_bytes);
    [[nodiscard]] bool baud_ok() const;

    std::string name_;
    Port port_;
    bool pty_ = false;  // port_ holds a PtyPort (fixed at construction; read by any thread)
    LinkTiming timing_;
    WireHandlers handlers_;
    const SimClock& clock_;
    mutable std::mutex endpoint_mutex_;  // guards endpoint_ (a re-enumeration changes it)
    std::string endpoint_;
    std::filesystem::path link_;  // empty: none
    PortChange port_change_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<bool> silent_{false};
    std::atomic<bool> garbage_{false};
    std::atomic<bool> close_requested_{false};
    std::atomic<bool> unplug_requested_{false};
    std::atomic<double> unplug_until_s_{0.0};
    bool away_ = false;          // server thread only: the adapter is unplugged
    double away_until_s_ = 0.0;  // server thread only
    std::atomic<long> wrong_baud_bytes_{0};
    std::atomic<long> bytes_received_{0};
    unsigned junk_seed_ = 12345U;
};

// Junk of the reply's length ending in its last byte (the terminator), so the host sees a
// complete but meaningless frame rather than a timeout.
[[nodiscard]] std::string garble(std::string_view reply, unsigned& seed);

}  // namespace edc::sim
