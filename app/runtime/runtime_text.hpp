#pragma once
// Small helpers the runtime's parts share: how an error reads in the journal, and a bounded
// wait for an instrument's answer.
#include <chrono>
#include <exception>
#include <future>
#include <string>

#include "control/clock/clock.hpp"
#include "control/error.hpp"

namespace edc::app {

inline std::string describe(const Error& e) {
    return e.where.empty() ? e.message : e.where + ": " + e.message;
}

// The longest the runtime waits for one instrument step: a worker stuck in a dead instrument's
// timeout must not hold the run forever.
inline constexpr std::chrono::milliseconds call_limit{8000};

// Waits for a channel's answer, at most `limit` of real time on the run's clock.
template <class T>
Result<T> await(clk::Clock& clock, std::future<Result<T>> f, const char* what,
                std::chrono::milliseconds limit = call_limit) {
    if (!clk::wait_ready(clock, f, clock.now_s() + clock.real_to_clock(limit))) {
        return fail("timeout",
                    std::string(what) + " did not answer within " + std::to_string(limit.count()) + " ms");
    }
    try {
        return f.get();
    } catch (const std::exception& e) {  // a driver that throws is a fault, not the end of the process
        return fail("internal_error", std::string(what) + " driver threw: " + e.what());
    }
}

}  // namespace edc::app
