#include "drivers/pump/pump_factory.hpp"

#include "control/text.hpp"
#include "drivers/io/serial_transport.hpp"
#include "drivers/pump/harvard_pump.hpp"
#include "drivers/pump/legato_pump.hpp"
#include "drivers/pump/newera_pump.hpp"

namespace edc {
namespace {
constexpr const char* known_models = "ne-1000, harvard-elite, kds-legato-100, kds-legato-180, kds-legato-200";
}  // namespace

Result<std::unique_ptr<SyringePump>> make_syringe_pump(const std::string& model, const std::string& port,
                                                       const PumpOptions& options, io::IoThread& io) {
    const bool newera = model == "ne-1000";
    if (!newera && model != "harvard-elite" && legato::find_model(model) == nullptr) {
        return fail("unknown_model", strf("pump model '%s' is not supported (%s)", model.c_str(), known_models), port);
    }
    const unsigned baud = options.baud != 0 ? options.baud : (newera ? 19200U : 115200U);
    auto transport = io::open_serial(port, io::SerialSettings{baud}, io);
    if (!transport) return std::unexpected(transport.error());
    return make_syringe_pump(model, std::move(*transport), options);
}

Result<std::unique_ptr<SyringePump>> make_syringe_pump(const std::string& model,
                                                       std::unique_ptr<io::ByteTransport> transport,
                                                       const PumpOptions& options) {
    const bool newera = model == "ne-1000";
    if (!newera && model != "harvard-elite" && legato::find_model(model) == nullptr) {
        return fail("unknown_model", strf("pump model '%s' is not supported (%s)", model.c_str(), known_models),
                    transport->name());
    }
    if (legato::find_model(model) != nullptr) {
        LegatoOptions lo;
        lo.model = model;
        lo.address = options.address;
        lo.timeout = options.timeout;
        auto pump = std::make_unique<LegatoPump>(std::move(transport), lo);
        if (auto r = pump->disable_nvram(); !r) return std::unexpected(r.error());
        return pump;
    }
    if (newera) {
        auto pump = std::make_unique<NewEraPump>(std::move(transport),
                                                 NewEraOptions{options.address, options.timeout});
        if (options.safe_mode_timeout_s > 0) {
            if (auto a = pump->acknowledge_alarm(); !a) return std::unexpected(a.error());
            if (auto r = pump->set_safe_mode(options.safe_mode_timeout_s); !r)
                return std::unexpected(r.error());
        }
        return pump;
    }
    auto pump = std::make_unique<HarvardPump>(std::move(transport),
                                              HarvardOptions{options.address, options.timeout});
    if (auto r = pump->disable_nvram(); !r) return std::unexpected(r.error());
    return pump;
}

}  // namespace edc
