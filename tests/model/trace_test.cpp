// The trace recorder and its stable hash.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <string>  // std::string
#include <vector>  // std::vector

#include "model/kernel/trace.hpp"

namespace cascadelab {
namespace {

using namespace literals;

TEST(TraceRecorder, OffRecordsNothing) {
    TraceRecorder off;
    off.record(Time::zero(), "breaker", "Closed", "CallFailed", "Open", 7);
    EXPECT_EQ(off.size(), 0u);
}

TEST(TraceRecorder, OnRecordsEveryField) {
    TraceRecorder on{true};
    const auto consumer = on.intern("consumer-" + std::to_string(3));
    on.record(Time::zero() + 12500_us, "breaker", "Closed", "CallFailed", "Open", 42);
    on.record(Time::zero() + 13_ms, consumer, "Idle", "MessageDelivered", "Busy");
    ASSERT_EQ(on.size(), 2u);
    EXPECT_EQ(on.entries()[0], (TraceEntry{Time::zero() + 12500_us, "breaker", "Closed", "CallFailed", "Open", 42}));
    EXPECT_EQ(on.entries()[1].component, "consumer-3");
}

TEST(TraceRecorder, FormatsOneFixedColumnLine) {
    const TraceEntry e{Time::zero() + 12500_us, "breaker", "Closed", "CallFailed", "Open", 42};
    EXPECT_EQ(format_trace_line(e), "     0.012500s  breaker          Closed         --CallFailed-->        Open           #42");
    const TraceEntry no_id{Time::zero(), "bulkhead", "Available", "CallAdmitted", "Saturated", 0};
    EXPECT_EQ(format_trace_line(no_id), "     0.000000s  bulkhead         Available      --CallAdmitted-->      Saturated");
}

TEST(TraceHash, IsStableAcrossBuilds) {
    // Pinned: replay files store this hash, so its encoding must never change silently.
    const std::vector<TraceEntry> t{{Time::zero() + 1_ms, "breaker", "Closed", "CallFailed", "Open", 1}};
    EXPECT_EQ(trace_hash(t), 12140778113700657122ULL);
    EXPECT_NE(trace_hash({}), trace_hash(t));
}

TEST(TraceHash, NameBoundariesMatter) {
    const std::vector<TraceEntry> a{{Time::zero(), "ab", "c", "e", "s", 0}};
    const std::vector<TraceEntry> b{{Time::zero(), "a", "bc", "e", "s", 0}};
    EXPECT_NE(trace_hash(a), trace_hash(b));
}

// Random traces: equal traces hash equal; changing any single field of any entry changes it.
struct Owned {
    std::int64_t at;
    std::string component, from, event, to;
    std::uint64_t id;
};

std::vector<TraceEntry> view(const std::vector<Owned>& owned) {
    std::vector<TraceEntry> out;
    for (const auto& o : owned) out.push_back({Time::at(Duration::micros(o.at)), o.component, o.from, o.event, o.to, o.id});
    return out;
}

RC_GTEST_PROP(TraceHash, EqualTracesHashEqual, (const std::vector<std::tuple<std::int64_t, std::string, std::string, std::uint64_t>>& raw)) {
    std::vector<Owned> a;
    for (const auto& [at, comp, ev, id] : raw) a.push_back({at, comp, "S", ev, "T", id});
    const std::vector<Owned> b = a;  // a distinct copy: equal content, different storage
    RC_ASSERT(trace_hash(view(a)) == trace_hash(view(b)));
}

RC_GTEST_PROP(TraceHash, AnySingleChangedFieldChangesTheHash, ()) {
    const auto raw = *rc::gen::nonEmpty(rc::gen::arbitrary<std::vector<std::tuple<std::int64_t, std::string, std::string, std::uint64_t>>>());
    std::vector<Owned> a;
    for (const auto& [at, comp, ev, id] : raw) a.push_back({at, comp, "Closed", ev, "Open", id});
    std::vector<Owned> b = a;
    const auto row = *rc::gen::inRange<std::size_t>(0, a.size());
    const int field = *rc::gen::inRange(0, 6);
    Owned& e = b[row];
    switch (field) {
        case 0: e.at += *rc::gen::nonZero<std::int64_t>(); break;
        case 1: e.component += *rc::gen::nonEmpty<std::string>(); break;
        case 2: e.from = "HalfOpen"; break;
        case 3: e.event += "!"; break;
        case 4: e.to = "ForcedOpen"; break;
        case 5: e.id += *rc::gen::nonZero<std::uint64_t>(); break;
    }
    RC_TAG(field);
    RC_ASSERT(trace_hash(view(a)) != trace_hash(view(b)));
}

}  // namespace
}  // namespace cascadelab
