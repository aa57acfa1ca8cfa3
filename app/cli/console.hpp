#pragma once
// Where a command writes: results on `out`, diagnostics and progress on `err`.
#include <ostream>
#include <vector>

#include "control/error.hpp"

namespace edc::cli {

struct Console {
    std::ostream& out;
    std::ostream& err;
    bool terminal = false;  // err is an interactive terminal: progress may be redrawn in place
    // With --json: every error reported is also collected here, and a command that fails without
    // printing its own JSON prints {"errors":[...]} on `out` (one JSON object, also on failure).
    std::vector<Error>* json_errors = nullptr;
};

}  // namespace edc::cli
