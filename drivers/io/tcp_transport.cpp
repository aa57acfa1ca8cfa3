#include "drivers/io/tcp_transport.hpp"

#include <charconv>
#include <future>

#include "drivers/io/stream_transport.hpp"

namespace edc::io {

Result<TcpEndpoint> parse_tcp_url(const std::string& url) {
    constexpr std::string_view scheme = "tcp://";
    if (!url.starts_with(scheme))
        return fail("bad_port", strf("'%s' is not tcp://host:port", url.c_str()), url);
    const std::string_view rest = std::string_view(url).substr(scheme.size());
    const auto colon = rest.rfind(':');
    if (colon == std::string_view::npos || colon == 0) {
        return fail("bad_port", strf("'%s' lacks host or port (tcp://host:port)", url.c_str()), url);
    }
    unsigned port = 0;
    const auto digits = rest.substr(colon + 1);
    const auto [p, err] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
    if (err != std::errc{} || p != digits.data() + digits.size() || port == 0 || port > 65535) {
        return fail("bad_port", strf("'%s' has no valid port number", url.c_str()), url);
    }
    std::string host(rest.substr(0, colon));
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    return TcpEndpoint{host, static_cast<unsigned short>(port)};
}

Result<std::unique_ptr<ByteTransport>> open_tcp(const std::string& url,
                                                std::chrono::milliseconds connect_timeout, IoThread& io) {
    auto ep = parse_tcp_url(url);
    if (!ep) return std::unexpected(ep.error());
    using tcp = boost::asio::ip::tcp;
    boost::system::error_code ec;
    tcp::resolver resolver(io.context());
    const auto endpoints = resolver.resolve(ep->host, std::to_string(ep->port), ec);
    if (ec)
        return fail("not_found", strf("cannot resolve %s: %s", ep->host.c_str(), ec.message().c_str()), url);

    auto socket = std::make_shared<tcp::socket>(io.context());
    auto timer = std::make_shared<boost::asio::steady_timer>(io.context());
    auto result = std::make_shared<std::promise<boost::system::error_code>>();
    auto pending = std::make_shared<int>(2);
    auto outcome = std::make_shared<boost::system::error_code>();
    auto settle = [pending, result, outcome] {
        if (--*pending == 0) result->set_value(*outcome);
    };
    boost::asio::post(io.context(), [=] {
        timer->expires_after(connect_timeout);
        timer->async_wait([=](const boost::system::error_code& tec) {
            if (!tec) {
                *outcome = boost::asio::error::timed_out;
                boost::system::error_code ignored;
                socket->cancel(ignored);
            }
            settle();
        });
        boost::asio::async_connect(*socket, endpoints,
                                   [=](const boost::system::error_code& cec, const tcp::endpoint&) {
                                       if (!*outcome) *outcome = cec;
                                       timer->cancel();
                                       settle();
                                   });
    });
    const auto connect_ec = result->get_future().get();
    if (connect_ec == boost::asio::error::timed_out) {
        return fail("timeout",
                    strf("no connection to %s within %lld ms", url.c_str(),
                         static_cast<long long>(connect_timeout.count())),
                    url);
    }
    if (connect_ec == boost::asio::error::connection_refused) {
        return fail("connection_refused",
                    strf("%s refused the connection (instrument off or wrong port?)", url.c_str()), url);
    }
    if (connect_ec)
        return fail("io_error", strf("cannot connect to %s: %s", url.c_str(), connect_ec.message().c_str()),
                    url);
    socket->set_option(tcp::no_delay(true), ec);
    return std::make_unique<StreamTransport<tcp::socket>>(io.context(), std::move(*socket), url);
}

}  // namespace edc::io
