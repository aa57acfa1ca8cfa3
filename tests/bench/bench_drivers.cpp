// Round trips through the real drivers over pseudo-terminals / loopback TCP against drivers/sim
// with the real link's delays (10 bits per byte at the baud, instrument processing, optional
// 16 ms FTDI latency). Run: edc-bench --benchmark_filter=Driver
#include <benchmark/benchmark.h>

#include <memory>

#include "control/model/units.hpp"
#include "drivers/galvanostat/galvanostat_factory.hpp"
#include "drivers/io/io_thread.hpp"
#include "drivers/pump/pump_factory.hpp"
#include "drivers/sim/sim_host.hpp"

namespace {

using edc::units::ml_per_min_to_m3_per_s;

struct BenchRig {
    std::unique_ptr<edc::sim::SimHost> host;
    edc::sim::SimEndpoints ends;
    edc::io::IoThread io;
    explicit BenchRig(edc::sim::SimHostConfig cfg)
        : host(std::make_unique<edc::sim::SimHost>(std::move(cfg))) {
        auto e = host->start();
        if (!e) throw std::runtime_error(e.error().message);
        ends = *e;
    }
    ~BenchRig() { host->stop(); }
};

// args: baud, ftdi latency (0/1), nplc x100
void BM_DriverGalvanostat2400Read(benchmark::State& state) {
    edc::sim::SimHostConfig cfg;
    cfg.pump_model = "";
    cfg.galvanostat_baud = static_cast<unsigned>(state.range(0));
    cfg.ftdi_latency = state.range(1) != 0;
    BenchRig rig(cfg);
    edc::GalvanostatOptions o;
    o.baud = cfg.galvanostat_baud;
    auto g = edc::make_galvanostat("keithley-2400", rig.ends.galvanostat, o, rig.io);
    if (!g) return state.SkipWithError(g.error().message.c_str());
    edc::GalvanostatSettings s;
    s.current_range_a = 0.01;
    s.compliance_v = 10;
    s.nplc = static_cast<double>(state.range(2)) / 100.0;
    s.potential_limit_v = 50;
    if (!(*g)->configure(s) || !(*g)->output(true) || !(*g)->set_current(-5.7e-3)) {
        return state.SkipWithError("setup failed");
    }
    for (auto _ : state) {
        auto r = (*g)->read();
        if (!r) return state.SkipWithError(r.error().message.c_str());
        benchmark::DoNotOptimize(r->potential_v);
    }
    (void)(*g)->safe_off();
}
BENCHMARK(BM_DriverGalvanostat2400Read)
    ->ArgNames({"baud", "ftdi", "nplc100"})
    ->Args({9600, 0, 100})
    ->Args({9600, 0, 1})
    ->Args({57600, 0, 1})
    ->Args({9600, 1, 100})
    ->Args({57600, 1, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(40);

void BM_DriverGalvanostat2450ReadTcp(benchmark::State& state) {
    edc::sim::SimHostConfig cfg;
    cfg.pump_model = "";
    cfg.galvanostat_model = "keithley-2450";
    BenchRig rig(cfg);
    auto g = edc::make_galvanostat("keithley-2450", rig.ends.galvanostat, {}, rig.io);
    if (!g) return state.SkipWithError(g.error().message.c_str());
    edc::GalvanostatSettings s;
    s.current_range_a = 0.01;
    s.compliance_v = 10;
    s.nplc = static_cast<double>(state.range(0)) / 100.0;
    s.potential_limit_v = 50;
    if (!(*g)->configure(s) || !(*g)->output(true) || !(*g)->set_current(-5.7e-3)) {
        return state.SkipWithError("setup failed");
    }
    for (auto _ : state) {
        auto r = (*g)->read();
        if (!r) return state.SkipWithError(r.error().message.c_str());
        benchmark::DoNotOptimize(r->potential_v);
    }
    (void)(*g)->safe_off();
}
BENCHMARK(BM_DriverGalvanostat2450ReadTcp)
    ->ArgName("nplc100")
    ->Arg(100)
    ->Arg(1)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(40);

// args: baud (0 = model default), ftdi latency (0/1)
template <bool Elite>
void BM_DriverPumpRateChange(benchmark::State& state) {
    edc::sim::SimHostConfig cfg;
    cfg.galvanostat_model = "";
    cfg.pump_model = Elite ? "harvard-elite" : "ne-1000";
    cfg.pump_baud = static_cast<unsigned>(state.range(0));
    cfg.ftdi_latency = state.range(1) != 0;
    BenchRig rig(cfg);
    edc::PumpOptions o;
    o.baud = cfg.pump_baud;
    auto p = edc::make_syringe_pump(cfg.pump_model, rig.ends.pump, o, rig.io);
    if (!p) return state.SkipWithError(p.error().message.c_str());
    auto& pump = **p;
    if (!pump.identify() || !pump.set_diameter(26.59e-3) ||
        !pump.select_rate_unit(ml_per_min_to_m3_per_s(2.0)) || !pump.set_rate(ml_per_min_to_m3_per_s(1.0)) ||
        !pump.start()) {
        return state.SkipWithError("setup failed");
    }
    bool high = false;
    for (auto _ : state) {
        high = !high;
        auto r = pump.set_rate(ml_per_min_to_m3_per_s(high ? 1.234 : 1.0));
        if (!r) return state.SkipWithError(r.error().message.c_str());
    }
    (void)pump.safe_stop();
}
BENCHMARK_TEMPLATE(BM_DriverPumpRateChange, false)
    ->Name("BM_DriverNewEraRateChange")
    ->ArgNames({"baud", "ftdi"})
    ->Args({19200, 0})
    ->Args({19200, 1})
    ->Args({9600, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(40);
BENCHMARK_TEMPLATE(BM_DriverPumpRateChange, true)
    ->Name("BM_DriverEliteRateChange")
    ->ArgNames({"baud", "ftdi"})
    ->Args({115200, 0})
    ->Args({115200, 1})
    ->Args({9600, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(40);

}  // namespace
