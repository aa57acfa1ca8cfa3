#include "app/gui/resume_launch.hpp"

#include "app/sim/plant_setup.hpp"

namespace edc::gui {

Result<ResumeLaunch> prepare_resume(const std::string& db_path, std::int64_t run_id, double now_s,
                                    double sim_outage_s) {
    auto launch = app::prepare_resume(db_path, run_id, now_s);
    if (launch && launch->simulated) launch->options.resume->gap_s = sim_outage_s;
    return launch;
}

app::SimRigOptions resume_sim_rig(const ResumeLaunch& launch, const std::filesystem::path& state_file) {
    app::SimRigOptions sim;
    sim.state_file = state_file;
    sim.outage_s = launch.options.resume ? launch.options.resume->gap_s : 0.0;
    sim.plant = app::make_plant(launch.plant_cell, launch.plant ? &*launch.plant : nullptr);
    return sim;
}

}  // namespace edc::gui
