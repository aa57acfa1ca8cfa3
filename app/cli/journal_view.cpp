#include "app/cli/journal_view.hpp"

#include <fmt/format.h>

#include <charconv>
#include <filesystem>

#include "control/model/units.hpp"

namespace edc::cli {

using json = nlohmann::ordered_json;

Result<journal::RunJournal> open_existing_journal(const std::string& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return fail("no_journal", fmt::format("no run journal at '{}' (give another with --db PATH)", path),
                    path);
    }
    return journal::RunJournal::open(path);
}

Result<std::int64_t> resolve_run(journal::RunJournal& journal, const std::string& text) {
    if (text == "last") {
        journal::RunFilter filter;
        filter.limit = 1;
        auto runs = journal.list_runs(filter);
        if (!runs) return std::unexpected(runs.error());
        if (runs->empty())
            return fail("no_such_run", fmt::format("the journal '{}' holds no runs", journal.path()));
        return runs->front().id;
    }
    std::int64_t id = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, id);
    if (text.empty() || ec != std::errc{} || ptr != end || id <= 0) {
        return fail("usage",
                    fmt::format("RUN must be a run id (a positive integer) or 'last', not '{}'", text));
    }
    return id;
}

json instruments_json(const journal::RunRecord& run) {
    if (run.instruments_json.empty()) return json::object();
    auto parsed = json::parse(run.instruments_json, nullptr, false);
    if (parsed.is_discarded()) return run.instruments_json;
    return parsed;
}

json run_json(const journal::RunRecord& run) {
    json j{{"id", run.id},
           {"recipe", run.recipe_name},
           {"recipe_sha256", run.recipe_sha256},
           {"status", std::string(journal::to_string(run.status))},
           {"operator", run.operator_name},
           {"started_at", run.started_at},
           {"ended_at", run.ended_at ? json(*run.ended_at) : json(nullptr)},
           {"instruments", instruments_json(run)}};
    if (run.resumes_run) j["resumes_run"] = *run.resumes_run;
    return j;
}

json sample_json(const journal::JournalSample& s) {
    return json{{"t_s", s.t_s},
                {"current_A", s.current_a},
                {"potential_V", s.potential_v},
                {"charge_C", s.charge_c},
                {"feed_rate_mL_min", units::m3_per_s_to_ml_per_min(s.feed_rate_m3_s)},
                {"dispensed_mL", units::m3_to_ml(s.dispensed_m3)},
                {"volume_mL", units::m3_to_ml(s.volume_m3)},
                {"depth_nm", units::m_to_nm(s.depth_m)},
                {"x_bi_predicted", s.x_bi_predicted}};
}

json event_json(const journal::JournalEvent& e) {
    return json{{"t_s", e.t_s}, {"level", e.level}, {"message", e.message}};
}

std::string samples_csv_header() {
    return "t_s,current_A,potential_V,charge_C,feed_rate_mL_min,dispensed_mL,volume_mL,depth_nm,x_bi_"
           "predicted";
}

std::string sample_csv_row(const journal::JournalSample& s) {
    // {} is the shortest text that reads back to the same double.
    return fmt::format("{},{},{},{},{},{},{},{},{}", s.t_s, s.current_a, s.potential_v, s.charge_c,
                       units::m3_per_s_to_ml_per_min(s.feed_rate_m3_s), units::m3_to_ml(s.dispensed_m3),
                       units::m3_to_ml(s.volume_m3), units::m_to_nm(s.depth_m), s.x_bi_predicted);
}

std::string totals_text(const journal::RunTotals& t) {
    std::string out;
    out += fmt::format("  duration        {:.1f} s\n", t.duration_s);
    out += fmt::format("  charge          {:.4f} C\n", t.charge_c);
    out += fmt::format("  thickness       {:.1f} nm\n", units::m_to_nm(t.thickness_m));
    out += fmt::format("  feed volume     {:.2f} mL\n", units::m3_to_ml(t.dispensed_m3));
    out += fmt::format("  final volume    {:.2f} mL\n", units::m3_to_ml(t.final_volume_m3));
    if (t.mean_x_bi) out += fmt::format("  mean x_Bi       {:.4f} (predicted)\n", *t.mean_x_bi);
    return out;
}

json totals_json(const journal::RunTotals& t) {
    return json{{"source", "run_totals"},
                {"duration_s", t.duration_s},
                {"charge_C", t.charge_c},
                {"depth_nm", units::m_to_nm(t.thickness_m)},
                {"dispensed_mL", units::m3_to_ml(t.dispensed_m3)},
                {"volume_mL", units::m3_to_ml(t.final_volume_m3)},
                {"mean_x_bi", t.mean_x_bi ? json(*t.mean_x_bi) : json(nullptr)}};
}

RunDigest digest(std::span<const journal::JournalSample> samples) {
    RunDigest d;
    if (samples.empty()) return d;
    const auto& last = samples.back();
    d.duration_s = last.t_s;
    d.charge_c = last.charge_c;
    d.depth_m = last.depth_m;
    d.dispensed_m3 = last.dispensed_m3;
    d.volume_m3 = last.volume_m3;
    double weighted = 0.0;
    double weight = 0.0;
    for (std::size_t i = 1; i < samples.size(); ++i) {
        const double dq = samples[i].charge_c - samples[i - 1].charge_c;
        if (dq <= 0.0) continue;
        weighted += dq * 0.5 * (samples[i].x_bi_predicted + samples[i - 1].x_bi_predicted);
        weight += dq;
    }
    if (weight > 0.0) d.mean_x_bi = weighted / weight;
    return d;
}

}  // namespace edc::cli
