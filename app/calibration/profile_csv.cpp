#include "app/calibration/profile_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <optional>
#include <vector>

namespace edc::calibration {
namespace {

enum class Column { depth_nm, depth_um, depth_from_surface_nm, x_bi, bi_at_pct, bi, sb };

struct ColumnName {
    std::string_view name;
    Column column;
};

constexpr std::array known_columns{
    ColumnName{"depth_nm", Column::depth_nm},
    ColumnName{"depth_um", Column::depth_um},
    ColumnName{"depth_from_surface_nm", Column::depth_from_surface_nm},
    ColumnName{"x_bi", Column::x_bi},
    ColumnName{"bi_at_pct", Column::bi_at_pct},
    ColumnName{"bi", Column::bi},
    ColumnName{"sb", Column::sb},
};

constexpr std::string_view known_list = "depth_nm, depth_um, depth_from_surface_nm, x_bi, bi_at_pct, Bi, Sb";
// 1e7 nm (10 mm) or 1e7 um: no film is that thick, and beyond it converted depths lose their
// separation in a double.
constexpr double max_depth_value = 1e7;

bool is_depth(Column c) {
    return c == Column::depth_nm || c == Column::depth_um || c == Column::depth_from_surface_nm;
}

std::string_view trim(std::string_view s) {
    const auto first = s.find_first_not_of(" \t");
    if (first == std::string_view::npos) return {};
    const auto last = s.find_last_not_of(" \t");
    return s.substr(first, last - first + 1);
}

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    return out;
}

// Printable excerpt of untrusted text for a message.
std::string quoted(std::string_view s) {
    std::string out;
    for (const char c : s.substr(0, 40)) out += (c >= ' ' && c <= '~') ? c : '?';
    if (s.size() > 40) out += "...";
    return "'" + out + "'";
}

std::vector<std::string_view> split(std::string_view line, char sep) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const auto pos = line.find(sep, start);
        out.push_back(trim(line.substr(start, pos == std::string_view::npos ? pos : pos - start)));
        if (pos == std::string_view::npos) break;
        start = pos + 1;
    }
    return out;
}

