#pragma once
// Helpers for driver integration tests against drivers/sim's SimHost.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>

#include "drivers/io/io_thread.hpp"
#include "drivers/sim/sim_host.hpp"

namespace edc::test {

// How long a driver in these tests waits for a reply: a healthy one comes in milliseconds; the
// rest is room for a machine whose cores are busy with other tests and sanitizers. A fault's
// typed error comes after this long.
inline constexpr std::chrono::milliseconds reply_timeout{3000};
// A call still not back after this long hangs: a fault must end in a typed error, not a wait.
inline constexpr std::chrono::seconds hang_bound{60};

struct SimRig {
    std::unique_ptr<sim::SimHost> host;
    sim::SimEndpoints ends;
    io::IoThread io;

    explicit SimRig(sim::SimHostConfig cfg) : host(std::make_unique<sim::SimHost>(std::move(cfg))) {
        auto e = host->start();
        if (!e) throw std::runtime_error("sim start: " + e.error().message);
        ends = *e;
    }
    ~SimRig() { host->stop(); }
    sim::SimSnapshot snap() const { return host->snapshot(); }
};

inline sim::SimHostConfig only_galvanostat(const std::string& model) {
    sim::SimHostConfig c;
    c.galvanostat_model = model;
    c.pump_model = "";
    return c;
}

inline sim::SimHostConfig only_pump(const std::string& model) {
    sim::SimHostConfig c;
    c.galvanostat_model = "";
    c.pump_model = model;
    return c;
}

// Measures how long `f` takes.
template <class F>
auto timed(F&& f) {
    const auto t0 = std::chrono::steady_clock::now();
    auto r = f();
    return std::make_pair(std::move(r), std::chrono::steady_clock::now() - t0);
}

}  // namespace edc::test
