#include "app/doctor/driver_probe.hpp"

#include <memory>

#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/io/serial_transport.hpp"
#include "drivers/pump/harvard_pump.hpp"
#include "drivers/pump/legato_pump.hpp"
#include "drivers/pump/newera_pump.hpp"

namespace edc::doctor {
namespace {

// A 2450 is reached over TCP: "host" or "host:port" as in recipes becomes tcp://host:port.
std::string galvanostat_address(const ProbeRequest& r) {
    if (r.port.starts_with("/") || r.port.starts_with("tcp://")) return r.port;
    return r.port.find(':') == std::string::npos ? "tcp://" + r.port + ":5025" : "tcp://" + r.port;
}

Result<std::string> ask_galvanostat(const ProbeRequest& r, const DriverProbeOptions& o, io::IoThread& io) {
    GalvanostatOptions options;
    options.baud = o.galvanostat_baud;
    options.timeout = o.timeout;
    const std::string model = r.port.starts_with("/") ? r.model : std::string("keithley-2450");
    auto g = make_galvanostat(model, galvanostat_address(r), options, io);
    if (!g) return std::unexpected(g.error());
    return (*g)->identify();
}

// The pump classes are built directly (not through make_syringe_pump): the factory configures
// safe mode and NVRAM, and the doctor must change nothing.
Result<std::string> ask_pump_model(const std::string& model, const std::string& port,
                                   const DriverProbeOptions& o, io::IoThread& io) {
    if (model == "ne-1000") {
        auto t = io::open_serial(port, io::SerialSettings{o.pump_baud != 0 ? o.pump_baud : 19200u}, io);
        if (!t) return std::unexpected(t.error());
        NewEraPump pump(std::move(*t), NewEraOptions{0, o.timeout});
        return pump.identify();
    }
    if (model == "harvard-elite") {
        auto t = io::open_serial(port, io::SerialSettings{o.pump_baud != 0 ? o.pump_baud : 115200u}, io);
        if (!t) return std::unexpected(t.error());
        HarvardPump pump(std::move(*t), HarvardOptions{0, o.timeout});
        auto id = pump.identify();
        // A Legato answers the Elite's `ver` with its own name.
        if (id && legato::model_of_ver(*id) != nullptr) {
            return fail("wrong_model",
                        *id + " answered (a " + std::string(legato::model_of_ver(*id)->recipe_name) +
                            ", not harvard-elite)",
                        port);
        }
        return id;
    }
    if (legato::find_model(model) != nullptr) {
        auto t = io::open_serial(port, io::SerialSettings{o.pump_baud != 0 ? o.pump_baud : 115200u}, io);
        if (!t) return std::unexpected(t.error());
        LegatoOptions lo;
        lo.model = model;
        lo.timeout = o.timeout;
        LegatoPump pump(std::move(*t), lo);
        return pump.identify();  // `ver` only; "wrong_model" when another Legato answers
    }
    return fail("unknown_model",
                "unknown pump model '" + model +
                    "'; expected ne-1000, harvard-elite, kds-legato-100, kds-legato-180 or kds-legato-200",
                port);
}

// The configured model first; then the other family, so a bench whose pump is not the
// expected one hears which one answered.
Result<std::string> ask_pump(const ProbeRequest& r, const DriverProbeOptions& o, io::IoThread& io) {
    auto first = ask_pump_model(r.model, r.port, o, io);
    if (first || first.error().code == "unknown_model") return first;
    const std::string other = r.model == "ne-1000" ? "harvard-elite" : "ne-1000";
    if (o.pump_baud == 0) {
        if (auto second = ask_pump_model(other, r.port, o, io))
            return *second + " (a " + other + ", not " + r.model + ")";
    }
    return first;
}

}  // namespace

Prober make_driver_prober(DriverProbeOptions options) {
    auto io = std::make_shared<std::unique_ptr<io::IoThread>>();
    return [options, io](const ProbeRequest& r) -> Result<std::string> {
        if (!*io) *io = std::make_unique<io::IoThread>();
        return r.role == "pump" ? ask_pump(r, options, **io) : ask_galvanostat(r, options, **io);
    };
}

}  // namespace edc::doctor
