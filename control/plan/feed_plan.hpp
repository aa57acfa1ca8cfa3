#pragma once
// The planner's answer: a charge-indexed feed plan, or the reasons it cannot be made.
// The points lie on a uniform charge grid, so the scheduler looks values up by index
// (no search, no allocation).
#include <cstddef>
#include <string>
#include <vector>

#include "control/error.hpp"
#include "control/model/cell_model.hpp"

namespace edc::plan {

struct FeedPoint {
    double charge_c = 0.0;            // charge passed since current start (of the original run, resuming)
    double t_s = 0.0;                 // nominal time: charge / nominal current
    double depth_m = 0.0;             // film thickness reached (0 = substrate)
    double fed_m3 = 0.0;              // cumulative B delivered, including the pre-dilution bolus
    double volume_m3 = 0.0;           // bath volume
    double feed_rate_m3_per_s = 0.0;  // at nominal current
    double x_target = 0.0;            // target Bi fraction of the layer deposited here
    double x_predicted = 0.0;         // what the plan's bath deposits (differs only where w was clamped)
    double n_bi_mol = 0.0;
    double n_sb_mol = 0.0;
    double w_m3_per_c = 0.0;  // dW/dQ: feed volume per coulomb
};

struct PlanTotals {
    double duration_s = 0.0;  // nominal
    double charge_c = 0.0;
    double current_a = 0.0;  // nominal
    double thickness_m = 0.0;
    double mass_kg_per_m2 = 0.0;
    double feed_volume_m3 = 0.0;  // bolus included
    double final_volume_m3 = 0.0;
    double max_feed_rate_m3_per_s = 0.0;
    double mean_x_bi = 0.0;  // mole-weighted over the film (resuming: the target before the start)
    // Forward simulation of this plan (resuming: of the rest, from the start) vs the target.
    double roundtrip_rms_x_bi = 0.0;  // fraction
    double roundtrip_max_x_bi = 0.0;
};

struct PlanWarning {
    std::string code;  // mass_transport_limited, feed_clamped, below_min_rate, bottom_short,
                       // resume_bath_ahead
    std::string message;
};

struct PlanIssue {
    std::string code;
    std::string message;
    double depth_m = 0.0;
    double t_s = 0.0;
};

// Stable codes (documented in docs/performance.md, "Planner error codes").
namespace issue {
inline constexpr const char* invalid_request = "invalid_request";
inline constexpr const char* invalid_profile = "invalid_profile";
inline constexpr const char* profile_increases = "profile_increases";
inline constexpr const char* bottom_unreachable = "bottom_unreachable";
inline constexpr const char* top_unreachable = "top_unreachable";
inline constexpr const char* pump_rate_exceeded = "pump_rate_exceeded";
inline constexpr const char* syringe_capacity_exceeded = "syringe_capacity_exceeded";
// Contract A's name for a resumed plan whose rest the syringe cannot supply: the same code as
// syringe_capacity_exceeded (already-delivered B counts against the syringe either way).
inline constexpr const char* syringe_exhausted = syringe_capacity_exceeded;
inline constexpr const char* cell_overflow = "cell_overflow";
inline constexpr const char* feed_required_without_pump = "feed_required_without_pump";
}  // namespace issue

struct PlanFailure {
    std::vector<PlanIssue> issues;

    [[nodiscard]] bool has(const std::string& code) const noexcept;
    // All issues, one per line: "code: message".
    [[nodiscard]] std::string summary() const;
    // The first issue as an edc::Error (where = "depth D nm, t = T s"), for callers that
    // report one error.
    [[nodiscard]] Error to_error() const;
};

struct FeedPlan {
    // Uniform in charge: points[i].charge_c = points[0].charge_c + i * charge_step. points[0] is
    // at charge 0, or where a resumed run stands (PlanRequest::start).
    std::vector<FeedPoint> points;
    double prebolus_m3 = 0.0;     // B dispensed before current starts (0 when resuming)
    model::BathState start_bath;  // bath after the bolus, when current starts (resuming: the given bath)
    PlanTotals totals;            // the whole film, resumed or not
    std::vector<PlanWarning> warnings;

    [[nodiscard]] double charge_step_c() const noexcept;
    // Linear interpolation on the charge grid, clamped to [first point, total charge]. No allocation.
    [[nodiscard]] double fed_at(double charge_c) const noexcept;
    [[nodiscard]] double w_at(double charge_c) const noexcept;
    [[nodiscard]] double x_target_at(double charge_c) const noexcept;
    [[nodiscard]] double depth_at(double charge_c) const noexcept;
    [[nodiscard]] double volume_at(double charge_c) const noexcept;
    // By nominal time (open-loop replay) and by depth (profile comparison): binary search.
    [[nodiscard]] double feed_rate_at_time(double t_s) const noexcept;
    [[nodiscard]] double x_target_at_depth(double depth_m) const noexcept;
    [[nodiscard]] bool has_warning(const std::string& code) const noexcept;

private:
    template <class Field>
    [[nodiscard]] double interpolate(double charge_c, Field field) const noexcept;
};

}  // namespace edc::plan
