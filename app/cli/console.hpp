#pragma once
// Where a command writes: results on `out`, diagnostics and progress on `err`.
#include <ostream>

namespace edc::cli {

struct Console {
    std::ostream& out;
    std::ostream& err;
    bool terminal = false;  // err is an interactive terminal: progress may be redrawn in place
};

}  // namespace edc::cli
