// Named counters.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include "model/counters.hpp"

namespace cascadelab {
namespace {

TEST(Counters, AddGetAndMissingIsZero) {
    Counters c;
    c.add("retries");
    c.add("retries", 2);
    EXPECT_EQ(c.get("retries"), 3u);
    EXPECT_EQ(c.get("timeouts"), 0u);
}

TEST(Counters, IterateInNameOrderAndMerge) {
    Counters a, b;
    a.add("timeouts", 1);
    a.add("dlq", 2);
    b.add("dlq", 3);
    b.add("acked", 4);
    a.merge(b);
    std::string order;
    for (const auto& [name, value] : a.all()) order += fmt::format("{}={} ", name, value);
    EXPECT_EQ(order, "acked=4 dlq=5 timeouts=1 ");
}

}  // namespace
}  // namespace cascadelab
