#include "app/runtime/instrument_ports.hpp"

#include <cmath>

namespace edc::app {

std::string galvanostat_port(const recipes::GalvanostatConfig& g) {
    if (!recipes::galvanostat_on_lan(g.model)) return g.port;
    std::string port = g.port;
    if (port.rfind("tcp://", 0) == 0) port.erase(0, 6);
    if (port.find(':') == std::string::npos) port += ":5025";
    return "tcp://" + port;
}

double current_range_for(double amps) {
    const double need = std::fabs(amps) * 1.05;
    for (double range = 1e-6; range < 1.5; range *= 10.0) {
        if (need <= range) return range;
    }
    return 1.0;
}

}  // namespace edc::app
