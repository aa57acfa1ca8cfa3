#pragma once
// The output-state query shared by the SCPI source-meters: switches nothing, and reports a
// queued instrument error as one, so a held run can keep watching its galvanostat.
#include "control/error.hpp"
#include "drivers/io/transport.hpp"
#include "drivers/scpi/scpi_session.hpp"

namespace edc {

[[nodiscard]] Result<bool> scpi_output_is_on(scpi::ScpiSession& scpi, const io::ByteTransport& transport);

}  // namespace edc
