// SimHost over real pseudo-terminals and loopback TCP, opened with plain POSIX calls (not the
// drivers' transports), so these tests check the simulator's wire side on its own.
#include "drivers/sim/sim_host.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <thread>

#include "drivers/sim/newera_model.hpp"

namespace edc::sim {
namespace {

using Clock = std::chrono::steady_clock;

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    [[nodiscard]] int get() const { return fd_; }

private:
    int fd_;
};

int open_serial(const std::string& path, speed_t baud) {
    const int fd = ::open(path.c_str(), O_RDWR | O_NOCTTY);
    if (fd < 0) return fd;
    termios t{};
    ::tcgetattr(fd, &t);
    ::cfmakeraw(&t);
    ::cfsetispeed(&t, baud);
    ::cfsetospeed(&t, baud);
    ::tcsetattr(fd, TCSANOW, &t);
    return fd;
}

int connect_tcp(const std::string& endpoint) {
    const auto colon = endpoint.rfind(':');
    const int port = std::stoi(endpoint.substr(colon + 1));
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(fd);
        return -1;
    }
    return fd;
}

struct ReadResult {
    std::string bytes;
    bool eof_or_error = false;
};

// Reads until `last` arrives, the peer hangs up, or `timeout_ms` passes.
ReadResult read_until(int fd, char last, int timeout_ms) {
    ReadResult r;
    const auto end = Clock::now() + std::chrono::milliseconds(timeout_ms);
    while (Clock::now() < end) {
        pollfd p{fd, POLLIN, 0};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
        if (::poll(&p, 1, static_cast<int>(std::max<long>(left, 1))) <= 0) continue;
        char buf[256];
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n <= 0) {
            r.eof_or_error = true;
            return r;
        }
        r.bytes.append(buf, static_cast<std::size_t>(n));
        if (r.bytes.back() == last) return r;
    }
    return r;
}

void write_str(int fd, const std::string& s) { ASSERT_EQ(::write(fd, s.data(), s.size()), static_cast<ssize_t>(s.size())); }

SimHostConfig fast_config() {
    SimHostConfig c;
    c.link_delays = false;
    return c;
}

TEST(SimHostPty, IdnRoundTripOverAPseudoTerminal) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends) << ends.error().message;
    ASSERT_EQ(ends->galvanostat.rfind("/dev/pts/", 0), 0U) << ends->galvanostat;
    Fd fd(open_serial(ends->galvanostat, B9600));
    ASSERT_GE(fd.get(), 0);
    write_str(fd.get(), "*IDN?\r");
    const auto r = read_until(fd.get(), '\r', 2000);
    EXPECT_EQ(r.bytes, "KEITHLEY INSTRUMENTS INC.,MODEL 2400,1207317,C30   Mar 17 2006 09:29:29/A02  /K/J\r");
}

TEST(SimHostPty, InputAtTheWrongBaudIsNotUnderstood) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B19200));  // the instrument is set to 9600
    write_str(fd.get(), "*IDN?\r");
    EXPECT_EQ(read_until(fd.get(), '\r', 300).bytes, "");
    EXPECT_GT(host.snapshot().wrong_baud_bytes, 0);
}

TEST(SimHostPty, RecordsWhatTheHostCommanded) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    write_str(fd.get(), ":SOUR:FUNC CURR;:SOUR:CURR:LEV -0.002;:OUTP:SMOD HIMP;:OUTP ON;*OPC?\r");
    ASSERT_EQ(read_until(fd.get(), '\r', 2000).bytes, "1\r");
    auto s = host.snapshot();
    EXPECT_TRUE(s.output_on);
    EXPECT_EQ(s.output_off_mode, OutputOffMode::high_impedance);
    EXPECT_DOUBLE_EQ(s.source_level_a, -0.002);
    EXPECT_DOUBLE_EQ(s.cell_current_a, -0.002);
    write_str(fd.get(), ":SOUR:CURR:LEV 0;:OUTP OFF;*OPC?\r");
    ASSERT_EQ(read_until(fd.get(), '\r', 2000).bytes, "1\r");
    s = host.snapshot();
    EXPECT_FALSE(s.output_on);
    EXPECT_EQ(s.shorted_s, 0.0);  // HIMP: the cell floated
}

TEST(SimHostPty, OutputOffInNormalModeIsRecordedAsShortingTheCell) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    write_str(fd.get(), ":SOUR:FUNC CURR;:OUTP ON;:OUTP OFF;*OPC?\r");
    ASSERT_EQ(read_until(fd.get(), '\r', 2000).bytes, "1\r");
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_GT(host.snapshot().shorted_s, 0.0);
    EXPECT_EQ(host.snapshot().output_off_mode, OutputOffMode::normal);
}

TEST(SimHostPty, LinkDelaysAddTenBitsPerByteAtTheConfiguredBaud) {
    SimHostConfig c;
    c.pump_model = "none";
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    const auto t0 = Clock::now();
    write_str(fd.get(), "*IDN?\r");
    const auto r = read_until(fd.get(), '\r', 3000);
    const double elapsed = std::chrono::duration<double>(Clock::now() - t0).count();
    ASSERT_FALSE(r.bytes.empty());
    // A lower bound only: (6 + reply) bytes * 10 bits / 9600 baud.
    EXPECT_GE(elapsed, static_cast<double>(6 + r.bytes.size()) * 10.0 / 9600.0);
}

