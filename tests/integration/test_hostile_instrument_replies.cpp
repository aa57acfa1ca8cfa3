// Hostile instrument replies (issue 6) against the real drivers over a pseudo-terminal: a tiny
// peer plays a Keithley 2400 (SCPI) or a New Era pump correctly until the command under test,
// then answers it with a reply that is too long, never terminated, an endless flood, binary,
// or valid but dribbled byte by byte (fast enough, and too slow). Each must end in a clear error
// (or the right value) within the call's timeout plus a margin, with bounded memory.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <poll.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <mutex>
#include <random>
#include <string>
#include <thread>

#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "drivers/pump/pump_factory.hpp"
#include "tests/drivers/pty_peer.hpp"

using namespace std::chrono_literals;

namespace {

using Clock = std::chrono::steady_clock;

long rss_kib() {
    std::ifstream in("/proc/self/status");
    std::string key;
    while (in >> key) {
        if (key == "VmRSS:") {
            long v = 0;
            in >> v;
            return v;
        }
        in.ignore(1 << 16, '\n');
    }
    return -1;
}

// What the peer writes back for one command: `bytes` at `gap` between chunks of `chunk` bytes;
// `repeat` > 1 sends it again and again (a flood) until the test stops the peer.
struct Reply {
    std::string bytes;
    std::chrono::milliseconds gap{0};
    std::size_t chunk = 1 << 16;
    std::size_t repeat = 1;
};

class HostilePeer {
public:
    using Responder = std::function<Reply(const std::string& command)>;

    explicit HostilePeer(Responder responder) : responder_(std::move(responder)) {
        // Non-blocking, so a driver that stops reading never wedges the peer in write(2).
        ::fcntl(pty_.master(), F_SETFL, ::fcntl(pty_.master(), F_GETFL) | O_NONBLOCK);
        thread_ = std::thread([this] { loop(); });
    }
    ~HostilePeer() {
        stop_ = true;
        thread_.join();
    }
    const std::string& path() const { return pty_.slave_path(); }
    std::size_t bytes_sent() const { return sent_.load(); }

private:
    void loop() {
        std::string in;
        while (!stop_) {
            pollfd p{pty_.master(), POLLIN, 0};
            if (::poll(&p, 1, 10) <= 0 || !(p.revents & POLLIN)) continue;
            char buf[512];
            const auto n = ::read(pty_.master(), buf, sizeof buf);
            if (n <= 0) continue;
            in.append(buf, static_cast<std::size_t>(n));
            for (;;) {
                const auto end = in.find_first_of("\r\n");
                if (end == std::string::npos) break;
                const std::string cmd = in.substr(0, end);
                in.erase(0, end + 1);
                if (cmd.empty()) continue;
                send(responder_(cmd));
            }
        }
    }
    void send(const Reply& r) {
        for (std::size_t k = 0; k < r.repeat && !stop_; ++k) {
            std::size_t off = 0;
            while (off < r.bytes.size() && !stop_) {
                pollfd p{pty_.master(), POLLOUT, 0};
                if (::poll(&p, 1, 10) <= 0) continue;  // the driver is not reading: keep checking stop_
                const std::size_t len = std::min(r.chunk, r.bytes.size() - off);
                const auto n = ::write(pty_.master(), r.bytes.data() + off, len);
                if (n > 0) {
                    off += static_cast<std::size_t>(n);
                    sent_ += static_cast<std::size_t>(n);
                }
                if (r.gap.count() > 0) std::this_thread::sleep_for(r.gap);
            }
        }
    }

