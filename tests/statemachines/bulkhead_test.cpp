// The bulkhead: every row, FIFO hand-over, bounded waits, and a stateful test against a
// plain-C++ reference model.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <deque>  // std::deque
#include <set>    // std::set

#include "statemachines/bulkhead.hpp"
#include "statemachines/config_error.hpp"
#include "tests/statemachines/fake_effects.hpp"

namespace cascadelab {
namespace {

using namespace literals;
using testing::FakeEffects;

const Time t0 = Time::zero();

// Wraps the bulkhead and records the key of every row taken.
struct Driver {
    explicit Driver(BulkheadConfig c) : bulkhead(c, fx) {}
    PermitDecision request(std::uint64_t id) {
        const auto before = bulkhead.state();
        const auto d = bulkhead.permit_requested(t0, id);
        note(before, "PermitRequested");
        return d;
    }
    void release() {
        const auto before = bulkhead.state();
        bulkhead.permit_released(t0);
        note(before, "PermitReleased");
    }
    void expire(std::uint64_t id) {
        const auto before = bulkhead.state();
        bulkhead.wait_expired(t0, id);
        note(before, "WaitExpired");
    }
    void note(BulkheadState before, std::string_view event) {
        taken.insert(row_key(name(before), event, name(bulkhead.state()), bulkhead.last_row_guard()));
    }
    FakeEffects fx;
    Bulkhead bulkhead;
    std::set<std::string> taken;
};

TEST(Bulkhead, RejectsAtOnceWhenSaturatedWithZeroWait) {
    Driver d{BulkheadConfig{2, Duration::zero()}};
    EXPECT_EQ(d.request(1), PermitDecision::Admitted);
    EXPECT_EQ(d.bulkhead.state(), BulkheadState::Available);
    EXPECT_EQ(d.request(2), PermitDecision::Admitted);
    EXPECT_EQ(d.bulkhead.state(), BulkheadState::Saturated);
    EXPECT_EQ(d.request(3), PermitDecision::Rejected);
    d.release();
    EXPECT_EQ(d.bulkhead.state(), BulkheadState::Available);
    EXPECT_EQ(d.bulkhead.active(), 1u);
    EXPECT_EQ(d.fx.transitions, (std::vector<std::string>{"bulkhead: Available --PermitRequested--> Saturated #2",
                                                          "bulkhead: Saturated --PermitReleased--> Available"}));
}

TEST(Bulkhead, WaitersAreServedInArrivalOrderAndKeepTheirSlot) {
    Driver d{BulkheadConfig::tutorial()};
    for (std::uint64_t id = 1; id <= 40; ++id) ASSERT_EQ(d.request(id), PermitDecision::Admitted);
    EXPECT_EQ(d.request(41), PermitDecision::Queued);
    EXPECT_EQ(d.request(42), PermitDecision::Queued);
    EXPECT_TRUE(d.fx.timers.empty());  // unbounded wait: no timers
    d.release();
    d.release();
    EXPECT_EQ(d.fx.granted, (std::vector<std::uint64_t>{41, 42}));
    EXPECT_EQ(d.bulkhead.active(), 40u);
    EXPECT_EQ(d.bulkhead.state(), BulkheadState::Saturated);
}

TEST(Bulkhead, BoundedWaitExpiresAndBoundedQueueRejects) {
    Driver d{BulkheadConfig{1, 50_ms, 1}};
    EXPECT_EQ(d.request(1), PermitDecision::Admitted);
    EXPECT_EQ(d.request(2), PermitDecision::Queued);
    EXPECT_EQ(d.fx.timers.at({TimerKind::BulkheadWait, 2}), 50_ms);
    EXPECT_EQ(d.request(3), PermitDecision::Rejected);  // queue full
    d.expire(2);
    EXPECT_EQ(d.fx.rejected, (std::vector<std::uint64_t>{2}));
    EXPECT_EQ(d.bulkhead.waiting(), 0u);
    EXPECT_EQ(d.bulkhead.rejected(), 2u);
}

TEST(Bulkhead, GrantCancelsTheWaitTimer) {
    Driver d{BulkheadConfig{1, 50_ms}};
    d.request(1);
    d.request(2);
    d.release();
    EXPECT_FALSE(d.fx.timer_running(TimerKind::BulkheadWait, 2));
    EXPECT_EQ(d.fx.granted, (std::vector<std::uint64_t>{2}));
}

TEST(Bulkhead, AnExpiryWhileAvailableIsAModellingError) {
    Driver d{BulkheadConfig{2, 50_ms}};
    d.expire(7);
    EXPECT_EQ(d.bulkhead.unhandled_events(), 1u);
}

TEST(Bulkhead, EveryTableRowIsTaken) {
    Driver d{BulkheadConfig{2, 50_ms, 1}};
    d.request(1);  // slots_to_spare
    d.release();   // Available release
    d.request(1);
    d.request(2);  // last_slot -> Saturated
    d.request(3);  // may_wait
    d.request(4);  // !may_wait (queue full)
    d.expire(3);   // give_up_waiting
    d.request(5);
    d.release();   // waiter_present
    d.release();
    d.release();   // no_waiter -> Available
    // A bulkhead of no slots leaves Available at once (Resilience4j allows maxConcurrentCalls 0).
    Driver none{BulkheadConfig{0}};
    EXPECT_EQ(none.bulkhead.state(), BulkheadState::Saturated);
    d.taken.insert(row_key("Available", "", "Saturated", "no_capacity"));
    for (const auto& key : all_row_keys(Bulkhead::describe())) EXPECT_TRUE(d.taken.count(key)) << "row never taken: " << key;
    EXPECT_EQ(d.bulkhead.unhandled_events(), 0u);
}

TEST(BulkheadConfig, RejectsBadValuesNamingFieldAndValue) {
    try {
        BulkheadConfig{1'000'001}.validate();
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "bulkhead.max_concurrent_calls = 1000001: must be in [0, 1000000]");
    }
    EXPECT_NO_THROW(BulkheadConfig{0}.validate());
    try {
        BulkheadConfig{4, Duration::zero() - 1_ms}.validate();
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "bulkhead.max_wait_duration = -1ms: must be zero or positive");
    }
}

