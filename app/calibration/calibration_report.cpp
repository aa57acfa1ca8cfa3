#include "app/calibration/calibration_report.hpp"

#include <fmt/format.h>

#include "app/journal/journal_records.hpp"
#include "recipes/format/chemistry_file.hpp"

namespace edc::calibration {
namespace {

using json = nlohmann::ordered_json;

std::string run_list(const CalibrationSummary& s) {
    std::string out;
    for (std::size_t i = 0; i < s.runs.size(); ++i) {
        out += fmt::format("{}run {} ({})", i == 0 ? "" : ", ", s.runs[i], s.profiles[i]);
    }
    if (s.samples) out += fmt::format("{}deposits {}", out.empty() ? "" : ", ", *s.samples);
    return out;
}

std::string fitted_keys_only(const calibration::FitResult& fit) {
    std::string out = "[chemistry]\n";
    if (fit.table) {
        out += "selectivity_table = [";
        for (std::size_t i = 0; i < fit.table_points.size(); ++i) {
            out += fmt::format("{}[{}, {}]", i == 0 ? "" : ", ", fit.table_points[i].ratio,
                               fit.table_points[i].k);
        }
        out += "]\n";
    } else {
        out += fmt::format("selectivity_k = {}\n", fit.k);
    }
    if (fit.efficiency) out += fmt::format("current_efficiency = {}\n", *fit.efficiency);
    return out;
}

}  // namespace

std::string calibration_file_text(const calibration::FitResult& fit, const CalibrationSummary& s) {
    std::string out =
        fmt::format("# Written by `edc calibrate` on {} from {}.\n", journal::utc_now_iso8601(), run_list(s));
    out +=
        fmt::format("# Depth resolution {:g} nm (Gaussian sigma); {} points; residual RMS {:.3f} at.% Bi.\n",
                    s.resolution_m * 1e9, fit.points, 100.0 * fit.residual_rms);
    out += fmt::format("# selectivity: {} (AIC constant {:.1f}, table {})\n",
                       fit.table ? "table" : "constant", fit.aic_constant,
                       fit.aic_table ? fmt::format("{:.1f} with {} knots", *fit.aic_table, fit.table_knots)
                                     : std::string("not fitted"));
    out +=
        fmt::format("#   constant k = {:.4f}, 95 % [{:.4f}, {:.4f}]\n", fit.k, fit.k_ci95.lo, fit.k_ci95.hi);
    for (std::size_t i = 0; i < fit.table_points.size(); ++i) {
        out += fmt::format("#   table c_Bi/c_Sb {:.4f}: k = {:.4f}, 95 % [{:.4f}, {:.4f}]\n",
                           fit.table_points[i].ratio, fit.table_points[i].k, fit.table_ci95[i].lo,
                           fit.table_ci95[i].hi);
    }
    out += fmt::format("# current_efficiency {:.4f}, 95 % [{:.4f}, {:.4f}]: {}\n",
                       fit.chemistry.current_efficiency, fit.efficiency_ci95.lo, fit.efficiency_ci95.hi,
                       fit.efficiency_note);
    out += fmt::format("# A's Bi {:.3f} mM: {}\n", fit.a_bi_mol_per_m3, fit.a_bi_note);
    out += s.runs.empty() ? fitted_keys_only(fit) : recipes::chemistry_toml(fit.chemistry);
    return out;
}

json calibration_json(const calibration::FitResult& fit, const CalibrationSummary& s,
                      const std::string& output) {
    json table = nullptr;
    json table_ci = nullptr;
    if (fit.table) {
        table = json::array();
        table_ci = json::array();
        for (std::size_t i = 0; i < fit.table_points.size(); ++i) {
            table.push_back({fit.table_points[i].ratio, fit.table_points[i].k});
            table_ci.push_back({fit.table_ci95[i].lo, fit.table_ci95[i].hi});
        }
    }
    return json{{"selectivity_k", fit.table ? json(nullptr) : json(fit.k)},
                {"selectivity_k_ci95", {fit.k_ci95.lo, fit.k_ci95.hi}},
                {"selectivity_k_constant_model", fit.k},
                {"selectivity_table", table},
                {"selectivity_table_ci95", table_ci},
                {"selectivity_model", fit.table ? "table" : "constant"},
                {"aic_constant", fit.aic_constant},
                {"aic_table", fit.aic_table ? json(*fit.aic_table) : json(nullptr)},
                {"current_efficiency", fit.chemistry.current_efficiency},
                {"current_efficiency_ci95", {fit.efficiency_ci95.lo, fit.efficiency_ci95.hi}},
                {"current_efficiency_fitted", fit.efficiency.has_value()},
                {"a_bi_mM", fit.a_bi_mol_per_m3},
                {"a_bi_ci95", {fit.a_bi_ci95.lo, fit.a_bi_ci95.hi}},
                {"a_bi_fitted", fit.a_bi_fitted},
                {"a_bi_note", fit.a_bi_note},
                {"k_a_correlation", fit.k_a_correlation},
                {"residual_rms_at_pct", 100.0 * fit.residual_rms},
                {"points", fit.points},
                {"runs", s.runs},
                {"resolution_nm", s.resolution_m * 1e9},
                {"output", output}};
}

void print_calibration(std::ostream& out, const calibration::FitResult& fit, const CalibrationSummary& s,
                       const std::string& output) {
    out << fmt::format("calibrated from {}\n", run_list(s));
    for (std::size_t i = 0; i < s.runs.size(); ++i) {
        out << fmt::format("  run {} planned with chemistry: {}\n", s.runs[i], s.chemistry_sources[i]);
    }
    out << fmt::format(
        "selectivity       {} (AIC constant {:.1f}, table {})\n",
        fit.table ? "k(c_Bi/c_Sb) table" : "constant k", fit.aic_constant,
        fit.aic_table ? fmt::format("{:.1f}, {} knots", *fit.aic_table, fit.table_knots) : "not fitted");
    out << fmt::format("  k               {:.4f}  95 % [{:.4f}, {:.4f}]  {}\n", fit.k, fit.k_ci95.lo,
                       fit.k_ci95.hi, fit.table ? "(constant model, not used)" : "fitted");
    if (fit.table) {
        for (std::size_t i = 0; i < fit.table_points.size(); ++i) {
            out << fmt::format("  k at {:8.4f}   {:.4f}  95 % [{:.4f}, {:.4f}]  fitted\n",
                               fit.table_points[i].ratio, fit.table_points[i].k, fit.table_ci95[i].lo,
                               fit.table_ci95[i].hi);
        }
    }
    out << fmt::format("current efficiency {:.4f}  95 % [{:.4f}, {:.4f}]  {}\n",
                       fit.chemistry.current_efficiency, fit.efficiency_ci95.lo, fit.efficiency_ci95.hi,
                       fit.efficiency_note);
    out << fmt::format("A's Bi            {:.3f} mM  95 % [{:.3f}, {:.3f}]  {}\n", fit.a_bi_mol_per_m3,
                       fit.a_bi_ci95.lo, fit.a_bi_ci95.hi, fit.a_bi_note);
    out << fmt::format("residual RMS      {:.3f} at.% Bi over {} points\n", 100.0 * fit.residual_rms,
                       fit.points);
    out << fmt::format("wrote {}: use it with edc plan|simulate|run RECIPE --chemistry {}\n", output, output);
}

}  // namespace edc::calibration