    edc::test::PtyPeer pty_;
    Responder responder_;
    std::atomic<bool> stop_{false};
    std::atomic<std::size_t> sent_{0};
    std::thread thread_;
};

// ---- Keithley 2400 -----------------------------------------------------------------------

const std::string idn = "KEITHLEY INSTRUMENTS INC.,MODEL 2400,1234567,C30   Mar 17 2006 09:29:29/A02  /K/J";
const std::string good_reading = "+1.234500E+00,-5.700000E-03,+1.250000E+01,+0.000000E+00";

// A correct 2400 for everything but :READ?, which gets `hostile`.
HostilePeer::Responder keithley(Reply hostile) {
    return [hostile = std::move(hostile)](const std::string& cmd) -> Reply {
        if (cmd.find(":READ?") != std::string::npos) return hostile;
        if (cmd.find("*IDN?") != std::string::npos) return {idn + "\r"};
        if (cmd.find("SYST:ERR") != std::string::npos) return {"0,\"No error\"\r"};
        if (cmd.find("*OPC?") != std::string::npos) return {"1\r"};
        if (!cmd.empty() && cmd.back() == '?') return {"0\r"};
        return {};
    };
}

constexpr auto link_timeout = 1000ms;  // per command; :READ? adds one NPLC (20 ms)
constexpr auto margin = 1500ms;        // scheduling slack on a loaded CI machine

struct Galvo {
    edc::io::IoThread io;
    HostilePeer peer;
    std::unique_ptr<edc::Galvanostat> g;
    explicit Galvo(Reply hostile) : peer(keithley(std::move(hostile))) {
        edc::GalvanostatOptions o;
        o.timeout = link_timeout;
        auto made = edc::make_galvanostat("keithley-2400", peer.path(), o, io);
        if (!made) throw std::runtime_error(made.error().message);
        g = std::move(*made);
        edc::GalvanostatSettings s;
        s.current_range_a = 0.01;
        s.compliance_v = 10.0;
        s.potential_limit_v = 5.0;
        auto c = g->configure(s);
        if (!c) throw std::runtime_error("configure against the hostile peer: " + c.error().message);
    }
    ~Galvo() { g.reset(); }  // the transport before the io thread
};

struct Timed {
    edc::Result<edc::GalvanostatReading> r;
    std::chrono::milliseconds took;
};

Timed timed_read(edc::Galvanostat& g) {
    const auto t0 = Clock::now();
    auto r = g.read();
    return {std::move(r), std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0)};
}

void expect_clear_error(const Timed& t, std::initializer_list<const char*> codes) {
    ASSERT_FALSE(t.r) << "a hostile reply was accepted as a reading";
    bool known = false;
    for (const char* c : codes) known = known || t.r.error().code == c;
    EXPECT_TRUE(known) << "code " << t.r.error().code << ": " << t.r.error().message;
    EXPECT_FALSE(t.r.error().where.empty()) << "the error should name the port";
    EXPECT_FALSE(t.r.error().message.empty());
    // A read whose exchange the host held back (tty input stalled on a loaded machine) gets its
    // timeout a second time (drivers/io/stream_transport.hpp): it ends all the same.
    EXPECT_LE(t.took, 2 * link_timeout + margin) << t.r.error().message;
    std::printf("HOSTILE %-55s -> %s after %lld ms: %s\n", ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                t.r.error().code.c_str(), static_cast<long long>(t.took.count()), t.r.error().message.c_str());
}

}  // namespace

TEST(Hostile2400, WellBehavedPeerGivesTheReading) {  // the peer itself is right: control case
    Galvo l({good_reading + "\r"});
    auto t = timed_read(*l.g);
    ASSERT_TRUE(t.r) << t.r.error().message;
    EXPECT_DOUBLE_EQ(t.r->potential_v, 1.2345);
    EXPECT_DOUBLE_EQ(t.r->current_a, -5.7e-3);
}

TEST(Hostile2400, ReplyLongerThanAnyFrameIsRefused) {
    Galvo l({std::string(1 << 20, '7') + "\r"});  // 1 MiB of digits, then a terminator
    expect_clear_error(timed_read(*l.g), {"frame_too_long", "bad_reply"});
}

TEST(Hostile2400, ReplyNeverTerminatedIsATimeoutNotAHang) {
    Galvo l({good_reading});  // no CR / LF
    const auto t = timed_read(*l.g);
    expect_clear_error(t, {"timeout"});
    EXPECT_GE(t.took, link_timeout) << "gave up before its timeout";
}

