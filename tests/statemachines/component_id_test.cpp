// A component's display name follows from its kind and place; logic reads the fields.
#include <set>        // std::set
#include <stdexcept>  // std::out_of_range

#include <gtest/gtest.h>

#include "statemachines/component_id.hpp"

namespace cascadelab {
namespace {

TEST(ComponentId, TheFirstPlaceHasThePlainName) {
    EXPECT_EQ((ComponentId{ComponentKind::Breaker}.name()), "breaker");
    EXPECT_EQ((ComponentId{ComponentKind::Bulkhead}.name()), "bulkhead");
    EXPECT_EQ((ComponentId{ComponentKind::RetryBudget}.name()), "retry-budget");
    EXPECT_EQ((ComponentId{ComponentKind::Retry}.name()), "retry");
    EXPECT_EQ((ComponentId{ComponentKind::Message}.name()), "message");
    EXPECT_EQ((ComponentId{ComponentKind::Consumer}.name()), "consumer");
}

TEST(ComponentId, RpcMachinesCountTiersAndEventMachinesStages) {
    EXPECT_EQ((ComponentId{ComponentKind::Breaker, 1}.name()), "tier2.breaker");
    EXPECT_EQ((ComponentId{ComponentKind::Retry, 7}.name()), "tier8.retry");
    EXPECT_EQ((ComponentId{ComponentKind::Message, 2}.name()), "stage3.message");
    EXPECT_EQ((ComponentId{ComponentKind::Consumer, 1}.name()), "stage2.consumer");
}

TEST(ComponentId, EveryKindAndPlaceHasItsOwnName) {
    std::set<std::string_view> names;
    for (int k = 0; k <= static_cast<int>(ComponentKind::Consumer); ++k)
        for (std::size_t p = 0; p < kMaxPlaces; ++p)
            names.insert(ComponentId{static_cast<ComponentKind>(k), place_of(p)}.name());
    EXPECT_EQ(names.size(), 6 * kMaxPlaces);
}

TEST(ComponentId, OnlyTheTiersSharedMachinesAreShared) {
    EXPECT_TRUE((ComponentId{ComponentKind::Breaker, 3}.shared()));
    EXPECT_TRUE((ComponentId{ComponentKind::Bulkhead}.shared()));
    EXPECT_TRUE((ComponentId{ComponentKind::RetryBudget}.shared()));
    EXPECT_FALSE((ComponentId{ComponentKind::Retry}.shared()));
    EXPECT_FALSE((ComponentId{ComponentKind::Message}.shared()));
    EXPECT_FALSE((ComponentId{ComponentKind::Consumer}.shared()));
}

TEST(ComponentId, APlacePastTheLastIsRefused) {
    EXPECT_EQ(place_of(kMaxPlaces - 1), kMaxPlaces - 1);
    EXPECT_THROW(place_of(kMaxPlaces), std::out_of_range);
    EXPECT_THROW((ComponentId{ComponentKind::Breaker, static_cast<std::uint8_t>(kMaxPlaces)}.name()), std::out_of_range);
}

}  // namespace
}  // namespace cascadelab
