#include "app/gui/csv_export.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

namespace edc::gui {

std::string samples_csv_header() {
    return "t_s,current_a,potential_v,charge_c,feed_rate_m3_per_s,dispensed_m3,volume_m3,n_bi_mol,n_sb_mol,"
           "depth_m,x_bi_predicted,x_bi_target";
}

Result<void> write_samples_csv(const std::string& path, const std::vector<journal::JournalSample>& samples) {
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "w"), &std::fclose);
    if (!file)
        return fail("export_failed", fmt::format("cannot write {}: {}", path, std::strerror(errno)), path);
    fmt::print(file.get(), "{}\n", samples_csv_header());
    for (const auto& s : samples) {
        fmt::print(file.get(), "{},{},{},{},{},{},{},{},{},{},{},{}\n", s.t_s, s.current_a, s.potential_v,
                   s.charge_c, s.feed_rate_m3_s, s.dispensed_m3, s.volume_m3, s.n_bi, s.n_sb, s.depth_m,
                   s.x_bi_predicted, s.x_bi_target);
    }
    if (std::fflush(file.get()) != 0 || std::ferror(file.get()))
        return fail("export_failed", fmt::format("writing {} failed: {}", path, std::strerror(errno)), path);
    return {};
}

}  // namespace edc::gui
