// The slot pool: stable slots across growth, reuse of released ones, indexing across blocks.
#include <gtest/gtest.h>

#include <cstdint>  // std::uint32_t
#include <vector>   // std::vector

#include "model/kernel/slot_pool.hpp"

namespace cascadelab {
namespace {

struct Thing {
    std::uint64_t value = 7;  // a new slot is default-constructed
};

TEST(SlotPool, SlotsNeverMoveWhenThePoolGrows) {
    SlotPool<Thing> pool;
    const std::uint32_t first = pool.acquire();
    Thing* held = &pool[first];  // a caller holds this while it starts an inner request
    for (int i = 0; i < 5000; ++i) pool.acquire();
    EXPECT_EQ(&pool[first], held);
    EXPECT_EQ(pool.size(), 5001U);
}

TEST(SlotPool, EverySlotIsItsOwnAcrossBlocks) {
    SlotPool<Thing> pool;
    std::vector<std::uint32_t> slots;
    for (int i = 0; i < 1000; ++i) slots.push_back(pool.acquire());
    for (std::uint32_t s : slots) EXPECT_EQ(pool[s].value, 7U);
    for (std::uint32_t s : slots) pool[s].value = s;
    for (std::uint32_t s : slots) EXPECT_EQ(pool[s].value, s);
}

TEST(SlotPool, AReleasedSlotIsReusedAsItWasLeft) {
    SlotPool<Thing> pool;
    const std::uint32_t a = pool.acquire();
    const std::uint32_t b = pool.acquire();
    pool[a].value = 41;
    pool.release(a);
    EXPECT_EQ(pool.acquire(), a);  // no new slot while one is free
    EXPECT_EQ(pool[a].value, 41U);
    EXPECT_NE(pool.acquire(), b);
    EXPECT_EQ(pool.size(), 3U);
}

}  // namespace
}  // namespace cascadelab
