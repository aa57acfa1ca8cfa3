#pragma once
// A simulated run of an example recipe through the real drivers, journal in a temp directory.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "app/runtime/run_session.hpp"
#include "control/clock/virtual_clock.hpp"
#include "recipes/format/recipe.hpp"
#include "edc/test_source_dir.hpp"

namespace edc::testing {

inline std::string example(const std::string& name) { return std::string(EDC_SOURCE_DIR) + "/recipes/examples/" + name; }

inline std::filesystem::path temp_db(const std::string& tag) {
    auto dir = std::filesystem::temp_directory_path() /
               ("edc-it-" + tag + "-" + std::to_string(::getpid()) + "-" +
                std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
    std::filesystem::create_directories(dir);
    return dir / "journal.sqlite";
}

// A run's options and the simulator rig's, as RunSession::create takes them.
struct SimRunOptions {
    app::RunOptions run;
    app::SimRigOptions sim;
};

inline SimRunOptions sim_options(const std::string& recipe_file, const std::filesystem::path& db, double speed) {
    auto recipe = recipes::load_recipe(example(recipe_file));
    EXPECT_TRUE(recipe) << (recipe ? "" : recipe.error().message);
    SimRunOptions o;
    o.run.recipe = *recipe;
    o.sim.speed = speed;
    o.run.db_path = db.string();
    o.run.operator_name = "ci";
    return o;
}

// The run on a lock-step virtual clock at `speed` (control/clock/virtual_clock.hpp) with the
// instruments' models behind in-process transports: the same bytes, framing and delays as over
// a PTY, in run seconds that do not depend on how busy the machine is. The caller attaches its
// own thread to the clock while it sets up and drives the run (VirtualRun does).
inline std::shared_ptr<clk::VirtualClock> use_virtual_time(SimRunOptions& o) {
    auto clock = std::make_shared<clk::VirtualClock>(o.sim.speed);
    o.sim.clock = clock;
    o.sim.in_process = true;
    return clock;
}

inline Result<std::unique_ptr<app::RunSession>> create_session(SimRunOptions o) {
    return app::RunSession::create(std::move(o.run), std::move(o.sim));
}

// Polls until the run finishes or `limit` passes; calls on_poll(snapshot) each time.
template <class F>
app::RunSummary run_to_end(app::RunSession& s, std::chrono::seconds limit, F on_poll) {
    const auto until = std::chrono::steady_clock::now() + limit;
    while (!s.finished() && std::chrono::steady_clock::now() < until) {
        on_poll(s.snapshot());
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!s.finished()) {
        ADD_FAILURE() << "run did not finish within " << limit.count() << " s";
        s.abort("test timeout");
    }
    return s.wait();
}

// The test's thread as one of the run's threads on a virtual clock: attached from construction
// (the simulators cannot run ahead while the test sets the run up) until release(), polling in
// run time.
class VirtualRun {
public:
    explicit VirtualRun(std::shared_ptr<clk::VirtualClock> clock) : clock_(std::move(clock)), attached_(*clock_) {}
    [[nodiscard]] clk::VirtualClock& clock() const noexcept { return *clock_; }

    // Polls every `poll_s` run seconds until the run finishes or `limit_s` run seconds pass;
    // calls on_poll(snapshot) each time. Then waits for the summary.
    template <class F>
    app::RunSummary run_to_end(app::RunSession& s, double limit_s, double poll_s, F on_poll) {
        const double until = clock_->now_s() + limit_s;
        while (!s.finished() && clock_->now_s() < until) {
            on_poll(s.snapshot());
            clock_->sleep_for(poll_s);
        }
        if (!s.finished()) {
            ADD_FAILURE() << "run did not finish within " << limit_s << " run seconds";
            s.abort("test timeout");
            while (!s.finished()) clock_->sleep_for(poll_s);
        }
        return s.wait();
    }
    // The run's threads go on without this one (before the session is destroyed: a worker still
    // waiting for a reply needs time to pass to give up).
    void release() noexcept { attached_.release(); }

private:
    std::shared_ptr<clk::VirtualClock> clock_;
    clk::Attachment attached_;
};

}  // namespace edc::testing
