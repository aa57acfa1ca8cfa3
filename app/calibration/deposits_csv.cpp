#include "app/calibration/deposits_csv.hpp"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>

namespace edc::calibration {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

std::vector<std::string_view> split(std::string_view line) {
    std::vector<std::string_view> out;
    for (;;) {
        const auto comma = line.find(',');
        out.push_back(trim(line.substr(0, comma)));
        if (comma == std::string_view::npos) return out;
        line.remove_prefix(comma + 1);
    }
}

std::optional<double> number(std::string_view s) {
    double v = 0.0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

constexpr std::array known{"bath_bi_mM", "bath_sb_mM",   "x_bi",   "charge_C",
                           "area_cm2",   "thickness_nm", "mass_mg"};

}  // namespace

Result<std::vector<CalibrationDeposit>> parse_deposits_csv(std::string_view text,
                                                           std::string_view name_for_errors) {
    const std::string file(name_for_errors);
    auto error = [&](std::size_t line, const std::string& what) {
        return fail("invalid_samples", fmt::format("{}:{}: {}", file, line, what),
                    fmt::format("{}:{}", file, line));
    };
    std::vector<CalibrationDeposit> out;
    std::array<int, known.size()> column{};
    column.fill(-1);
    bool have_header = false;
    std::size_t line_no = 0;
    std::size_t columns = 0;
    while (!text.empty()) {
        const auto nl = text.find('\n');
        const std::string_view line = trim(text.substr(0, nl));
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        ++line_no;
        if (line.empty() || line.front() == '#') continue;
        const auto fields = split(line);
        if (!have_header) {
            for (std::size_t i = 0; i < fields.size(); ++i) {
                std::size_t k = 0;
                while (k < known.size() && fields[i] != known[k]) ++k;
                if (k == known.size()) {
                    return error(line_no,
                                 fmt::format("unknown column '{}'; expected bath_bi_mM, bath_sb_mM, x_bi and "
                                             "optionally charge_C, area_cm2, thickness_nm or mass_mg",
                                             fields[i]));
                }
                if (column[k] >= 0)
                    return error(line_no, fmt::format("column '{}' appears twice", fields[i]));
                column[k] = static_cast<int>(i);
            }
            for (std::size_t k = 0; k < 3; ++k) {
                if (column[k] < 0) return error(line_no, fmt::format("missing column '{}'", known[k]));
            }
            if (column[5] >= 0 && column[6] >= 0) {
                return error(line_no, "both thickness_nm and mass_mg; expected one of them");
            }
            columns = fields.size();
            have_header = true;
            continue;
        }
        if (fields.size() != columns) {
            return error(line_no,
                         fmt::format("{} fields; expected {} as in the header", fields.size(), columns));
        }
        std::array<std::optional<double>, known.size()> v{};
        for (std::size_t k = 0; k < known.size(); ++k) {
            if (column[k] < 0) continue;
            const auto field = fields[static_cast<std::size_t>(column[k])];
            if (field.empty() && k >= 3) continue;  // an optional value left blank
            v[k] = number(field);
            if (!v[k] || *v[k] < 0.0) {
                return error(line_no,
                             fmt::format("{} = '{}' is not a non-negative finite number", known[k], field));
            }
        }
        CalibrationDeposit d;
        d.bath_bi_mol_per_m3 = *v[0];  // mM is mol/m3
        d.bath_sb_mol_per_m3 = *v[1];
        d.x_bi = *v[2];
        if (d.bath_bi_mol_per_m3 <= 0.0 || d.bath_sb_mol_per_m3 <= 0.0) {
            return error(line_no,
                         "bath_bi_mM and bath_sb_mM must be above 0 (k needs both metals in the bath)");
        }
        if (!(d.x_bi > 0.0 && d.x_bi < 1.0)) return error(line_no, "x_bi must lie strictly between 0 and 1");
        if (v[3]) d.charge_c = *v[3];
        if (v[4]) d.area_m2 = *v[4] * 1e-4;
        if (v[5]) d.thickness_m = *v[5] * 1e-9;
        if (v[6]) d.mass_kg = *v[6] * 1e-6;
        if (d.thickness_m && !d.area_m2)
            return error(line_no, "thickness_nm needs area_cm2 to give the deposited metal");
        out.push_back(d);
    }
    if (!have_header)
        return error(
            line_no,
            "no header; expected bath_bi_mM,bath_sb_mM,x_bi[,charge_C,area_cm2,thickness_nm|mass_mg]");
    if (out.empty()) return error(line_no, "no deposits after the header");
    return out;
}

Result<std::vector<CalibrationDeposit>> load_deposits_csv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return fail("invalid_samples", fmt::format("{}: cannot open the calibration deposits file", path),
                    path);
    std::ostringstream text;
    text << in.rdbuf();
    return parse_deposits_csv(text.str(), path);
}

}  // namespace edc::calibration