TEST(Hostile2400, EndlessFloodKeepsMemoryBoundedAndEndsEveryCall) {
    const std::string block(std::size_t{64} * 1024, 'A');
    Galvo l({block, 0ms, std::size_t{64} * 1024, 1024});  // up to 64 MiB, as fast as the PTY takes it
    const long before = rss_kib();
    // Keep reading for 2 s while the flood runs: every call must end, memory must not follow it.
    const auto until = Clock::now() + 2s;
    int calls = 0;
    Timed worst{edc::fail("none", "no call"), 0ms};
    while (Clock::now() < until) {
        auto t = timed_read(*l.g);
        ASSERT_FALSE(t.r) << "a flood of 'A' was accepted as a reading";
        if (t.took >= worst.took) worst = std::move(t);
        ++calls;
    }
    const long after = rss_kib();
    expect_clear_error(worst, {"frame_too_long", "timeout", "bad_reply"});
    std::printf("HOSTILE flood: %d calls in 2 s, %zu bytes sent, slowest call %lld ms, RSS %ld -> %ld KiB\n", calls,
                l.peer.bytes_sent(), static_cast<long long>(worst.took.count()), before, after);
    // 64 times the transport's 4096-byte frame cap at least (ASan builds read more slowly).
    EXPECT_GT(l.peer.bytes_sent(), 64U * 4096U) << "the flood did not flow: the test proves nothing";
    EXPECT_LT(after - before, 16 * 1024) << "memory grew with the flood";
}

TEST(Hostile2400, BinaryReplyIsABadReply) {
    std::mt19937 rng(2400);
    std::string junk;
    for (int i = 0; i < 300; ++i) {
        auto c = static_cast<char>(rng() & 0xff);
        if (c == '\r' || c == '\n') c = '\x01';
        junk.push_back(c);
    }
    junk[7] = '\0';
    Galvo l({junk + "\r"});
    expect_clear_error(timed_read(*l.g), {"bad_reply"});
}

TEST(Hostile2400, NulBytesAndTerminatorIsABadReply) {
    Galvo l({std::string("\0\0\0\0", 4) + "\r"});
    expect_clear_error(timed_read(*l.g), {"bad_reply"});
}

TEST(Hostile2400, WrongFieldCountIsABadReply) {
    Galvo l({"+1.0E+00,-5.7E-03\r"});
    expect_clear_error(timed_read(*l.g), {"bad_reply"});
}

TEST(Hostile2400, NonFiniteNumbersNeverBecomeAReading) {
    for (const char* text : {"NAN,-5.7E-03,+1.0E+00,+0", "+1.0E+00,INF,+1.0E+00,+0", "+1.0E+9999,-5.7E-03,+1.0E+00,+0",
                             "+1.0E+00,-5.7E-03,+1.0E+00,-1", "+1.0E+00,-5.7E-03,+1.0E+00,+1.0E+30"}) {
        SCOPED_TRACE(text);
        Galvo l({std::string(text) + "\r"});
        auto t = timed_read(*l.g);
        if (t.r) {
            EXPECT_TRUE(std::isfinite(t.r->potential_v) && std::isfinite(t.r->current_a))
                << "non-finite reading accepted: V " << t.r->potential_v << " I " << t.r->current_a;
        } else {
            EXPECT_LE(t.took, link_timeout + margin);
            std::printf("HOSTILE non-finite '%s' -> %s: %s\n", text, t.r.error().code.c_str(),
                        t.r.error().message.c_str());
        }
    }
}

TEST(Hostile2400, ValidReplyByteByByteIsStillRead) {
    Galvo l({good_reading + "\r", 2ms, 1});  // 57 bytes over ~120 ms
    auto t = timed_read(*l.g);
    ASSERT_TRUE(t.r) << t.r.error().message;
    EXPECT_DOUBLE_EQ(t.r->current_a, -5.7e-3);
}

TEST(Hostile2400, ByteDribbleSlowerThanTheTimeoutDoesNotExtendTheDeadline) {
    // One byte every 100 ms: each byte arrives well inside the timeout, the whole reply does not.
    Galvo l({good_reading + "\r", 100ms, 1});
    const auto t = timed_read(*l.g);
    expect_clear_error(t, {"timeout"});
}

// ---- New Era pump (basic mode) -------------------------------------------------------------

