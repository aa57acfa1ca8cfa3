#pragma once
// A simulated run of an example recipe through the real drivers, journal in a temp directory.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "app/runtime/run_session.hpp"
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

}  // namespace edc::testing
