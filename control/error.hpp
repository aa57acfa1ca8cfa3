#pragma once
// Typed errors for expected failures (invalid input, infeasible plans, instrument faults).
// Exceptions are kept for programming errors and start-up configuration failures.
#include <expected>
#include <string>

namespace edc {

struct Error {
    std::string code;     // stable, machine-readable: "pump_rate_exceeded", "timeout", ...
    std::string message;  // what is wrong and what was expected, for a person
    std::string where;    // file:line:col, device and port, or a depth/time in a plan
};

template <class T>
using Result = std::expected<T, Error>;

inline std::unexpected<Error> fail(std::string code, std::string message, std::string where = {}) {
    return std::unexpected<Error>(Error{std::move(code), std::move(message), std::move(where)});
}

}  // namespace edc