TEST(SimHostTcp, Keithley2450ListensOnLoopbackAndAnswers) {
    auto c = fast_config();
    c.galvanostat_model = "keithley-2450";
    c.pump_model = "none";
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    ASSERT_EQ(ends->galvanostat.rfind("tcp://127.0.0.1:", 0), 0U) << ends->galvanostat;
    EXPECT_TRUE(ends->pump.empty());
    Fd fd(connect_tcp(ends->galvanostat));
    ASSERT_GE(fd.get(), 0);
    write_str(fd.get(), "*LANG?\n");
    EXPECT_EQ(read_until(fd.get(), '\n', 2000).bytes, "SCPI\n");
}

TEST(SimHostFaults, GalvanostatDisconnectMakesReadsFail) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    host.inject(FaultKind::galvanostat_disconnect);
    const auto r = read_until(fd.get(), '\r', 2000);
    EXPECT_TRUE(r.eof_or_error);
}

TEST(SimHostFaults, TcpDisconnectClosesTheConnection) {
    auto c = fast_config();
    c.galvanostat_model = "keithley-2450";
    c.pump_model = "none";
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(connect_tcp(ends->galvanostat));
    write_str(fd.get(), "*OPC?\n");
    ASSERT_EQ(read_until(fd.get(), '\n', 2000).bytes, "1\n");
    host.inject(FaultKind::galvanostat_disconnect);
    EXPECT_TRUE(read_until(fd.get(), '\n', 2000).eof_or_error);
}

TEST(SimHostFaults, GalvanostatTimeoutStopsAnswering) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    host.inject(FaultKind::galvanostat_timeout);
    write_str(fd.get(), "*IDN?\r");
    EXPECT_EQ(read_until(fd.get(), '\r', 300).bytes, "");
}

TEST(SimHostFaults, GalvanostatGarbageRepliesJunkEndingInTheTerminator) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    host.inject(FaultKind::galvanostat_garbage);
    write_str(fd.get(), "*OPC?\r");
    const auto r = read_until(fd.get(), '\r', 2000);
    ASSERT_GE(r.bytes.size(), 2U);
    EXPECT_NE(r.bytes, "1\r");
    EXPECT_NE(static_cast<unsigned char>(r.bytes[0]) & 0x80U, 0U);
}

TEST(SimHostFaults, ScheduledPumpStallFiresAtItsSimulatedTime) {
    auto c = fast_config();
    c.galvanostat_model = "none";
    c.speed_factor = 20.0;
    c.faults = {{FaultKind::pump_stall, 2.0}};  // 0.1 s of real time
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->pump, B19200));
    write_str(fd.get(), "VER\r");
    EXPECT_EQ(read_until(fd.get(), '\x03', 2000).bytes, "\x02" "00A?R\x03");  // power-up alarm first
    write_str(fd.get(), "RAT 10 MM\r");
    read_until(fd.get(), '\x03', 2000);
    write_str(fd.get(), "RUN\r");
    EXPECT_EQ(read_until(fd.get(), '\x03', 2000).bytes, "\x02" "00I\x03");
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const auto s = host.snapshot();
    ASSERT_EQ(s.faults_fired.size(), 1U);
    EXPECT_FALSE(s.pump_running);
    write_str(fd.get(), "DIS\r");
    EXPECT_EQ(read_until(fd.get(), '\x03', 2000).bytes, "\x02" "00A?S\x03");
}

TEST(SimHostFaults, ComplianceTripLimitsTheCellCurrent) {
    SimHost host(fast_config());
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->galvanostat, B9600));
    write_str(fd.get(), ":SOUR:FUNC CURR;:SOUR:CURR:LEV -0.0057;:SENS:VOLT:PROT 10;:OUTP ON;*OPC?\r");
    ASSERT_EQ(read_until(fd.get(), '\r', 2000).bytes, "1\r");
    EXPECT_FALSE(host.snapshot().in_compliance);
    host.inject(FaultKind::compliance_trip);
    EXPECT_TRUE(host.snapshot().in_compliance);
    write_str(fd.get(), ":SENS:VOLT:PROT:TRIP?\r");
    EXPECT_EQ(read_until(fd.get(), '\r', 2000).bytes, "0\r");  // no reading taken yet
    write_str(fd.get(), ":READ?;:SENS:VOLT:PROT:TRIP?\r");
    const auto r = read_until(fd.get(), '\r', 2000).bytes;
    EXPECT_EQ(r.substr(r.size() - 3), ";1\r") << r;
}

TEST(SimHostPump, PumpFeedReachesTheBathAndIsCounted) {
    auto c = fast_config();
    c.galvanostat_model = "none";
    c.pump_model = "harvard-elite";
    c.speed_factor = 50.0;
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_TRUE(ends);
    Fd fd(open_serial(ends->pump, B115200));
    write_str(fd.get(), "irate 20 m/m\r");
    EXPECT_EQ(read_until(fd.get(), ':', 2000).bytes, "\n:");
    write_str(fd.get(), "irun\r");
    EXPECT_EQ(read_until(fd.get(), '>', 2000).bytes, "\n>");
    std::this_thread::sleep_for(std::chrono::milliseconds(400));  // ~20 simulated seconds
    write_str(fd.get(), "stop\r");
    read_until(fd.get(), ':', 2000);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));  // let the lagged flow settle
    const auto s = host.snapshot();
    EXPECT_GT(s.dispensed_m3, 5e-6);
    EXPECT_NEAR(s.bath.volume_m3 - 20e-6, s.dispensed_m3, 0.02e-6);
}

TEST(SimHost, UnknownModelIsAStartError) {
    auto c = fast_config();
    c.pump_model = "ne-9999";
    SimHost host(c);
    const auto ends = host.start();
    ASSERT_FALSE(ends);
    EXPECT_EQ(ends.error().code, "sim_model");
}

}  // namespace
}  // namespace edc::sim
