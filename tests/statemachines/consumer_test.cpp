// The consumer machine: every row and its processing timeout.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>

#include <set>  // std::set

#include "statemachines/config_error.hpp"
#include "statemachines/consumer.hpp"
#include "tests/statemachines/fake_effects.hpp"

namespace cascadelab {
namespace {

using namespace literals;
using testing::FakeEffects;

const Time t0 = Time::zero();

TEST(Consumer, EveryTableRowIsTakenAndTimeoutsAreTimed) {
    FakeEffects fx;
    Consumer c{ConsumerConfig{200_ms}, 3, fx};
    std::set<std::string> taken;
    auto step = [&](std::string_view event, auto&& f) {
        const auto before = c.state();
        f();
        taken.insert(row_key(name(before), event, name(c.state()), c.last_row_guard()));
    };
    step("MessageDelivered", [&] { c.message_delivered(t0, 42); });
    EXPECT_EQ(c.current_message(), 42u);
    EXPECT_EQ(fx.timers.at({TimerKind::ConsumerProcessingTimeout, 3}), 200_ms);
    step("ProcessingFinished", [&] { c.processing_finished(t0); });
    EXPECT_FALSE(fx.timer_running(TimerKind::ConsumerProcessingTimeout, 3));
    step("MessageDelivered", [&] { c.message_delivered(t0, 43); });
    fx.timers.clear();  // the timer fires
    step("ProcessingTimedOut", [&] { c.processing_timed_out(t0); });
    EXPECT_EQ(c.timeouts(), 1u);
    step("MessageDelivered", [&] { c.message_delivered(t0, 44); });
    step("ConsumerStopped", [&] { c.stopped(t0); });
    EXPECT_EQ(c.current_message(), 0u);
    step("ConsumerStarted", [&] { c.started(t0); });
    step("ConsumerStopped", [&] { c.stopped(t0); });
    EXPECT_EQ(name(c.state()), "Stopped");
    for (const auto& key : all_row_keys(Consumer::describe())) EXPECT_TRUE(taken.count(key)) << "row never taken: " << key;
    EXPECT_EQ(c.processed(), 1u);
    EXPECT_EQ(c.unhandled_events(), 0u);
}

TEST(Consumer, ABusyConsumerCannotTakeASecondMessage) {
    FakeEffects fx;
    Consumer c{ConsumerConfig{}, 1, fx};
    c.message_delivered(t0, 1);
    c.message_delivered(t0, 2);
    EXPECT_EQ(c.unhandled_events(), 1u);
    EXPECT_EQ(c.current_message(), 1u);
}

TEST(ConsumerConfig, RejectsBadValues) {
    try {
        ConsumerConfig{Duration::zero() - 1_ms}.validate();
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "consumer.processing_timeout = -1ms: must be zero or positive");
    }
}

// ---- The machine against a plain reference model (rapidcheck/state.h) ----
namespace reference {

struct Model {
    bool has_timeout;
    ConsumerState state = ConsumerState::Idle;
    std::uint64_t message = 0;
    std::uint64_t processed = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t unhandled = 0;
    bool timer = false;
    std::uint64_t next_message = 1;
};

constexpr std::uint64_t kId = 3;

struct Sut {
    FakeEffects fx;
    Consumer consumer;
    explicit Sut(const ConsumerConfig& c) : consumer(c, kId, fx) {}
};

void check_agreement(const Model& m, const Sut& s) {
    RC_ASSERT(s.consumer.state() == m.state);
    RC_ASSERT(s.consumer.current_message() == m.message);
    RC_ASSERT(s.consumer.processed() == m.processed);
    RC_ASSERT(s.consumer.timeouts() == m.timeouts);
    RC_ASSERT(s.consumer.unhandled_events() == m.unhandled);
    RC_ASSERT(s.fx.timer_running(TimerKind::ConsumerProcessingTimeout, kId) == m.timer);
}

template <class Derived>
struct Step : rc::state::Command<Model, Sut> {
    void run(const Model& m, Sut& s) const override {
        static_cast<const Derived*>(this)->send(m, s);
        Model after = m;
        this->apply(after);
        check_agreement(after, s);
    }
};

struct Deliver : Step<Deliver> {
    void apply(Model& m) const override {
        const std::uint64_t id = m.next_message++;
        if (m.state != ConsumerState::Idle) return void(++m.unhandled);
        m.state = ConsumerState::Busy;
        m.message = id;
        m.timer = m.has_timeout;
    }
    void send(const Model& m, Sut& s) const { s.consumer.message_delivered(Time::zero(), m.next_message); }
    void show(std::ostream& os) const override { os << "Deliver"; }
};
struct Finish : Step<Finish> {
    void apply(Model& m) const override {
        if (m.state != ConsumerState::Busy) return void(++m.unhandled);
        m.state = ConsumerState::Idle;
        m.message = 0;
        ++m.processed;
        m.timer = false;
    }
    void send(const Model&, Sut& s) const { s.consumer.processing_finished(Time::zero()); }
    void show(std::ostream& os) const override { os << "Finish"; }
};
struct TimedOut : Step<TimedOut> {
    void checkPreconditions(const Model& m) const override { RC_PRE(m.timer); }  // only a running timer fires
    void apply(Model& m) const override {
        m.state = ConsumerState::Idle;
        m.message = 0;
        ++m.timeouts;
        m.timer = false;
    }
    void send(const Model&, Sut& s) const {
        s.fx.timers.erase({TimerKind::ConsumerProcessingTimeout, kId});
        s.consumer.processing_timed_out(Time::zero());
    }
    void show(std::ostream& os) const override { os << "TimedOut"; }
};
struct Stop : Step<Stop> {
    void apply(Model& m) const override {
        if (m.state == ConsumerState::Stopped) return void(++m.unhandled);
        m.state = ConsumerState::Stopped;
        m.message = 0;
        m.timer = false;
    }
    void send(const Model&, Sut& s) const { s.consumer.stopped(Time::zero()); }
    void show(std::ostream& os) const override { os << "Stop"; }
};
struct Start : Step<Start> {
    void apply(Model& m) const override {
        if (m.state != ConsumerState::Stopped) return void(++m.unhandled);
        m.state = ConsumerState::Idle;
    }
    void send(const Model&, Sut& s) const { s.consumer.started(Time::zero()); }
    void show(std::ostream& os) const override { os << "Start"; }
};

}  // namespace reference

RC_GTEST_PROP(Consumer, AgreesWithTheReferenceModel, ()) {
    const bool has_timeout = *rc::gen::arbitrary<bool>();
    const ConsumerConfig c{has_timeout ? 200_ms : Duration::zero()};
    reference::Model model{has_timeout};
    reference::Sut sut{c};
    rc::state::check(model, sut,
                     rc::state::gen::execOneOfWithArgs<reference::Deliver, reference::Finish, reference::TimedOut,
                                                       reference::Stop, reference::Start>());
}

}  // namespace
}  // namespace cascadelab
