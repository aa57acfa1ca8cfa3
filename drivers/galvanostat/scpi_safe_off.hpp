#pragma once
// The safe-state sequence shared by the SCPI source-meters: each command in order, even when
// one fails, then the error queue. A link that is gone stops the sequence at once: every
// further command would only wait out its timeout, and the caller needs the verdict now.
#include <span>
#include <string>

#include "control/error.hpp"
#include "drivers/io/transport.hpp"
#include "drivers/scpi/scpi_session.hpp"

namespace edc {

[[nodiscard]] Result<void> scpi_safe_off(scpi::ScpiSession& scpi, io::ByteTransport& transport,
                                         std::span<const std::string> commands);

}  // namespace edc
