// Same scenario and seed => byte-identical output; another seed => other numbers.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "experiments/report.hpp"
#include "model/presets.hpp"
#include "model/run.hpp"
#include "model/kernel/trace.hpp"

namespace cascadelab {
namespace {

std::string json_of(std::vector<Scenario> scenarios) {
    std::vector<RunMetrics> runs;
    for (const Scenario& s : scenarios) runs.push_back(run_scenario(s));
    return cli::render_json(runs, cli::evaluate_claims(runs));
}

TEST(Determinism, TheSameSeedGivesByteIdenticalJson) {
    for (const PresetInfo& info : preset_catalog()) {
        const std::vector<Scenario> s = *preset(info.name);
        EXPECT_EQ(json_of(s), json_of(s)) << info.name;
    }
}

TEST(Determinism, AnotherSeedGivesOtherNumbers) {
    for (const PresetInfo& info : preset_catalog()) {
        std::vector<Scenario> a = *preset(info.name);
        std::vector<Scenario> b = a;
        for (Scenario& s : b) s.seed += 1;
        EXPECT_NE(json_of(a), json_of(b)) << info.name;
    }
}

// The trace of every transition, too: equal for equal seeds, for random seeds.
RC_GTEST_PROP(Determinism, TracesAreEqualForEqualSeeds, (std::uint64_t seed)) {
    const auto& names = preset_catalog();
    const std::string_view name = names[*rc::gen::inRange<std::size_t>(0, names.size())].name;
    Scenario s = preset(name)->front();
    s.seed = seed;
    TraceRecorder a(true), b(true);
    run_scenario(s, RunOptions{}.with_trace(&a));
    run_scenario(s, RunOptions{}.with_trace(&b));
    RC_ASSERT(a.size() > 0u);
    RC_ASSERT(a.hash() == b.hash());
}

}  // namespace
}  // namespace cascadelab
