#include "drivers/galvanostat/scpi_safe_off.hpp"

namespace edc {

Result<void> scpi_safe_off(scpi::ScpiSession& scpi, io::ByteTransport& transport,
                           std::span<const std::string> commands) {
    transport.drain();
    Result<void> first{};
    for (const auto& cmd : commands) {
        auto r = scpi.write(cmd);
        if (r) continue;
        if (first) first = r;
        if (r.error().code == "disconnected") return first;
    }
    if (auto r = scpi.check_errors("safe off"); !r && first) first = r;
    return first;
}

}  // namespace edc
