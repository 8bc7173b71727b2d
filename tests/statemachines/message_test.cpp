// The message machine: every row, and dead-letter routing after exactly max_deliveries.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <rapidcheck/state.h>

#include <set>  // std::set

#include "statemachines/config_error.hpp"
#include "statemachines/message.hpp"
#include "tests/statemachines/fake_effects.hpp"

namespace cascadelab {
namespace {

using namespace literals;
using testing::FakeEffects;

Time at(Duration d) { return Time::zero() + d; }

struct Driver {
    explicit Driver(MessageConfig c) : config(c), rng(5), message(config, 11, fx, rng) {}
    template <class F>
    void step(std::string_view event, F&& f) {
        const auto before = message.state();
        f();
        taken.insert(row_key(name(before), event, name(message.state()), message.last_row_guard()));
    }
    MessageConfig config;
    FakeEffects fx;
    Rng rng;
    Message message;
    std::set<std::string> taken;
};

TEST(Message, TutorialMessageIsDeadLetteredAfterFourDeliveries) {
    Driver d{MessageConfig::tutorial()};
    d.message.published(at(0_ms), true);
    for (int i = 0; i < 3; ++i) {
        d.message.delivered(at(1_ms));
        d.message.processing_failed(at(2_ms));
        EXPECT_EQ(name(d.message.state()), "RetryWaiting");
        EXPECT_TRUE(d.fx.timer_running(TimerKind::MessageRedelivery, 11));
        d.message.redelivery_due(at(3_ms), true);
    }
    EXPECT_EQ(d.fx.requeued.size(), 3u);
    EXPECT_FALSE(d.fx.requeued.front().second);  // to the back
    d.message.delivered(at(4_ms));
    d.message.processing_failed(at(5_ms));
    EXPECT_EQ(name(d.message.state()), "DeadLettered");
    EXPECT_EQ(d.fx.dead_lettered, (std::vector<std::uint64_t>{11}));
    EXPECT_EQ(d.message.deliveries(), 4u);
    EXPECT_TRUE(d.message.finished());
}

TEST(Message, EveryTableRowIsTaken) {
    std::set<std::string> taken;
    MessageConfig c;
    c.max_deliveries = 2;
    c.requeue_position = RequeuePosition::NearHead;
    {
        Driver d{c};
        d.step("Published", [&] { d.message.published(at(0_ms), true); });
        d.step("Delivered", [&] { d.message.delivered(at(1_ms)); });
        d.step("ProcessingFailed", [&] { d.message.processing_failed(at(2_ms)); });
        d.step("RedeliveryDue", [&] { d.message.redelivery_due(at(3_ms), true); });
        EXPECT_TRUE(d.fx.requeued.front().second);  // near the head
        d.step("Delivered", [&] { d.message.delivered(at(4_ms)); });
        d.step("ProcessingFailed", [&] { d.message.processing_failed(at(5_ms)); });
        taken.insert(d.taken.begin(), d.taken.end());
    }
    {
        Driver d{c};
        d.step("Published", [&] { d.message.published(at(0_ms), false); });
        taken.insert(d.taken.begin(), d.taken.end());
    }
    {
        Driver d{c};
        d.step("Published", [&] { d.message.published(at(0_ms), true); });
        d.step("Delivered", [&] { d.message.delivered(at(1_ms)); });
        d.step("ProcessingFailed", [&] { d.message.processing_failed(at(2_ms)); });
        d.step("RedeliveryDue", [&] { d.message.redelivery_due(at(3_ms), false); });
        taken.insert(d.taken.begin(), d.taken.end());
    }
    {
        Driver d{c};
        d.step("Published", [&] { d.message.published(at(0_ms), true); });
        d.step("Delivered", [&] { d.message.delivered(at(1_ms)); });
        d.step("ProcessingSucceeded", [&] { d.message.processing_succeeded(at(2_ms)); });
        taken.insert(d.taken.begin(), d.taken.end());
    }
    for (const auto& key : all_row_keys(Message::describe())) EXPECT_TRUE(taken.count(key)) << "row never taken: " << key;
}

TEST(Message, DeliveringAFinishedMessageIsAModellingError) {
    Driver d{MessageConfig{}};
    d.message.published(at(0_ms), false);
    d.message.delivered(at(1_ms));
    EXPECT_EQ(d.message.unhandled_events(), 1u);
}

TEST(MessageConfig, RejectsBadValues) {
    MessageConfig c;
    c.max_deliveries = 0;
    try {
        c.validate();
        FAIL();
    } catch (const ConfigError& e) {
        EXPECT_STREQ(e.what(), "message.max_deliveries = 0: must be at least 1 (it counts the first delivery)");
    }
}

// A message that always fails reaches the dead-letter queue after exactly max_deliveries
// deliveries, and the time it spends waiting between them is at most (max_deliveries - 1) caps.
RC_GTEST_PROP(Message, AlwaysFailingMessageIsDeadLetteredOnTime, (std::uint64_t seed)) {
    MessageConfig c;
    c.max_deliveries = *rc::gen::inRange<std::uint32_t>(1, 25);
    c.redelivery_backoff.jitter = *rc::gen::element(Jitter::None, Jitter::Full, Jitter::Equal, Jitter::Decorrelated);
    FakeEffects fx;
    Rng rng{seed};
    Message m{c, 1, fx, rng};
    Time now = Time::zero();
    m.published(now, true);
    std::uint32_t deliveries = 0;
    while (!m.finished()) {
        m.delivered(now);
        ++deliveries;
        m.processing_failed(now);
        if (m.state() == MessageState::RetryWaiting) {
            now += m.last_backoff();
            m.redelivery_due(now, true);
        }
        RC_ASSERT(deliveries <= c.max_deliveries);
    }
    RC_ASSERT(m.state() == MessageState::DeadLettered);
    RC_ASSERT(deliveries == c.max_deliveries);
    RC_ASSERT(now - Time::zero() <= c.redelivery_backoff.cap * static_cast<std::int64_t>(c.max_deliveries - 1));
    RC_ASSERT(fx.dead_lettered == std::vector<std::uint64_t>{1});
    RC_ASSERT(m.unhandled_events() == 0u);
}

// ---- The machine against a plain reference model (rapidcheck/state.h) ----
// Every command may come in any state: one the state does not accept must be counted as a
// modelling error, and change nothing.
namespace reference {

struct Model {
    std::uint32_t max_deliveries;
    bool near_head;
    MessageState state = MessageState::Created;
    std::uint32_t deliveries = 0;
    std::uint64_t unhandled = 0;
    std::vector<std::pair<std::uint64_t, bool>> requeued{};
    std::vector<std::uint64_t> dead_lettered{};
    bool redelivery_timer = false;
};

constexpr std::uint64_t kId = 11;

struct Sut {
    MessageConfig config;
    FakeEffects fx;
    Rng rng{5};
    Message message;
    explicit Sut(const MessageConfig& c) : config(c), message(config, kId, fx, rng) {}
};

void check_agreement(const Model& m, const Sut& s) {
    RC_ASSERT(s.message.state() == m.state);
    RC_ASSERT(s.message.deliveries() == m.deliveries);
    RC_ASSERT(s.message.unhandled_events() == m.unhandled);
    RC_ASSERT(s.fx.requeued == m.requeued);
    RC_ASSERT(s.fx.dead_lettered == m.dead_lettered);
    RC_ASSERT(s.fx.timer_running(TimerKind::MessageRedelivery, kId) == m.redelivery_timer);
    if (m.redelivery_timer) {
        RC_ASSERT(s.fx.timers.at({TimerKind::MessageRedelivery, kId}) == s.message.last_backoff());
        RC_ASSERT(s.message.last_backoff() <= s.config.redelivery_backoff.cap);
    }
    RC_ASSERT(s.message.finished() == (m.state == MessageState::Acked || m.state == MessageState::DeadLettered ||
                                      m.state == MessageState::Dropped));
}

template <class Derived>
struct Step : rc::state::Command<Model, Sut> {
    void run(const Model& m, Sut& s) const override {
        static_cast<const Derived*>(this)->send(s);
        Model after = m;
        this->apply(after);
        check_agreement(after, s);
    }
};

struct Publish : Step<Publish> {
    bool room = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
    void apply(Model& m) const override {
        if (m.state != MessageState::Created) return void(++m.unhandled);
        m.state = room ? MessageState::Queued : MessageState::Dropped;
    }
    void send(Sut& s) const { s.message.published(Time::zero(), room); }
    void show(std::ostream& os) const override { os << "Publish(" << (room ? "room" : "full") << ")"; }
};
struct Deliver : Step<Deliver> {
    void apply(Model& m) const override {
        if (m.state != MessageState::Queued) return void(++m.unhandled);
        m.state = MessageState::InFlight;
        ++m.deliveries;
    }
    void send(Sut& s) const { s.message.delivered(Time::zero()); }
    void show(std::ostream& os) const override { os << "Deliver"; }
};
struct Succeed : Step<Succeed> {
    void apply(Model& m) const override {
        if (m.state != MessageState::InFlight) return void(++m.unhandled);
        m.state = MessageState::Acked;
    }
    void send(Sut& s) const { s.message.processing_succeeded(Time::zero()); }
    void show(std::ostream& os) const override { os << "Succeed"; }
};
struct Fail : Step<Fail> {
    void apply(Model& m) const override {
        if (m.state != MessageState::InFlight) return void(++m.unhandled);
        if (m.deliveries < m.max_deliveries) {
            m.state = MessageState::RetryWaiting;
            m.redelivery_timer = true;
        } else {
            m.state = MessageState::DeadLettered;
            m.dead_lettered.push_back(kId);
        }
    }
    void send(Sut& s) const { s.message.processing_failed(Time::zero()); }
    void show(std::ostream& os) const override { os << "Fail"; }
};
struct RedeliveryDue : Step<RedeliveryDue> {
    bool room = *rc::gen::weightedElement<bool>({{4, true}, {1, false}});
    void apply(Model& m) const override {
        if (m.state != MessageState::RetryWaiting) return void(++m.unhandled);
        m.redelivery_timer = false;  // it fired
        if (room) {
            m.state = MessageState::Queued;
            m.requeued.emplace_back(kId, m.near_head);
        } else {
            m.state = MessageState::Dropped;
        }
    }
    void send(Sut& s) const {
        s.fx.timers.erase({TimerKind::MessageRedelivery, kId});  // the owner feeds a fired timer back
        s.message.redelivery_due(Time::zero(), room);
    }
    void show(std::ostream& os) const override { os << "RedeliveryDue(" << (room ? "room" : "full") << ")"; }
};

}  // namespace reference

RC_GTEST_PROP(Message, AgreesWithTheReferenceModel, ()) {
    MessageConfig c = MessageConfig::tutorial();
    c.max_deliveries = *rc::gen::inRange<std::uint32_t>(1, 6);
    c.requeue_position = *rc::gen::element(RequeuePosition::Back, RequeuePosition::NearHead);
    c.redelivery_backoff.jitter = *rc::gen::element(Jitter::None, Jitter::Full, Jitter::Decorrelated);
    reference::Model model{c.max_deliveries, c.requeue_position == RequeuePosition::NearHead};
    reference::Sut sut{c};
    rc::state::check(model, sut,
                     rc::state::gen::execOneOfWithArgs<reference::Publish, reference::Deliver, reference::Succeed,
                                                       reference::Fail, reference::RedeliveryDue>());
}

}  // namespace
}  // namespace cascadelab
