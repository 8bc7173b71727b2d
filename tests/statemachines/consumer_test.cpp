// The consumer machine: every row and its processing timeout.
#include <gtest/gtest.h>

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
        EXPECT_STREQ(e.what(), "consumer.processing_timeout = -1ms: must be zero (none) or positive");
    }
}

}  // namespace
}  // namespace cascadelab
