#include "drivers/galvanostat/scpi_output_state.hpp"

#include "drivers/scpi/scpi_reply.hpp"

namespace edc {

Result<bool> scpi_output_is_on(scpi::ScpiSession& scpi, const io::ByteTransport& transport) {
    auto reply = scpi.query(":OUTP?");
    if (!reply) return std::unexpected(reply.error());
    auto on = scpi::parse_bool(*reply);
    if (!on) {
        auto e = on.error();
        e.where = transport.name();
        return std::unexpected(std::move(e));
    }
    if (auto errors = scpi.check_errors(":OUTP?"); !errors) return std::unexpected(errors.error());
    return *on;
}

}  // namespace edc
