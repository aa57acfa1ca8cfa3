#include "drivers/pump/syringe_pump.hpp"

namespace edc {

SyringePump::~SyringePump() = default;

const char* to_string(PumpState s) {
    switch (s) {
        case PumpState::stopped:
            return "stopped";
        case PumpState::infusing:
            return "infusing";
        case PumpState::withdrawing:
            return "withdrawing";
        case PumpState::paused:
            return "paused";
        case PumpState::alarm:
            return "alarm";
        case PumpState::unknown:
            return "unknown";
    }
    return "unknown";
}

}  // namespace edc
