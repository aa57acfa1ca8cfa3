// The tick must not allocate: count every global operator new during 10^5 ticks.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>

#include "control/loop/scheduler.hpp"
#include "control/plan/planner.hpp"
#include "plan_fixtures.hpp"

namespace {
std::atomic<long> allocations{0};
}

void* operator new(std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t n) {
    allocations.fetch_add(1, std::memory_order_relaxed);
    if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
    throw std::bad_alloc();
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n == 0 ? 1 : n);
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
    allocations.fetch_add(1, std::memory_order_relaxed);
    return std::malloc(n == 0 ? 1 : n);
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete[](void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
    std::free(p);
}

TEST(SchedulerAllocations, TickAllocatesNothingIn100000Ticks) {
    const auto req = edc::test::paper_request();
    const auto plan = edc::plan::make_plan(req);
    ASSERT_TRUE(plan.has_value());
    edc::loop::Scheduler s(*plan, req.cell, req.pump);
    const double current = plan->totals.current_a;

    const long before_probe = allocations.load();
    ::operator delete(::operator new(16));  // explicit calls cannot be elided
    ASSERT_EQ(allocations.load() - before_probe, 1) << "the counting operator new is not in use";

    double counter = 0.0;
    double sum = 0.0;
    const long before = allocations.load();
    for (int i = 0; i < 100000; ++i) {
        const double t = 0.002 * i;
        const bool on = (i / 5000) % 4 != 1;  // holds now and then
        const auto out = s.tick({t, current * (1.0 + 0.01 * ((i % 7) - 3)), on, counter, i % 3 != 0, 0.1});
        counter += out.feed_rate_m3_per_s * 0.002;
        sum += out.x_bi_predicted;
    }
    EXPECT_EQ(allocations.load() - before, 0);
    EXPECT_GT(sum, 0.0);
}
