// The trigger boundary: on rpc-naive a burst of about 73 requests breaks recovery on half the
// seeds; the band around it is ordered; a retry budget moves the boundary out of range.
#include <gtest/gtest.h>

#include <set>

#include "properties/boundary.hpp"
#include "hunt_setup.hpp"

namespace cascadelab::properties {
namespace {

TEST(Boundary, NaiveRpcCrossesOneHalfNearSeventyRequests) {
    BoundaryOptions o;
    o.threads = 2;
    const BoundaryResult r = find_boundary("recovery", setup_of("rpc-naive"), o);
    ASSERT_TRUE(r.found);
    // The robust hunt's minimum (80) lies above the crossing; its knife-edge (59 + an outage) below.
    EXPECT_GE(r.crossing, 60);
    EXPECT_LE(r.crossing, 80);
    EXPECT_LT(r.surely_below, r.crossing);
    EXPECT_GE(r.surely_above, r.crossing);
    // Each size was estimated once, over the same 20 seeds.
    for (const BoundaryPoint& p : r.points) EXPECT_EQ(p.estimate.runs, 20u);
    std::set<std::int64_t> sizes;
    for (const BoundaryPoint& p : r.points) EXPECT_TRUE(sizes.insert(p.size).second) << p.size << " twice";
}

TEST(Boundary, ARetryBudgetMovesTheBoundaryOutOfRange) {
    HuntSetup h = setup_of("rpc-naive");
    h.scenario.rpc.retry_budget = RetryBudgetConfig::finagle();
    BoundaryOptions o;
    o.threads = 2;
    const BoundaryResult r = find_boundary("recovery", h, o);
    EXPECT_FALSE(r.found);
    EXPECT_EQ(r.surely_above, 0);
}

TEST(Boundary, TheFamiliesBuildOneTrigger) {
    EXPECT_EQ(trigger_of(TriggerFamily::Burst, 7, Duration::zero()).burst_requests(), 7u);
    const Schedule outage = trigger_of(TriggerFamily::Outage, 30, Duration::zero());
    ASSERT_EQ(outage.faults.size(), 1u);
    EXPECT_EQ(outage.faults[0].length, Duration::millis(30));
    const Schedule spike = trigger_of(TriggerFamily::Spike, 5, Duration::millis(100));
    ASSERT_EQ(spike.faults.size(), 1u);
    EXPECT_EQ(spike.faults[0].strength, 5.0);
    EXPECT_EQ(trigger_range(TriggerFamily::Outage, HuntSetup{}).second, 2000);
}

}  // namespace
}  // namespace cascadelab::properties