// ---- Stateful test: the machine beside a plain reference model ----

struct Model {
    std::uint32_t limit;
    std::uint32_t queue_limit;
    bool may_wait;
    std::uint32_t active = 0;
    std::deque<std::uint64_t> waiters{};
    std::uint64_t next_id = 1;
    std::vector<std::uint64_t> granted{};
    std::vector<std::uint64_t> rejected_late{};
};

struct Sut {
    FakeEffects fx;
    Bulkhead bulkhead;
    explicit Sut(const BulkheadConfig& c) : bulkhead(c, fx) {}
};

void check_agreement(const Model& m, const Sut& s) {
    RC_ASSERT(s.bulkhead.active() == m.active);
    RC_ASSERT(s.bulkhead.waiting() == m.waiters.size());
    RC_ASSERT(s.bulkhead.state() == (m.active >= m.limit ? BulkheadState::Saturated : BulkheadState::Available));
    RC_ASSERT(s.fx.granted == m.granted);
    RC_ASSERT(s.fx.rejected == m.rejected_late);
    RC_ASSERT(s.bulkhead.active() <= m.limit);  // the bulkhead bound
    RC_ASSERT(s.bulkhead.unhandled_events() == 0u);
}

struct Request : rc::state::Command<Model, Sut> {
    void apply(Model& m) const override {
        const std::uint64_t id = m.next_id++;
        if (m.active < m.limit) ++m.active;
        else if (m.may_wait && m.waiters.size() < m.queue_limit) m.waiters.push_back(id);
    }
    void run(const Model& m, Sut& s) const override {
        s.bulkhead.permit_requested(t0, m.next_id);
        Model after = m;
        apply(after);
        check_agreement(after, s);
    }
    void show(std::ostream& os) const override { os << "Request"; }
};

struct Release : rc::state::Command<Model, Sut> {
    void checkPreconditions(const Model& m) const override { RC_PRE(m.active > 0); }
    void apply(Model& m) const override {
        if (!m.waiters.empty()) {
            m.granted.push_back(m.waiters.front());
            m.waiters.pop_front();
        } else {
            --m.active;
        }
    }
    void run(const Model& m, Sut& s) const override {
        s.bulkhead.permit_released(t0);
        Model after = m;
        apply(after);
        check_agreement(after, s);
    }
    void show(std::ostream& os) const override { os << "Release"; }
};

struct Expire : rc::state::Command<Model, Sut> {
    std::size_t which = *rc::gen::inRange<std::size_t>(0, 64);
    void checkPreconditions(const Model& m) const override { RC_PRE(!m.waiters.empty()); }
    std::uint64_t id(const Model& m) const { return m.waiters[which % m.waiters.size()]; }
    void apply(Model& m) const override {
        const auto victim = id(m);
        m.waiters.erase(std::find(m.waiters.begin(), m.waiters.end(), victim));
        m.rejected_late.push_back(victim);
    }
    void run(const Model& m, Sut& s) const override {
        s.bulkhead.wait_expired(t0, id(m));
        Model after = m;
        apply(after);
        check_agreement(after, s);
    }
    void show(std::ostream& os) const override { os << "Expire(" << which << ")"; }
};

RC_GTEST_PROP(Bulkhead, AgreesWithTheReferenceModel, ()) {
    const auto limit = *rc::gen::inRange<std::uint32_t>(1, 6);
    const auto queue_limit = *rc::gen::inRange<std::uint32_t>(1, 6);
    const bool may_wait = *rc::gen::arbitrary<bool>();
    const BulkheadConfig config{limit, may_wait ? 100_ms : Duration::zero(), queue_limit};
    Model model{limit, queue_limit, may_wait};
    Sut sut{config};
    rc::state::check(model, sut, rc::state::gen::execOneOfWithArgs<Request, Release, Expire>());
}

}  // namespace
}  // namespace cascadelab
