#pragma once
// SCPI client over a ByteTransport: write / query with a per-call timeout, the IEEE 488.2
// common commands, and the error queue turned into typed errors.
//
// Errors besides the transport's: "scpi_error" (the instrument queued an error; message
// "<code> <text> (after <group>)"), "bad_reply" (a reply that does not parse),
// "error_queue_stuck" (the queue did not empty within ScpiOptions::max_error_reads).
#include <chrono>
#include <string>
#include <vector>

#include "drivers/io/transport.hpp"
#include "drivers/scpi/scpi_reply.hpp"

namespace edc::scpi {

struct ScpiOptions {
    std::string write_terminator = "\n";
    io::LineEnding reply_ending = io::LineEnding::any;
    std::chrono::milliseconds timeout{2000};
    int max_error_reads = 16;  // the 2400 queue holds 10
};

// How long a timed-out query's reason is waited for. An instrument that refused the query
// answers :SYST:ERR? in tens of milliseconds (40 bytes at 9600 baud); the rest is room for a busy
// host (300 ms lost the reason under load).
inline constexpr std::chrono::milliseconds reason_timeout{1000};

class ScpiSession {
public:
    ScpiSession(io::ByteTransport& transport, ScpiOptions options);

    Result<void> write(std::string_view command);
    Result<void> write(std::string_view command, std::chrono::milliseconds timeout);
    Result<std::string> query(std::string_view command);
    Result<std::string> query(std::string_view command, std::chrono::milliseconds timeout);

    Result<std::string> identify();                                 // *IDN?
    Result<void> reset();                                           // *RST (no reply)
    Result<void> clear_status();                                    // *CLS (also empties the error queue)
    Result<void> wait_complete(std::chrono::milliseconds timeout);  // *OPC? -> 1

    // Reads :SYST:ERR? until 0,"No error"; returns the entries read (empty when none).
    Result<std::vector<ErrorEntry>> drain_errors();
    Result<std::vector<ErrorEntry>> drain_errors(std::chrono::milliseconds timeout);
    // drain_errors(), and any entry becomes a "scpi_error" naming `group` (what was just sent).
    Result<void> check_errors(std::string_view group);
    Result<void> check_errors(std::string_view group, std::chrono::milliseconds timeout);
    // After a query timed out: the instrument may have refused it with a queued error (the
    // 2400 answers nothing to :READ? with the output off, and queues +803). Returns that
    // "scpi_error" if there is one, else `original`. It waits up to reason_timeout (or the
    // link's timeout if shorter) for :SYST:ERR?, which a silent instrument adds to the time
    // its loss takes to detect.
    Error explain_timeout(Error original, std::string_view command);

    io::ByteTransport& transport() { return transport_; }
    const ScpiOptions& options() const { return options_; }

private:
    io::ByteTransport& transport_;
    ScpiOptions options_;
    io::LineFramer framer_;
    bool stale_ = false;  // a reply may still arrive for a query that timed out: drain first
};

}  // namespace edc::scpi