namespace {

// A correct NE-1000 at address 00 that answers every command with `hostile` after the first
// `good_before` commands.
HostilePeer::Responder newera(Reply hostile, int good_before) {
    auto count = std::make_shared<int>(0);
    return [hostile = std::move(hostile), good_before, count](const std::string& cmd) -> Reply {
        if ((*count)++ >= good_before) return hostile;
        if (cmd.find("VER") != std::string::npos) return {"\x02" "00SNE1000V3.928\x03"};
        return {"\x02" "00S\x03"};
    };
}

struct Pump {
    edc::io::IoThread io;
    HostilePeer peer;
    std::unique_ptr<edc::SyringePump> p;
    Pump(Reply hostile, int good_before) : peer(newera(std::move(hostile), good_before)) {
        edc::PumpOptions o;
        o.timeout = link_timeout;
        auto made = edc::make_syringe_pump("ne-1000", peer.path(), o, io);
        if (!made) throw std::runtime_error(made.error().message);
        p = std::move(*made);
    }
    ~Pump() { p.reset(); }
};

template <class T>
void expect_pump_error(const edc::Result<T>& r, std::chrono::milliseconds took, std::initializer_list<const char*> codes) {
    ASSERT_FALSE(r) << "a hostile reply was accepted";
    bool known = false;
    for (const char* c : codes) known = known || r.error().code == c;
    EXPECT_TRUE(known) << "code " << r.error().code << ": " << r.error().message;
    EXPECT_FALSE(r.error().where.empty());
    // identify() is two commands (alarm acknowledge, VER): two timeouts at most.
    EXPECT_LE(took, 2 * link_timeout + margin) << r.error().message;
    std::printf("HOSTILE %-55s -> %s after %lld ms: %s\n", ::testing::UnitTest::GetInstance()->current_test_info()->name(),
                r.error().code.c_str(), static_cast<long long>(took.count()), r.error().message.c_str());
}

template <class F>
auto timed(F f) {
    const auto t0 = Clock::now();
    auto r = f();
    return std::make_pair(std::move(r), std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t0));
}

}  // namespace

TEST(HostileNewEra, WellBehavedPeerIdentifies) {
    Pump l({}, 1000);
    auto [r, took] = timed([&] { return l.p->identify(); });
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_NE(r->find("NE1000"), std::string::npos) << *r;
}

TEST(HostileNewEra, ReplyWithoutEtxIsATimeout) {
    Pump l({"\x02" "00SNE1000V3.928"}, 1);
    auto [r, took] = timed([&] { return l.p->identify(); });
    expect_pump_error(r, took, {"timeout"});
}

TEST(HostileNewEra, OversizedFrameIsRefused) {
    Pump l({"\x02" "00S" + std::string(1 << 20, 'V') + "\x03"}, 1);
    auto [r, took] = timed([&] { return l.p->identify(); });
    expect_pump_error(r, took, {"frame_too_long", "bad_reply", "bad_frame", "timeout"});
}

TEST(HostileNewEra, BinaryFloodKeepsMemoryBounded) {
    std::mt19937 rng(1000);
    std::string junk(std::size_t{64} * 1024, '\0');
    for (auto& c : junk) c = static_cast<char>(rng() & 0xff);
    Pump l({junk, 0ms, std::size_t{64} * 1024, 512}, 1);
    const long before = rss_kib();
    auto [r, took] = timed([&] { return l.p->identify(); });
    const long after = rss_kib();
    expect_pump_error(r, took, {"frame_too_long", "bad_reply", "bad_frame", "timeout", "crc_mismatch"});
    std::printf("HOSTILE pump flood: %zu bytes sent, RSS %ld -> %ld KiB\n", l.peer.bytes_sent(), before, after);
    EXPECT_LT(after - before, 16 * 1024);
}

TEST(HostileNewEra, ValidReplyByteByByteIsStillRead) {
    // Every reply dribbled one byte per 3 ms: the pump's whole identify exchange still works.
    auto count = std::make_shared<int>(0);
    edc::io::IoThread io;
    HostilePeer peer([count](const std::string& cmd) -> Reply {
        if (cmd.find("VER") != std::string::npos) return {"\x02" "00SNE1000V3.928\x03", 3ms, 1};
        return {"\x02" "00S\x03", 3ms, 1};
    });
    edc::PumpOptions o;
    o.timeout = link_timeout;
    auto made = edc::make_syringe_pump("ne-1000", peer.path(), o, io);
    ASSERT_TRUE(made) << made.error().message;
    auto r = (*made)->identify();
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_NE(r->find("NE1000"), std::string::npos);
}
