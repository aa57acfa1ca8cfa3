#include "drivers/scpi/scpi_session.hpp"

#include <algorithm>

#include "control/text.hpp"
#include "drivers/io/printable.hpp"

namespace edc::scpi {

ScpiSession::ScpiSession(io::ByteTransport& transport, ScpiOptions options)
    : transport_(transport), options_(std::move(options)), framer_(options_.reply_ending) {}

Result<void> ScpiSession::write(std::string_view command) {
    return write(command, options_.timeout);
}

Result<void> ScpiSession::write(std::string_view command, std::chrono::milliseconds timeout) {
    std::string line(command);
    line += options_.write_terminator;
    return transport_.write(line, timeout);
}

Result<std::string> ScpiSession::query(std::string_view command) {
    return query(command, options_.timeout);
}

Result<std::string> ScpiSession::query(std::string_view command, std::chrono::milliseconds timeout) {
    if (stale_) {
        io::discard_late_replies(transport_, framer_);
        stale_ = false;
    }
    if (auto w = write(command, timeout); !w) return std::unexpected(w.error());
    auto reply = transport_.read_until(framer_, timeout);
    if (!reply) {
        stale_ = reply.error().code == "timeout";
        auto e = reply.error();
        e.message =
            strf("%s (query %.*s)", e.message.c_str(), static_cast<int>(command.size()), command.data());
        return std::unexpected(std::move(e));
    }
    return std::string(trim(*reply));
}

Result<std::string> ScpiSession::identify() {
    auto id = query("*IDN?");
    if (!id) return id;
    return io::identity_text(*id);
}
Result<void> ScpiSession::reset() {
    return write("*RST");
}
Result<void> ScpiSession::clear_status() {
    return write("*CLS");
}

Result<void> ScpiSession::wait_complete(std::chrono::milliseconds timeout) {
    auto r = query("*OPC?", timeout);
    if (!r) return std::unexpected(r.error());
    if (trim(*r) != "1")
        return fail("bad_reply", strf("*OPC? answered '%s', expected 1", r->c_str()), transport_.name());
    return {};
}

Result<std::vector<ErrorEntry>> ScpiSession::drain_errors() {
    return drain_errors(options_.timeout);
}

Result<std::vector<ErrorEntry>> ScpiSession::drain_errors(std::chrono::milliseconds timeout) {
    std::vector<ErrorEntry> entries;
    for (int i = 0; i < options_.max_error_reads; ++i) {
        auto r = query(":SYST:ERR?", timeout);
        if (!r) return std::unexpected(r.error());
        auto e = parse_error_entry(*r);
        if (!e) {
            auto err = e.error();
            err.where = transport_.name();
            return std::unexpected(std::move(err));
        }
        if (e->is_no_error()) return entries;
        entries.push_back(std::move(*e));
    }
    return fail("error_queue_stuck",
                strf(":SYST:ERR? still reports errors after %d reads", options_.max_error_reads),
                transport_.name());
}

Result<void> ScpiSession::check_errors(std::string_view group) {
    return check_errors(group, options_.timeout);
}

Result<void> ScpiSession::check_errors(std::string_view group, std::chrono::milliseconds timeout) {
    auto entries = drain_errors(timeout);
    if (!entries) return std::unexpected(entries.error());
    if (entries->empty()) return {};
    std::string text;
    for (const auto& e : *entries) {
        if (!text.empty()) text += "; ";
        text += strf("%d %s", e.code, e.message.c_str());
    }
    return fail("scpi_error",
                strf("%s (after %.*s)", text.c_str(), static_cast<int>(group.size()), group.data()),
                transport_.name());
}

}  // namespace edc::scpi

namespace edc::scpi {

Error ScpiSession::explain_timeout(Error original, std::string_view command) {
    if (original.code != "timeout") return original;
    auto queued = check_errors(command, std::min(options_.timeout, reason_timeout));
    if (!queued && queued.error().code == "scpi_error") return queued.error();
    return original;
}

}  // namespace edc::scpi
