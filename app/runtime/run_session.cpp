#include "app/runtime/run_session.hpp"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>

#include "app/config/passwd_entry.hpp"
#include "app/runtime/session_impl.hpp"
#include "control/plan/planner.hpp"
#include "drivers/pump/pump_limits.hpp"

namespace edc::app {

namespace {

std::string os_user() {
    if (const char* u = std::getenv("USER"); u != nullptr && *u != '\0') return u;
    if (auto entry = config::passwd_entry(::getuid()); entry && !entry->name.empty()) return entry->name;
    return "unknown";
}

}  // namespace

Result<void> check_pump_limits(const recipes::Recipe& recipe, const plan::FeedPlan& plan) {
    if (!recipe.pump) return {};
    double peak = plan.totals.max_feed_rate_m3_per_s;
    if (plan.prebolus_m3 > 0.0) peak = std::max(peak, recipe.plan.pump.max_rate_m3_per_s);
    return check_planned_rate(recipes::to_string(recipe.pump->model), recipe.pump->syringe_diameter_m, peak);
}

Result<std::unique_ptr<RunSession>> RunSession::create(RunOptions options, std::optional<SimRigOptions> sim) {
    if (sim && (!(sim->speed > 0.0) || sim->speed > 1000.0)) {
        return fail("invalid_option",
                    "speed must be between 0 and 1000 (got " + std::to_string(sim->speed) + ")");
    }
    if (!(options.loop_hz > 0.0) || !(options.sample_hz > 0.0)) {
        return fail("invalid_option", "loop and sample rates must be positive");
    }
    if (!sim && options.recipe.galvanostat.port.empty()) {
        return fail("invalid_recipe", "the recipe names no galvanostat port", options.recipe.source_path);
    }
    auto plan = plan::make_plan(options.recipe.plan);
    if (!plan) return std::unexpected(plan.error().to_error());
    if (auto fits = check_pump_limits(options.recipe, *plan); !fits) {
        auto e = fits.error();
        e.where = options.recipe.source_path + ": " + e.where;
        return std::unexpected(std::move(e));
    }
    if (options.db_path.empty()) options.db_path = journal::RunJournal::default_path();
    if (options.operator_name.empty()) options.operator_name = os_user();
    auto journal = journal::RunJournal::open(options.db_path, journal::OpenOptions{.vfs = options.journal_vfs});
    if (!journal) return std::unexpected(journal.error());

    std::unique_ptr<SimRig> rig;
    if (sim) {
        auto started = SimRig::start(options.recipe, std::move(*sim));
        if (!started) return std::unexpected(started.error());
        rig = std::move(*started);
    }
    auto impl =
        std::make_unique<Impl>(std::move(options), std::move(*plan), std::move(*journal), std::move(rig));
    return std::unique_ptr<RunSession>(new RunSession(std::move(impl)));
}

RunSession::RunSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
RunSession::~RunSession() = default;

void RunSession::start() {
    impl_->start();
}
void RunSession::hold() {
    impl_->post_command(run::EventKind::hold, "operator hold");
}
void RunSession::resume() {
    impl_->post_command(run::EventKind::resume, "operator resume");
}
void RunSession::abort(std::string cause) {
    impl_->post_command(run::EventKind::abort, std::move(cause));
}
RunSnapshot RunSession::snapshot() const {
    return impl_->snapshot();
}
std::vector<RunEventRecord> RunSession::take_events() {
    return impl_->take_events();
}
bool RunSession::finished() const {
    return impl_->finished();
}
RunSummary RunSession::wait() {
    return impl_->wait();
}
std::optional<sim::SimSnapshot> RunSession::sim_snapshot() const {
    return impl_->sim_snapshot();
}

}  // namespace edc::app
