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
    d.message.published(at(0_ms), Admission::Accepted);
    for (int i = 0; i < 3; ++i) {
        d.message.delivered(at(1_ms));
        d.message.processing_failed(at(2_ms));
        EXPECT_EQ(name(d.message.state()), "RetryWaiting");
        EXPECT_TRUE(d.fx.timer_running(TimerKind::MessageRedelivery, 11));
        d.message.redelivery_due(at(3_ms), Admission::Accepted);
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
        d.step("Published", [&] { d.message.published(at(0_ms), Admission::Accepted); });
        d.step("Delivered", [&] { d.message.delivered(at(1_ms)); });
        d.step("ProcessingFailed", [&] { d.message.processing_failed(at(2_ms)); });
        d.step("RedeliveryDue", [&] { d.message.redelivery_due(at(3_ms), Admission::Accepted); });
        EXPECT_TRUE(d.fx.requeued.front().second);  // near the head
        d.step("Delivered", [&] { d.message.delivered(at(4_ms)); });
        d.step("ProcessingFailed", [&] { d.message.processing_failed(at(5_ms)); });
        taken.insert(d.taken.begin(), d.taken.end());
    }
    {
        Driver d{c};
        d.step("Published", [&] { d.message.published(at(0_ms), Admission::Refused); });
        taken.insert(d.taken.begin(), d.taken.end());
    }
    {
        Driver d{c};
        d.step("Published", [&] { d.message.published(at(0_ms), Admission::Accepted); });
        d.step("Delivered", [&] { d.message.delivered(at(1_ms)); });
        d.step("ProcessingFailed", [&] { d.message.processing_failed(at(2_ms)); });
        d.step("RedeliveryDue", [&] { d.message.redelivery_due(at(3_ms), Admission::Refused); });
        taken.insert(d.taken.begin(), d.taken.end());
    }
    {
        Driver d{c};
        d.step("Published", [&] { d.message.published(at(0_ms), Admission::Accepted); });
        d.step("Delivered", [&] { d.message.delivered(at(1_ms)); });
        d.step("ProcessingSucceeded", [&] { d.message.processing_succeeded(at(2_ms)); });
        taken.insert(d.taken.begin(), d.taken.end());
    }
    {  // reject-publish-dlx, at the publish and at the requeue
        Driver d{c};
        d.step("Published", [&] { d.message.published(at(0_ms), Admission::RefusedToDeadLetter); });
        EXPECT_EQ(d.message.dead_letter_reason(), DeadLetterReason::MaxLength);
        Driver e{c};
        e.step("Published", [&] { e.message.published(at(0_ms), Admission::Accepted); });
        e.step("Delivered", [&] { e.message.delivered(at(1_ms)); });
        e.step("ProcessingFailed", [&] { e.message.processing_failed(at(2_ms)); });
        e.step("RedeliveryDue", [&] { e.message.redelivery_due(at(3_ms), Admission::RefusedToDeadLetter); });
        taken.insert(d.taken.begin(), d.taken.end());
        taken.insert(e.taken.begin(), e.taken.end());
    }
    {  // expired at the head; evicted from a full queue; rejected without requeue
        Driver d{c};
        d.step("Published", [&] { d.message.published(at(0_ms), Admission::Accepted); });
        d.step("Expired", [&] { d.message.expired(at(1_ms)); });
        EXPECT_EQ(d.message.dead_letter_reason(), DeadLetterReason::Expired);
        Driver e{c};
        e.step("Published", [&] { e.message.published(at(0_ms), Admission::Accepted); });
        e.step("Evicted", [&] { e.message.evicted(at(1_ms)); });
        EXPECT_EQ(e.message.dead_letter_reason(), DeadLetterReason::MaxLength);
        Driver f{c};
        f.step("Published", [&] { f.message.published(at(0_ms), Admission::Accepted); });
        f.step("Delivered", [&] { f.message.delivered(at(1_ms)); });
        f.step("ProcessingFailed", [&] { f.message.processing_failed(at(2_ms), AttemptOutcome::FatalError); });
        EXPECT_EQ(f.message.dead_letter_reason(), DeadLetterReason::Rejected);
        for (const Driver* x : {&d, &e, &f}) taken.insert(x->taken.begin(), x->taken.end());
    }
    {  // SQS: the visibility timeout runs out, once with receives left and once without
        MessageConfig v = MessageConfig::sqs(2, 30_s);
        Driver d{v};
        d.step("Published", [&] { d.message.published(at(0_ms), Admission::Accepted); });
        d.step("Delivered", [&] { d.message.delivered(at(1_ms)); });
        EXPECT_TRUE(d.fx.timer_running(TimerKind::MessageVisibility, 11));
        d.step("VisibilityExpired", [&] { d.message.visibility_expired(at(30_s)); });
        EXPECT_EQ(d.fx.requeued.size(), 1u);
        d.step("Delivered", [&] { d.message.delivered(at(31_s)); });
        d.step("VisibilityExpired", [&] { d.message.visibility_expired(at(61_s)); });
        d.step("Delivered", [&] { d.message.delivered(at(62_s)); });  // SQS: the next receive moves it
        EXPECT_EQ(d.message.dead_letter_reason(), DeadLetterReason::DeliveryLimit);
        EXPECT_EQ(d.message.deliveries(), 2u);
        taken.insert(d.taken.begin(), d.taken.end());
        MessageConfig rabbit = MessageConfig::rabbitmq(1);  // checked at the failure instead
        rabbit.visibility_timeout = 30_s;
        Driver e{rabbit};
        e.step("Published", [&] { e.message.published(at(0_ms), Admission::Accepted); });
        e.step("Delivered", [&] { e.message.delivered(at(1_ms)); });
        e.step("VisibilityExpired", [&] { e.message.visibility_expired(at(30_s)); });
        e.step("Delivered", [&] { e.message.delivered(at(31_s)); });
        e.step("VisibilityExpired", [&] { e.message.visibility_expired(at(61_s)); });
        EXPECT_EQ(e.message.dead_letter_reason(), DeadLetterReason::DeliveryLimit);
        taken.insert(e.taken.begin(), e.taken.end());
    }
    for (const auto& key : all_row_keys(Message::describe())) EXPECT_TRUE(taken.count(key)) << "row never taken: " << key;
}

