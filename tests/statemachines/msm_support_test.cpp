// The shared guard combinator: Not<G> holds exactly when G does not, and is named "!g".
#include <gtest/gtest.h>

#include "statemachines/msm_support.hpp"

namespace cascadelab::msm_support {
namespace {

struct Positive {
    static constexpr std::string_view name = "positive";
    static bool test(const int& event, const int& context) { return event + context > 0; }
};

TEST(MsmSupport, NotIsTheComplementNamedWithABang) {
    static_assert(Not<Positive>::name == "!positive");
    static_assert(Not<Not<Positive>>::name == "!!positive");
    for (int e : {-2, 0, 3})
        for (int c : {-1, 0, 1}) {
            EXPECT_NE(Not<Positive>::test(e, c), Positive::test(e, c));
            EXPECT_EQ(Not<Not<Positive>>::test(e, c), Positive::test(e, c));
        }
}

}  // namespace
}  // namespace cascadelab::msm_support
