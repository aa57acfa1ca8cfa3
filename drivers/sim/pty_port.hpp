#pragma once
// A pseudo-terminal an instrument simulator listens on (protocols.md section 7): the master
// stays here, the driver opens the slave path like any serial device. The slave is made raw
// before anyone opens it, and a spare slave descriptor keeps master reads from failing with
// EIO while the driver has its side closed.
#include <optional>
#include <string>

#include "control/error.hpp"

namespace edc::sim {

class PtyPort {
public:
    [[nodiscard]] static Result<PtyPort> open();

    PtyPort(PtyPort&& other) noexcept;
    PtyPort& operator=(PtyPort&& other) noexcept;
    PtyPort(const PtyPort&) = delete;
    PtyPort& operator=(const PtyPort&) = delete;
    ~PtyPort();

    [[nodiscard]] int master_fd() const noexcept { return master_; }
    [[nodiscard]] const std::string& slave_path() const noexcept { return path_; }
    // The baud the driver configured on its side (PTY termios are shared by both ends).
    [[nodiscard]] std::optional<unsigned> line_baud() const noexcept;
    // Closes master and spare slave: the driver's reads and writes fail (EIO / hang-up).
    void close() noexcept;

private:
    PtyPort() = default;
    int master_ = -1;
    int spare_slave_ = -1;
    std::string path_;
};

[[nodiscard]] std::optional<unsigned> baud_from_speed(unsigned speed_constant) noexcept;

}  // namespace edc::sim
