// A machine is wired to the capabilities it uses and no others: wiring it to a system without
// them does not compile. These are the compile-time checks, stated as tests.
#include <type_traits>  // std::is_constructible_v

#include <gtest/gtest.h>

#include "statemachines/bulkhead.hpp"
#include "statemachines/circuit_breaker.hpp"
#include "statemachines/consumer.hpp"
#include "statemachines/message.hpp"
#include "statemachines/retry.hpp"
#include "tests/statemachines/fake_effects.hpp"

namespace cascadelab {
namespace {

// A system with retries and nothing else, as the RPC client tier is to its retry machines.
struct RetriesOnly final : RetryEffects {
    void start_timer(TimerKind, std::uint64_t, Duration) override {}
    void cancel_timer(TimerKind, std::uint64_t) override {}
    void send_attempt(std::uint64_t, std::uint32_t) override {}
    void transitioned(ComponentId, std::string_view, std::string_view, std::string_view, std::uint64_t) override {}
};

static_assert(std::is_constructible_v<Retry, const RetryConfig&, std::uint64_t, RetriesOnly&, Rng&>);
// No message router, no permit replies: a message or a bulkhead cannot be wired to it.
static_assert(!std::is_constructible_v<Message, const MessageConfig&, std::uint64_t, RetriesOnly&, Rng&>);
static_assert(!std::is_constructible_v<Bulkhead, const BulkheadConfig&, RetriesOnly&>);
// Timers and transitions are what a breaker and a consumer use, but the system must say it hosts
// them (BreakerEffects, ConsumerEffects): having the functions is not enough.
static_assert(!std::is_constructible_v<CircuitBreaker, const CircuitBreakerConfig&, RetriesOnly&>);
static_assert(!std::is_constructible_v<Consumer, const ConsumerConfig&, std::uint64_t, RetriesOnly&>);

TEST(Effects, OneObjectMayServeEveryMachine) {
    testing::FakeEffects fx;
    Rng rng(1);
    const RetryConfig config = RetryConfig::tutorial();  // the machine keeps a pointer to it
    Retry retry(config, 1, fx, rng);
    retry.request_started(Time::zero());
    EXPECT_EQ(fx.attempts.size(), 1u);
    EXPECT_EQ(fx.transitions.front(), "retry: Idle --RequestStarted--> Attempting #1");
}

}  // namespace
}  // namespace cascadelab