// A finite number and nothing else in the field.
std::optional<double> to_number(std::string_view field, bool decimal_comma) {
    std::string text(field);
    if (decimal_comma) std::replace(text.begin(), text.end(), ',', '.');
    std::string_view s = text;
    if (s.starts_with('+')) s.remove_prefix(1);
    if (s.empty()) return std::nullopt;
    double v = 0.0;
    const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
    if (r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
    return v;
}

struct Layout {
    char separator = ',';
    std::size_t fields = 0;
    std::size_t depth = 0;
    Column depth_kind = Column::depth_nm;
    std::optional<std::size_t> x_bi;
    std::optional<std::size_t> bi_pct;
    std::optional<std::size_t> bi;
    std::optional<std::size_t> sb;
};

class Parser {
public:
    explicit Parser(std::string_view name) : name_(name) {}

    Result<DepthProfile> parse(std::string_view text) {
        if (text.starts_with("\xEF\xBB\xBF")) text.remove_prefix(3);
        if (trim_all(text).empty())
            return error(1, "empty file: expected a header such as depth_nm,x_bi and data rows");
        std::optional<Layout> layout;
        std::vector<double> depths;
        std::vector<double> xs;
        std::size_t line_no = 0;
        std::size_t last_line = 1;     // the last header or data line
        std::size_t last_written = 1;  // the last line that is not blank
        std::size_t start = 0;
        while (start <= text.size()) {
            const auto end = text.find('\n', start);
            std::string_view line = text.substr(start, end == std::string_view::npos ? end : end - start);
            start = end == std::string_view::npos ? text.size() + 1 : end + 1;
            ++line_no;
            if (line.ends_with('\r')) line.remove_suffix(1);
            const std::string_view content = trim(line);
            if (content.empty()) continue;
            last_written = line_no;
            if (content.starts_with('#')) continue;
            last_line = line_no;
            if (!layout) {
                auto parsed = header(content, line_no);
                if (!parsed) return std::unexpected(parsed.error());
                layout = *parsed;
                continue;
            }
            if (auto ok = row(*layout, content, line_no, depths, xs); !ok) return std::unexpected(ok.error());
        }
        if (!layout)
            return error(last_written, "no header: only comments and blank lines; expected depth_nm,x_bi");
        if (depths.size() < 2) {
            return error(last_line, fmt::format("{} data point{}: a depth profile needs at least 2",
                                                depths.size(), depths.size() == 1 ? "" : "s"));
        }
        auto profile = build(*layout, depths, xs);
        // Converting to metres (and, from the surface, subtracting from the deepest point) can make
        // neighbours equal when their depths differ in the last digits of a double.
        for (std::size_t i = 1; i < profile.points.size(); ++i) {
            if (!(profile.points[i].depth_m > profile.points[i - 1].depth_m)) {
                return error(last_line, "depths too close together to tell apart once converted to metres");
            }
        }
        return profile;
    }

private:
    static std::string_view trim_all(std::string_view s) {
        const auto first = s.find_first_not_of(" \t\r\n");
        return first == std::string_view::npos ? std::string_view{} : s.substr(first);
    }

    [[nodiscard]] std::unexpected<Error> error(std::size_t line, std::string message) const {
        return fail(invalid_profile, std::move(message), fmt::format("{}:{}", name_, line));
    }

    Result<Layout> header(std::string_view content, std::size_t line_no) const {
        Layout layout;
        std::size_t best = 0;
        for (const char sep : {',', ';', '\t'}) {
            const auto n = static_cast<std::size_t>(std::count(content.begin(), content.end(), sep));
            if (n > best) {
                best = n;
                layout.separator = sep;
            }
        }
        const auto names = split(content, layout.separator);
        if (to_number(names.front(), false)) {
            return error(line_no,
                         fmt::format("no header: the first line {} holds numbers; expected column names "
                                     "such as depth_nm,x_bi",
                                     quoted(content)));
        }
        if (best == 0) {
            return error(line_no,
                         fmt::format("header {} has one column; expected a depth and a composition column "
                                     "separated by comma, semicolon or tab",
                                     quoted(content)));
        }
        layout.fields = names.size();
        std::optional<std::size_t> depth;
        for (std::size_t i = 0; i < names.size(); ++i) {
            const std::string key = lower(names[i]);
            const auto* known = std::find_if(known_columns.begin(), known_columns.end(),
                                             [&](const ColumnName& c) { return c.name == key; });
            if (known == known_columns.end()) {
                return error(line_no, fmt::format("unknown column {} (column {}); known: {}",
                                                  quoted(names[i]), i + 1, known_list));
            }
            std::optional<std::size_t>* slot = nullptr;
            switch (known->column) {
                case Column::x_bi:
                    slot = &layout.x_bi;
                    break;
                case Column::bi_at_pct:
                    slot = &layout.bi_pct;
                    break;
                case Column::bi:
                    slot = &layout.bi;
                    break;
                case Column::sb:
                    slot = &layout.sb;
                    break;
                default:
                    slot = &depth;
                    layout.depth_kind = known->column;
                    break;
            }
            if (slot->has_value()) {
                return error(line_no, fmt::format("column {} is a second {} column", quoted(names[i]),
                                                  is_depth(known->column) ? "depth" : "composition"));
            }
            *slot = i;
        }
        if (!depth) {
            return error(line_no,
                         "missing depth column: expected depth_nm, depth_um or depth_from_surface_nm");
        }
        layout.depth = *depth;
        const int compositions =
            (layout.x_bi ? 1 : 0) + (layout.bi_pct ? 1 : 0) + (layout.bi || layout.sb ? 1 : 0);
        if (compositions == 0) {
            return error(line_no,
                         "missing composition column: expected x_bi, bi_at_pct, or Bi and Sb (at.%)");
        }
        if (compositions > 1) {
            return error(line_no,
                         "more than one composition column: give one of x_bi, bi_at_pct, or Bi and Sb");
        }
        if (layout.bi.has_value() != layout.sb.has_value()) {
            return error(line_no, "Bi and Sb at.% come together: the Bi fraction is Bi / (Bi + Sb)");
        }
        return layout;
    }

    Result<void> row(const Layout& layout, std::string_view content, std::size_t line_no,
                     std::vector<double>& depths, std::vector<double>& xs) const {
        const auto fields = split(content, layout.separator);
        if (fields.size() != layout.fields) {
            return error(line_no, fmt::format("{} fields, the header has {}", fields.size(), layout.fields));
        }
        const bool decimal_comma = layout.separator != ',';
        auto number = [&](std::size_t i) -> Result<double> {
            auto v = to_number(fields[i], decimal_comma);
            if (!v)
                return error(line_no,
                             fmt::format("field {} is {}, not a finite number", i + 1, quoted(fields[i])));
            return *v;
        };
        auto depth = number(layout.depth);
        if (!depth) return std::unexpected(depth.error());
        if (*depth < 0.0) return error(line_no, fmt::format("negative depth {}", *depth));
        if (*depth > max_depth_value) {
            return error(line_no, fmt::format("depth {} is beyond any film (at most {} in the file's unit)", *depth,
                                              max_depth_value));
        }
        if (!depths.empty() && !(*depth > depths.back())) {
            return error(line_no,
                         fmt::format("depth {} does not increase (previous row {}): depths must be strictly "
                                     "increasing down the file",
                                     *depth, depths.back()));
        }
        double x = 0.0;
        if (layout.x_bi) {
            auto v = number(*layout.x_bi);
            if (!v) return std::unexpected(v.error());
            if (*v < 0.0 || *v > 1.0) return error(line_no, fmt::format("x_bi {} is outside 0..1", *v));
            x = *v;
        } else if (layout.bi_pct) {
            auto v = number(*layout.bi_pct);
            if (!v) return std::unexpected(v.error());
            if (*v < 0.0 || *v > 100.0)
                return error(line_no, fmt::format("bi_at_pct {} is outside 0..100", *v));
            x = *v / 100.0;
        } else {
            auto bi = number(*layout.bi);
            if (!bi) return std::unexpected(bi.error());
            auto sb = number(*layout.sb);
            if (!sb) return std::unexpected(sb.error());
            for (const double v : {*bi, *sb}) {
                if (v < 0.0 || v > 100.0) return error(line_no, fmt::format("at.% {} is outside 0..100", v));
            }
            if (!(*bi + *sb > 0.0)) return error(line_no, "Bi + Sb = 0: no Bi fraction at this depth");
            x = *bi / (*bi + *sb);
        }
        depths.push_back(*depth);
        xs.push_back(x);
        return {};
    }

    [[nodiscard]] DepthProfile build(const Layout& layout, const std::vector<double>& depths,
                                     const std::vector<double>& xs) const {
        DepthProfile profile;
        profile.source = std::string(name_);
        profile.points.reserve(depths.size());
        switch (layout.depth_kind) {
            case Column::depth_from_surface_nm: {
                const double thickness_nm = depths.back();  // the deepest point sits on the substrate
                for (std::size_t i = depths.size(); i-- > 0;) {
                    profile.points.push_back({(thickness_nm - depths[i]) * 1e-9, xs[i]});
                }
                break;
            }
            case Column::depth_um:
                for (std::size_t i = 0; i < depths.size(); ++i)
                    profile.points.push_back({depths[i] * 1e-6, xs[i]});
                break;
            default:
                for (std::size_t i = 0; i < depths.size(); ++i)
                    profile.points.push_back({depths[i] * 1e-9, xs[i]});
                break;
        }
        return profile;
    }

    std::string_view name_;
};

}  // namespace

Result<DepthProfile> parse_profile_csv(std::string_view text, std::string_view name) {
    return Parser(name).parse(text);
}

Result<DepthProfile> load_profile_csv(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(invalid_profile, "cannot open the profile file", path);
    std::string text;
    std::array<char, 65536> buf{};
    while (in.read(buf.data(), buf.size()) || in.gcount() > 0) {
        text.append(buf.data(), static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_profile_bytes) {
            return fail(invalid_profile,
                        fmt::format("larger than {} MiB: not a depth profile", max_profile_bytes >> 20U),
                        path);
        }
    }
    if (in.bad()) return fail(invalid_profile, "reading the profile file failed", path);
    return parse_profile_csv(text, path);
}

double profile_thickness_m(const DepthProfile& profile) noexcept {
    return profile.points.empty() ? 0.0 : profile.points.back().depth_m;
}

}  // namespace edc::calibration
