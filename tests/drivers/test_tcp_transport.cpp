// The TCP transport against a loopback peer (a 2450 on the LAN speaks raw SCPI on port 5025).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "drivers/io/tcp_transport.hpp"

using namespace std::chrono_literals;

namespace {

// Accepts one connection on 127.0.0.1:<ephemeral>.
class LoopbackPeer {
public:
    LoopbackPeer() {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0) << std::strerror(errno);
        EXPECT_EQ(::listen(listener_, 1), 0) << std::strerror(errno);
        socklen_t len = sizeof a;
        EXPECT_EQ(::getsockname(listener_, reinterpret_cast<sockaddr*>(&a), &len), 0) << std::strerror(errno);
        port_ = ntohs(a.sin_port);
    }
    ~LoopbackPeer() {
        if (conn_ >= 0) ::close(conn_);
        ::close(listener_);
    }
    std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
    void accept() { conn_ = ::accept(listener_, nullptr, nullptr); }
    void send(const std::string& s) {
        ASSERT_EQ(::send(conn_, s.data(), s.size(), 0), static_cast<ssize_t>(s.size()));
    }
    std::string receive() {
        char buf[256];
        const auto n = ::recv(conn_, buf, sizeof buf, 0);
        return n > 0 ? std::string(buf, static_cast<std::size_t>(n)) : std::string();
    }
    void close_connection() {
        ::close(conn_);
        conn_ = -1;
    }

private:
    int listener_ = -1;
    int conn_ = -1;
    unsigned short port_ = 0;
};

const edc::io::LineFramer lf_lines(edc::io::LineEnding::lf);

}  // namespace

TEST(TcpUrl, ParsesHostAndPort) {
    auto e = edc::io::parse_tcp_url("tcp://192.168.1.20:5025");
    ASSERT_TRUE(e);
    EXPECT_EQ(e->host, "192.168.1.20");
    EXPECT_EQ(e->port, 5025);
    EXPECT_EQ(edc::io::parse_tcp_url("tcp://[::1]:5025")->host, "::1");
}

TEST(TcpUrl, RejectsMissingPortAndOtherSchemes) {
    EXPECT_EQ(edc::io::parse_tcp_url("tcp://host").error().code, "bad_port");
    EXPECT_FALSE(edc::io::parse_tcp_url("tcp://host:0"));
    EXPECT_FALSE(edc::io::parse_tcp_url("tcp://host:70000"));
    EXPECT_FALSE(edc::io::parse_tcp_url("/dev/ttyUSB0"));
}

TEST(TcpTransport, QueryRoundTrip) {
    LoopbackPeer peer;
    edc::io::IoThread io;
    std::thread acceptor([&] { peer.accept(); });
    auto t = edc::io::open_tcp(peer.url(), 2000ms, io);
    acceptor.join();
    ASSERT_TRUE(t) << t.error().message;
    ASSERT_TRUE((*t)->write("*IDN?\n", 500ms));
    EXPECT_EQ(peer.receive(), "*IDN?\n");
    peer.send("KEITHLEY INSTRUMENTS,MODEL 2450,04365704,1.6.4c\n");
    auto r = (*t)->read_until(lf_lines, 1000ms);
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(*r, "KEITHLEY INSTRUMENTS,MODEL 2450,04365704,1.6.4c");
}

TEST(TcpTransport, PeerClosingIsADisconnectNamingTheUrl) {
    LoopbackPeer peer;
    edc::io::IoThread io;
    std::thread acceptor([&] { peer.accept(); });
    auto t = edc::io::open_tcp(peer.url(), 2000ms, io);
    acceptor.join();
    ASSERT_TRUE(t);
    peer.close_connection();
    auto r = (*t)->read_until(lf_lines, 2000ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "disconnected");
    EXPECT_EQ(r.error().where, peer.url());
}

TEST(TcpTransport, ClosedPortIsConnectionRefused) {
    std::string url;
    {
        LoopbackPeer peer;
        url = peer.url();
    }
    edc::io::IoThread io;
    auto t = edc::io::open_tcp(url, 2000ms, io);
    ASSERT_FALSE(t);
    EXPECT_EQ(t.error().code, "connection_refused");
}

TEST(TcpTransport, SilentPeerTimesOut) {
    LoopbackPeer peer;
    edc::io::IoThread io;
    std::thread acceptor([&] { peer.accept(); });
    auto t = edc::io::open_tcp(peer.url(), 2000ms, io);
    acceptor.join();
    ASSERT_TRUE(t);
    auto r = (*t)->read_until(lf_lines, 100ms);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, "timeout");
}
