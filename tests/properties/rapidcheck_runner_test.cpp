// The adapter over RapidCheck's internals (run a property with a seed and a reproduce string,
// hear of cases and shrinks, encode and decode reproduce strings). If a RapidCheck upgrade
// changes what the adapter relies on, these fail here rather than somewhere in a hunt.
#include <gtest/gtest.h>
#include <rapidcheck.h>

#include "properties/rapidcheck_runner.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::properties {
namespace {

// Fails for any value of at least 10: RapidCheck must shrink a failure to exactly 10.
struct AtLeastTen {
    int last_failing = -1;
    void operator()() {
        const int v = *rc::gen::inRange(0, 1000);
        if (v < 10) return;
        last_failing = v;
        RC_FAIL("at least ten");
    }
};

TEST(RapidCheckRunner, FindsShrinksAndReproducesAFailure) {
    AtLeastTen property;
    int cases = 0, shrinks = 0;
    PropertyRun run{"at-least-ten", 42, 100, 100, "", [&] { ++cases; }, [&] { ++shrinks; }};
    const PropertyRunResult found = run_property([&] { property(); }, run);
    ASSERT_TRUE(found.failed);
    EXPECT_EQ(property.last_failing, 10);  // shrunk to the boundary
    EXPECT_GE(found.cases, 1);
    EXPECT_GT(shrinks, 0);
    EXPECT_GE(cases, found.cases);
    ASSERT_TRUE(is_reproduce_string(found.reproduce));

    // The reproduce string re-derives the minimal case at once.
    AtLeastTen again;
    run.reproduce = found.reproduce;
    const PropertyRunResult reproduced = run_property([&] { again(); }, run);
    EXPECT_TRUE(reproduced.failed);
    EXPECT_EQ(reproduced.cases, 1);
    EXPECT_EQ(again.last_failing, 10);
}

TEST(RapidCheckRunner, RunsEveryCaseOfAPassingProperty) {
    int cases = 0;
    const PropertyRun run{"always", 7, 25, 100, "", [&] { ++cases; }, {}};
    const PropertyRunResult result = run_property([] { RC_ASSERT(*rc::gen::inRange(0, 10) < 10); }, run);
    EXPECT_FALSE(result.failed);
    EXPECT_EQ(result.cases, 25);
    EXPECT_EQ(cases, 25);
    EXPECT_TRUE(result.reproduce.empty());
}

TEST(RapidCheckRunner, RefusesAReproduceStringThatDoesNotDecode) {
    EXPECT_FALSE(is_reproduce_string("not a reproduce string"));
    const PropertyRun run{"x", 1, 1, 100, "not a reproduce string", {}, {}};
    EXPECT_THROW(run_property([] {}, run), ConfigError);
}

}  // namespace
}  // namespace cascadelab::properties
