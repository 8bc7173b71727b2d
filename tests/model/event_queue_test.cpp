// The event queue: (time, insertion sequence) order.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <algorithm>  // std::stable_sort
#include <string>     // std::string
#include <tuple>      // std::tuple
#include <vector>     // std::vector

#include "model/kernel/event_queue.hpp"
#include "model/kernel/radix_event_queue.hpp"

namespace cascadelab {
namespace {

using namespace literals;

TEST(EventQueue, PopsEarliestFirst) {
    EventQueue<int> q;
    q.push(Time::zero() + 30_ms, 3);
    q.push(Time::zero() + 10_ms, 1);
    q.push(Time::zero() + 20_ms, 2);
    EXPECT_EQ(q.pop().event, 1);
    EXPECT_EQ(q.pop().event, 2);
    EXPECT_EQ(q.pop().event, 3);
    EXPECT_TRUE(q.empty());
}

TEST(EventQueue, TiesComeOutInSchedulingOrder) {
    EventQueue<char> q;
    const Time t = Time::zero() + 5_ms;
    for (char c : std::string{"cascade"}) q.push(t, c);
    std::string out;
    while (!q.empty()) out += q.pop().event;
    EXPECT_EQ(out, "cascade");
}

TEST(EventQueue, SequenceNumbersIncrease) {
    EventQueue<int> q;
    const auto a = q.push(Time::zero() + 1_s, 0);
    const auto b = q.push(Time::zero(), 0);
    EXPECT_LT(a, b);
    EXPECT_EQ(q.top().seq, b);
}

// For any schedule, interleaving pushes and pops, the entries pop in (time, seq) order: each
// popped entry is the minimum of what was in the queue at that moment.
RC_GTEST_PROP(EventQueue, PopsInTimeThenSequenceOrder, (const std::vector<std::pair<std::uint16_t, bool>>& ops)) {
    EventQueue<std::size_t> q;
    struct Item { std::int64_t at; std::uint64_t seq; };
    std::vector<Item> pending;  // the reference: an unsorted bag
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const auto [time_ms, pop_now] = ops[i];
        if (pop_now && !pending.empty()) {
            auto best = std::min_element(pending.begin(), pending.end(), [](const Item& a, const Item& b) {
                return a.at != b.at ? a.at < b.at : a.seq < b.seq;
            });
            const auto e = q.pop();
            RC_ASSERT(e.at.us() == best->at);
            RC_ASSERT(e.seq == best->seq);
            pending.erase(best);
        } else {
            const Time at = Time::zero() + Duration::millis(time_ms % 16);  // few times: many ties
            const auto seq = q.push(at, i);
            pending.push_back({at.us(), seq});
        }
    }
    // Drain: non-decreasing (time, seq).
    std::int64_t last_at = -1;
    std::uint64_t last_seq = 0;
    while (!q.empty()) {
        const auto e = q.pop();
        RC_ASSERT(e.at.us() > last_at || (e.at.us() == last_at && e.seq > last_seq));
        last_at = e.at.us();
        last_seq = e.seq;
    }
}


// The simulator's radix heap pops exactly what the 4-ary heap pops, for any schedule a clock that
// never goes back can make: pushes at or after the last pop (many ties, near and far times), pops,
// and peeks that look past the clock before an earlier push (a run slice ending at `until`).
RC_GTEST_PROP(RadixEventQueue, PopsWhatTheHeapPops, (const std::vector<std::tuple<std::uint8_t, std::uint32_t>>& ops)) {
    EventQueue<std::size_t> reference;
    RadixEventQueue<std::size_t> radix;
    std::int64_t clock = 0;  // the time of the last pop
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const auto [op, amount] = ops[i];
        switch (op % 4) {
            case 0:
            case 1: {  // push: a tie, a near time or a far one
                const unsigned spread = (op / 4U) % 4U;  // ties, ties, near, anywhere in 71 minutes
                const std::int64_t delta = spread < 2 ? amount % 4 : spread == 2 ? amount % 5000 : amount;
                const Time at = Time::zero() + Duration::micros(clock + delta);
                radix.push(at, i);  // the event is its push index: unique, so it names the entry
                reference.push(at, i);
                break;
            }
            case 2:  // pop
                if (!reference.empty()) {
                    const auto want = reference.pop();
                    // What it tells ahead (for prefetching), when it tells, is what pops.
                    if (const std::size_t* next = radix.next_if_known()) RC_ASSERT(*next == want.event);
                    const auto got = radix.pop();
                    RC_ASSERT(got.at == want.at);
                    RC_ASSERT(got.event == want.event);
                    clock = got.at.us();
                }
                break;
            case 3:  // peek
                if (!reference.empty()) RC_ASSERT(radix.top_time() == reference.top().at);
                break;
        }
        RC_ASSERT(radix.size() == reference.size());
    }
    while (!reference.empty()) RC_ASSERT(radix.pop().event == reference.pop().event);
    RC_ASSERT(radix.empty());
}

TEST(RadixEventQueue, APushBeforeWhatAPeekSawStillPopsFirst) {
    RadixEventQueue<char> q;
    q.push(Time::zero() + 10_ms, 'b');
    EXPECT_EQ(q.top_time(), Time::zero() + 10_ms);  // the peek moves 'b' to the front
    q.push(Time::zero() + 5_ms, 'a');  // not before the clock (0), but before 'b'
    q.push(Time::zero() + 10_ms, 'c');
    std::string out;
    while (!q.empty()) out += q.pop().event;
    EXPECT_EQ(out, "abc");
}

TEST(RadixEventQueue, TiesComeOutInSchedulingOrderAcrossRedistributions) {
    RadixEventQueue<char> q;
    q.push(Time::zero() + 1_s, 'c');   // far: a high bucket
    q.push(Time::zero() + 1_ms, 'x');
    EXPECT_EQ(q.pop().event, 'x');     // clock 1 ms: 'c' is redistributed later
    q.push(Time::zero() + 1_s, 'a');   // same time as 'c', later sequence
    q.push(Time::zero() + 1_s, 'd');
    std::string out;
    while (!q.empty()) out += q.pop().event;
    EXPECT_EQ(out, "cad");
}

}  // namespace
}  // namespace cascadelab
