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
        return pump.identify();
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

// The Elite and the Legato answer the same `ver`; the reply names which one is there.
std::string answering_model(const std::string& asked, const std::string& identity) {
    if (asked != "harvard-elite") return asked;
    const auto* legato = legato::model_of_ver(identity);
    return legato != nullptr ? std::string(legato->recipe_name) : asked;
}

// The configured model first; then the other families, so a bench whose pump is not the
// expected one hears which one answered.
Result<std::string> ask_pump(const ProbeRequest& r, const DriverProbeOptions& o, io::IoThread& io) {
    auto first = ask_pump_model(r.model, r.port, o, io);
    if (first) {
        const auto who = answering_model(r.model, *first);
        return who == r.model ? *first : *first + " (a " + who + ", not " + r.model + ")";
    }
    if (first.error().code == "unknown_model") return first;
    if (o.pump_baud == 0) {
        for (const char* other : {"harvard-elite", "ne-1000"}) {
            if (r.model == other) continue;
            if (auto second = ask_pump_model(other, r.port, o, io))
                return *second + " (a " + answering_model(other, *second) + ", not " + r.model + ")";
        }
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
