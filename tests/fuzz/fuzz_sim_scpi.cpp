// The simulator's command parsers fed arbitrary bytes: the SCPI parser and the Keithley models
// behind it (no crash, the error queue never grows past its capacity, every reply is
// terminated), and the pump models' basic, safe-mode and Harvard framing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "drivers/sim/harvard_model.hpp"
#include "drivers/sim/keithley_model.hpp"
#include "drivers/sim/newera_model.hpp"
#include "drivers/sim/scpi_parser.hpp"
#include "drivers/sim/sim_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace edc::sim;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    for (const auto& c : parse_scpi_message(text)) {
        if (c.error_code == 0 && c.header.empty()) std::abort();  // a command always has a header
    }
    static const auto params = paper_cell_params();
    for (const auto& dialect : smu_dialects()) {
        SimCell cell(params);
        KeithleyOptions options;
        options.model = dialect.id;
        KeithleyModel smu(cell, options);
        const auto replies = smu.receive(text, Instant{1.0, 1.0});
        if (smu.pending_errors() > 10) std::abort();
        for (const auto& r : replies) {
            if (!r.bytes.empty() && r.bytes.back() != dialect.terminator[0])
                std::abort();
        }
    }
    SimCell cell(params);
    NewEraModel ne(cell, NewEraOptions{});
    for (const auto& r : ne.receive(text, Instant{1.0, 1.0})) {
        if (r.bytes.empty() || r.bytes.front() != '\x02' || r.bytes.back() != '\x03') std::abort();
    }
    (void)ne.poll(Instant{100.0, 100.0});
    HarvardModel elite(cell, HarvardOptions{});
    for (const auto& r : elite.receive(text, Instant{2.0, 2.0})) {
        if (r.bytes.empty() || r.bytes.front() != '\n') std::abort();
    }
    return 0;
}
