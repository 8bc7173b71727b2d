// The articles' claims, each its own test on the presets (docs/experiments.md lists them), and the
// bookkeeping of every preset run.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "checked_run.hpp"
#include "experiments/claims.hpp"
#include "model/presets.hpp"

namespace cascadelab {
namespace {

// The default compare set, run once for the whole suite (with the bookkeeping checks).
const std::vector<RunMetrics>& preset_runs() {
    static const std::vector<RunMetrics> runs = [] {
        std::vector<RunMetrics> out;
        for (const PresetInfo& info : preset_catalog()) {
            if (!info.in_default_compare) continue;
            const std::vector<Scenario> scenarios = *preset(info.name);
            for (const Scenario& s : scenarios) out.push_back(testing::checked_run(s));
        }
        return out;
    }();
    return runs;
}

const RunMetrics& run(std::string_view name) {
    for (const RunMetrics& r : preset_runs())
        if (r.scenario == name) return r;
    throw std::runtime_error("no such run");
}

cli::ClaimVerdict claim(std::string_view id) {
    for (const cli::ClaimVerdict& c : cli::evaluate_claims(preset_runs()))
        if (c.id == id) return c;
    throw std::runtime_error("no such claim");
}

TEST(Claims, EveryPresetRunSettlesEveryRequestExactlyOnce) {
    for (const RunMetrics& r : preset_runs()) {
        EXPECT_EQ(r.unfinished, 0u) << r.scenario;
        EXPECT_EQ(r.settled(), r.requests) << r.scenario;
    }
}

// Under a burst, RPC succeeds on fewer requests than event-driven.
TEST(Claims, UnderABurstRpcSucceedsOnFewerRequests) {
    EXPECT_LT(run("seed-rpc").ok(), run("seed-event").ok());
    EXPECT_LT(run("rpc-naive").ok(), run("event-safe").ok());
    EXPECT_TRUE(claim("seed.rpc-fewer-successes").held);
    EXPECT_TRUE(claim("bursts.rpc-fewer-successes").held);
}

// Under a burst, RPC's p99 is higher.
TEST(Claims, UnderABurstRpcP99IsHigher) {
    EXPECT_GT(run("seed-rpc").latency.p99(), run("seed-event").latency.p99());
    EXPECT_GT(run("rpc-naive").latency.p99(), run("event-safe").latency.p99());
    EXPECT_TRUE(claim("seed.rpc-p99-higher").held);
}

// The breaker opens.
TEST(Claims, TheBreakerTrips) {
    EXPECT_GE(run("seed-rpc").breaker_opens, 1u);
    EXPECT_GE(run("rpc-safe").breaker_opens, 1u);
    EXPECT_TRUE(claim("seed.breaker-trips").held);
}

// Timeouts and rejections appear.
TEST(Claims, TimeoutsAndRejectionsPileUp) {
    EXPECT_GT(run("rpc-naive").attempt_timeouts, 1000u);
    EXPECT_GT(run("rpc-safe").bulkhead_rejections, 100u);
    EXPECT_GT(run("rpc-safe").breaker_rejections, 100u);
    EXPECT_TRUE(claim("safe-rpc-sheds-load").held);
}

TEST(Claims, NaiveRpcCollapses) {
    EXPECT_LT(run("rpc-naive").success_ratio(), 0.5);
    EXPECT_GT(run("rpc-naive").amplification(), 3.0);
    EXPECT_TRUE(claim("naive-rpc-collapses").held);
}

// event-safe processes every request: ok + dlq = published, dropped = 0.
TEST(Claims, EventSafeProcessesEveryRequest) {
    const RunMetrics& m = run("event-safe");
    EXPECT_EQ(m.outcome(Outcome::Dropped), 0u);
    EXPECT_EQ(m.ok() + m.outcome(Outcome::DeadLettered), m.requests);
    EXPECT_EQ(run("seed-event").ok(), run("seed-event").requests);
    EXPECT_TRUE(claim("event-safe-absorbs").held);
    EXPECT_TRUE(claim("seed.event-processes-all").held);
}

TEST(Claims, EventNaiveDropsEvents) {
    EXPECT_GT(run("event-naive").outcome(Outcome::Dropped), 0u);
    EXPECT_TRUE(claim("event-naive-drops").held);
}

// On `healthy`, RPC p50 is lower than event-driven end-to-end p50.
TEST(Claims, WhenHealthyRpcIsFaster) {
    EXPECT_LT(run("healthy-rpc").latency.p50(), run("healthy-event").latency.p50());
    EXPECT_TRUE(claim("healthy-rpc-faster").held);
}

// A claim can fail: the verdict follows the numbers, not the preset names.
TEST(Claims, AVerdictFollowsTheNumbers) {
    std::vector<RunMetrics> swapped;
    swapped.push_back(run("healthy-event"));
    swapped.push_back(run("healthy-rpc"));
    swapped[0].scenario = "healthy-rpc";
    swapped[1].scenario = "healthy-event";
    const auto verdicts = cli::evaluate_claims(swapped);
    ASSERT_EQ(verdicts.size(), 1u);
    EXPECT_FALSE(verdicts[0].held);
}

}  // namespace
}  // namespace cascadelab