TEST(Message, SettlingADeliveryStopsItsVisibilityTimer) {
    Driver d{MessageConfig::sqs(3, 10_s)};
    d.message.published(at(0_ms), Admission::Accepted);
    d.message.delivered(at(1_ms));
    ASSERT_TRUE(d.fx.timer_running(TimerKind::MessageVisibility, 11));
    d.message.processing_succeeded(at(2_ms));
    EXPECT_FALSE(d.fx.timer_running(TimerKind::MessageVisibility, 11));
    Driver e{MessageConfig::sqs(3, 10_s)};
    e.message.published(at(0_ms), Admission::Accepted);
    e.message.delivered(at(1_ms));
    e.message.processing_failed(at(2_ms));
    EXPECT_FALSE(e.fx.timer_running(TimerKind::MessageVisibility, 11));
    EXPECT_TRUE(e.fx.timer_running(TimerKind::MessageRedelivery, 11));  // visible again after the timeout
}

TEST(Message, DeliveringAFinishedMessageIsAModellingError) {
    Driver d{MessageConfig{}};
    d.message.published(at(0_ms), Admission::Refused);
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
        EXPECT_STREQ(e.what(), "message.max_deliveries = 0: must be in [1, 1000000]");
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
    m.published(now, Admission::Accepted);
    std::uint32_t deliveries = 0;
    while (!m.finished()) {
        m.delivered(now);
        ++deliveries;
        m.processing_failed(now);
        if (m.state() == MessageState::RetryWaiting) {
            now += m.last_backoff();
            m.redelivery_due(now, Admission::Accepted);
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

Admission any_admission() {
    return *rc::gen::weightedElement<Admission>(
        {{6, Admission::Accepted}, {1, Admission::Refused}, {1, Admission::RefusedToDeadLetter}});
}
std::string_view shown(Admission a) {
    return a == Admission::Accepted ? "room" : a == Admission::Refused ? "full" : "full, to the DLQ";
}

struct Publish : Step<Publish> {
    Admission admission = any_admission();
    void apply(Model& m) const override {
        if (m.state != MessageState::Created) return void(++m.unhandled);
        if (admission == Admission::Accepted) m.state = MessageState::Queued;
        if (admission == Admission::Refused) m.state = MessageState::Dropped;
        if (admission == Admission::RefusedToDeadLetter) {
            m.state = MessageState::DeadLettered;
            m.dead_lettered.push_back(kId);
        }
    }
    void send(Sut& s) const { s.message.published(Time::zero(), admission); }
    void show(std::ostream& os) const override { os << "Publish(" << shown(admission) << ")"; }
};
// RabbitMQ: a message at the head past its TTL, or the oldest one of a full drop-head queue.
struct LeaveTheQueue : Step<LeaveTheQueue> {
    bool expired = *rc::gen::arbitrary<bool>();
    void apply(Model& m) const override {
        if (m.state != MessageState::Queued) return void(++m.unhandled);
        m.state = MessageState::DeadLettered;
        m.dead_lettered.push_back(kId);
    }
    void send(Sut& s) const {
        if (expired) s.message.expired(Time::zero());
        else s.message.evicted(Time::zero());
    }
    void show(std::ostream& os) const override { os << (expired ? "Expired" : "Evicted"); }
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
    // A fatal error is rejected without requeue (a poison message): dead-lettered at once.
    bool fatal = *rc::gen::weightedElement<bool>({{5, false}, {1, true}});
    void apply(Model& m) const override {
        if (m.state != MessageState::InFlight) return void(++m.unhandled);
        if (fatal) {
            m.state = MessageState::DeadLettered;
            m.dead_lettered.push_back(kId);
        } else if (m.deliveries < m.max_deliveries) {
            m.state = MessageState::RetryWaiting;
            m.redelivery_timer = true;
        } else {
            m.state = MessageState::DeadLettered;
            m.dead_lettered.push_back(kId);
        }
    }
    void send(Sut& s) const {
        s.message.processing_failed(Time::zero(), fatal ? AttemptOutcome::FatalError : AttemptOutcome::Error);
    }
    void show(std::ostream& os) const override { os << (fatal ? "Fail(fatal)" : "Fail"); }
};
struct RedeliveryDue : Step<RedeliveryDue> {
    Admission admission = any_admission();
    void apply(Model& m) const override {
        if (m.state != MessageState::RetryWaiting) return void(++m.unhandled);
        m.redelivery_timer = false;  // it fired
        if (admission == Admission::Accepted) {
            m.state = MessageState::Queued;
            m.requeued.emplace_back(kId, m.near_head);
        } else if (admission == Admission::Refused) {
            m.state = MessageState::Dropped;
        } else {
            m.state = MessageState::DeadLettered;
            m.dead_lettered.push_back(kId);
        }
    }
    void send(Sut& s) const {
        s.fx.timers.erase({TimerKind::MessageRedelivery, kId});  // the owner feeds a fired timer back
        s.message.redelivery_due(Time::zero(), admission);
    }
    void show(std::ostream& os) const override { os << "RedeliveryDue(" << shown(admission) << ")"; }
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
                     rc::state::gen::execOneOfWithArgs<reference::Publish, reference::LeaveTheQueue, reference::Deliver,
                                                       reference::Succeed, reference::Fail, reference::RedeliveryDue>());
}

}  // namespace
}  // namespace cascadelab
