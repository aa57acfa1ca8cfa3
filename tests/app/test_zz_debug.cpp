#include <gtest/gtest.h>
#include <cstdio>
#include "app/calibration/recorded_run.hpp"
TEST(Debug, Print) {
    auto j = edc::journal::RunJournal::open("/tmp/calib/a.sqlite");
    ASSERT_TRUE(j);
    auto r = edc::calibration::load_recorded_run(*j, 1);
    ASSERT_TRUE(r) << r.error().message;
    auto c = r->run.cell.chemistry;
    c.selectivity = edc::model::Selectivity::constant(1.225);
    c.current_efficiency = 0.68;
    auto p = edc::calibration::predict(r->run, c);
    std::printf("thickness %g nm charge %g samples %zu first t %g last t %g\n", p.thickness_m*1e9, p.charge_c, r->run.samples.size(), r->run.samples.front().t_s, r->run.samples.back().t_s);
    double maxgap = 0; for (std::size_t i=1;i<r->run.samples.size();++i) maxgap = std::max(maxgap, r->run.samples[i].t_s-r->run.samples[i-1].t_s);
    std::printf("max gap %g\n", maxgap);
    for (std::size_t i = 0; i < p.profile.points.size(); i += p.profile.points.size()/8) std::printf("%g %g\n", p.profile.points[i].depth_m*1e9, p.profile.points[i].x_bi);
}
