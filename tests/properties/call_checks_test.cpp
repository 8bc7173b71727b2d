// The invariants judged from the calls themselves can fail: fed the call steps (and breaker
// transitions) of a machine that misbehaves, each reports it; fed the steps of a correct one, it
// stays quiet. Whole runs of the presets hold them (they had work to judge).
#include <gtest/gtest.h>

#include "model/run.hpp"
#include "properties/invariants.hpp"
#include "hunt_setup.hpp"

namespace cascadelab::properties {
namespace {

using namespace literals;

// One observer, fed by hand: call steps, breaker transitions and the snapshots between events.
class Feed {
public:
    Feed(std::string_view property, const HuntSetup& h) : observer_(make_observer(property, h, first_)) {
        EXPECT_NE(observer_, nullptr);
    }
    Feed& call(CallStep step, std::uint64_t caller, std::optional<AttemptOutcome> failure = std::nullopt,
               Duration took = Duration::millis(10), Pushback pushback = Pushback::none()) {
        CallEvent e;
        e.step = step;
        e.caller = caller;
        e.failed = failure.has_value();
        e.outcome = failure.value_or(AttemptOutcome::Error);
        e.took = took;
        e.pushback = pushback;
        observer_->call(now(), e);
        return *this;
    }
    Feed& breaker(BreakerState from, BreakerState to) {
        observer_->transitioned(now(), ComponentId{ComponentKind::Breaker, 0}, name(from), "CallCompleted", name(to), 0);
        return *this;
    }
    Feed& step(Snapshot s = {}) {
        s.step = ++steps_;
        s.now = now();
        observer_->step(s);
        return *this;
    }
    const std::optional<Violation>& violation() const { return first_; }

private:
    Time now() const { return Time::at(Duration::millis(static_cast<std::int64_t>(steps_))); }

    std::optional<Violation> first_;
    std::unique_ptr<RunObserver> observer_;
    std::uint64_t steps_ = 0;
};

TEST(CallChecks, BreakerAccountingRefusesACallAtTheServiceWithoutAPermit) {
    Feed f("breaker-accounting", setup_of("rpc-safe"));
    f.call(CallStep::Permitted, 1).call(CallStep::Sent, 1).call(CallStep::Answered, 1).call(CallStep::Recorded, 1).step();
    EXPECT_FALSE(f.violation()) << describe(*f.violation());
    f.call(CallStep::Sent, 2);
    ASSERT_TRUE(f.violation());
    EXPECT_EQ(f.violation()->detail, "a call of #2 reached the service without a permit of the breaker");
}

TEST(CallChecks, BreakerAccountingRefusesASecondPermitAndAnOutcomeWithoutOne) {
    Feed twice("breaker-accounting", setup_of("rpc-safe"));
    twice.call(CallStep::Permitted, 4).call(CallStep::Permitted, 4);
    ASSERT_TRUE(twice.violation());
    EXPECT_EQ(twice.violation()->detail, "#4 was given a second permit before its first ended in an outcome");
    Feed unpermitted("breaker-accounting", setup_of("rpc-safe"));
    unpermitted.call(CallStep::Recorded, 5, AttemptOutcome::Timeout);
    ASSERT_TRUE(unpermitted.violation());
    EXPECT_EQ(unpermitted.violation()->detail, "an outcome of #5 reached the breaker without a permit");
}

// A breaker per request (the tutorial's) records a request's later attempts without permits.
TEST(CallChecks, BreakerAccountingLetsABreakerPerRequestRecordLaterAttempts) {
    Feed f("breaker-accounting", setup_of("rpc-naive"));
    f.call(CallStep::Permitted, 1).call(CallStep::Sent, 1).call(CallStep::Recorded, 1, AttemptOutcome::Error);
    f.call(CallStep::Sent, 1).call(CallStep::Recorded, 1, AttemptOutcome::Error).step();
    EXPECT_FALSE(f.violation()) << describe(*f.violation());
}

// rpc-safe: the last 20 outcomes, a verdict from 10, opens at >= 50 % (Resilience4j's >=).
TEST(CallChecks, BreakerVerdictsRequireOpeningAtExactlyTheThreshold) {
    Feed f("breaker-verdicts", setup_of("rpc-safe"));
    for (std::uint64_t c = 1; c <= 9; ++c) f.call(CallStep::Recorded, c, c % 2 ? std::optional{AttemptOutcome::Error} : std::nullopt);
    f.step();  // 5 of 9: not enough calls yet
    EXPECT_FALSE(f.violation()) << describe(*f.violation());
    f.call(CallStep::Recorded, 10).step();  // 5 of 10 = 50 %: must open
    ASSERT_TRUE(f.violation());
    EXPECT_EQ(f.violation()->detail,
              "stayed Closed where 5 failed and 0 slow of the last 10 outcomes (50 % and 0 %) required Open");
}

TEST(CallChecks, BreakerVerdictsAcceptABreakerThatOpensAndJudgeItsProbes) {
    Feed f("breaker-verdicts", setup_of("rpc-safe"));
    for (std::uint64_t c = 1; c <= 10; ++c) f.call(CallStep::Recorded, c, c <= 5 ? std::optional{AttemptOutcome::Timeout} : std::nullopt);
    f.breaker(BreakerState::Closed, BreakerState::Open).step();
    EXPECT_FALSE(f.violation()) << describe(*f.violation());
    // HalfOpen, 3 probes: 2 failed of 3 (67 %) must reopen; closing is a violation.
    f.breaker(BreakerState::Open, BreakerState::HalfOpen).step();
    f.call(CallStep::Recorded, 11, AttemptOutcome::Error).call(CallStep::Recorded, 12).step();
    EXPECT_FALSE(f.violation()) << describe(*f.violation());
    f.call(CallStep::Recorded, 13, AttemptOutcome::Error).breaker(BreakerState::HalfOpen, BreakerState::Closed);
    ASSERT_TRUE(f.violation());
    EXPECT_EQ(f.violation()->detail,
              "went HalfOpen -> Closed where 2 failed and 0 slow of the last 3 outcomes (66.6667 % and 0 %) required Open");
}

TEST(CallChecks, BreakerVerdictsCountSlowCallsAndSkipIgnoredOutcomes) {
    HuntSetup h = setup_of("rpc-safe");
    h.scenario.rpc.breaker->slow_call_duration_threshold = 50_ms;
    h.scenario.rpc.breaker->slow_call_rate_threshold = 50.0;
    h.scenario.rpc.breaker->record.bulkhead_rejected = CallVerdict::Ignored;
    Feed f("breaker-verdicts", h);
    for (std::uint64_t c = 1; c <= 10; ++c) f.call(CallStep::Recorded, c, AttemptOutcome::BulkheadRejected);
    f.step();  // all ignored: no verdict
    EXPECT_FALSE(f.violation()) << describe(*f.violation());
    for (std::uint64_t c = 11; c <= 20; ++c) f.call(CallStep::Recorded, c, std::nullopt, c <= 15 ? 51_ms : 50_ms);
    f.step();  // 5 slow (strictly longer than 50 ms) of 10 successes: 50 %
    ASSERT_TRUE(f.violation());
    EXPECT_EQ(f.violation()->detail,
              "stayed Closed where 0 failed and 5 slow of the last 10 outcomes (0 % and 50 %) required Open");
}

TEST(CallChecks, NoFutileRetryRefusesAnAttemptAfterAFatalErrorOrAServersStop) {
    Feed fatal("no-futile-retry", setup_of("rpc-safe"));
    fatal.call(CallStep::Answered, 3, AttemptOutcome::Error).call(CallStep::Sent, 3);  // retryable
    EXPECT_FALSE(fatal.violation()) << describe(*fatal.violation());
    fatal.call(CallStep::Answered, 3, AttemptOutcome::FatalError).call(CallStep::Sent, 3);
    ASSERT_TRUE(fatal.violation());
    EXPECT_EQ(fatal.violation()->detail, "#3 sent another attempt after a fatal-error (not in retry_on)");

    Feed stop("no-futile-retry", setup_of("rpc-safe"));
    stop.call(CallStep::Answered, 8, AttemptOutcome::Error, 10_ms, Pushback::stop()).call(CallStep::Sent, 8);
    ASSERT_TRUE(stop.violation());
    EXPECT_EQ(stop.violation()->detail, "#8 sent another attempt after the server's \"do not retry\"");
}

TEST(CallChecks, CapacityBoundBreaksAboveTheServicesCapacity) {
    HuntSetup h = setup_of("rpc-safe");
    h.scenario.downstream.capacity = 12;
    Feed f("capacity-bound", h);
    Snapshot s;
    s.downstream_in_flight = 12;
    f.step(s);
    EXPECT_FALSE(f.violation());
    s.downstream_in_flight = 13;
    f.step(s);
    ASSERT_TRUE(f.violation());
    EXPECT_EQ(f.violation()->detail, "the service holds 13 attempts, its capacity is 12");
}

// Counted from the calls at the service, not the bulkhead's own counter (which reads 0 here).
TEST(CallChecks, BulkheadBoundCountsTheCallsAtTheService) {
    Feed f("bulkhead-bound", setup_of("rpc-safe"));  // 40 slots
    for (std::uint64_t c = 1; c <= 40; ++c) f.call(CallStep::Sent, c);
    f.call(CallStep::Answered, 1).call(CallStep::Left, 2).call(CallStep::Sent, 41).call(CallStep::Sent, 42);
    EXPECT_FALSE(f.violation()) << describe(*f.violation());
    f.call(CallStep::Sent, 43);
    ASSERT_TRUE(f.violation());
    EXPECT_EQ(f.violation()->detail, "41 calls at the service through a bulkhead of 40 (#43 the last sent)");
}

TEST(CallChecks, BulkheadBoundBreaksOnAQueueLongerThanItsBound) {
    Feed f("bulkhead-bound", setup_of("rpc-safe"));
    Snapshot s;
    s.bulkhead_limit = 40;
    s.bulkhead_queue_limit = 3;
    s.bulkhead_waiting = 4;
    f.step(s);
    ASSERT_TRUE(f.violation());
    EXPECT_EQ(f.violation()->detail, "4 callers wait in a bulkhead queue of 3");
}

TEST(CallChecks, BulkheadBoundGivesAFreedSlotToTheCallerThatWaitedLongest) {
    Feed fifo("bulkhead-bound", setup_of("rpc-safe"));
    fifo.call(CallStep::Queued, 1).call(CallStep::Queued, 2).call(CallStep::Queued, 3);
    fifo.call(CallStep::Dequeued, 1).call(CallStep::Sent, 2).call(CallStep::Sent, 3).step();  // 1 gave up
    EXPECT_FALSE(fifo.violation()) << describe(*fifo.violation());
    Feed lifo("bulkhead-bound", setup_of("rpc-safe"));
    lifo.call(CallStep::Queued, 1).call(CallStep::Queued, 2).call(CallStep::Sent, 2);
    ASSERT_TRUE(lifo.violation());
    EXPECT_EQ(lifo.violation()->detail, "#2 got a slot while #1, queued before it, still waits");
}

// Counted where the calls leave, not from the attempt numbers the system reports.
TEST(CallChecks, RetryBoundsCountsTheCallsEachRequestSends) {
    Feed f("retry-bounds", setup_of("rpc-safe"));  // 2 attempts
    f.call(CallStep::Sent, 9).call(CallStep::Sent, 9).call(CallStep::Sent, 10).step();
    EXPECT_FALSE(f.violation()) << describe(*f.violation());
    f.call(CallStep::Sent, 9);
    ASSERT_TRUE(f.violation());
    EXPECT_EQ(f.violation()->detail, "#9 sent its call 3 times, 2 allowed");
}

// A fatal error is not requeued (event-safe's requeue_on): dead-lettered after one delivery is right.
TEST(CallChecks, DlqRoutingAcceptsAnEarlyDeadLetterOnlyAfterAFailureThatIsNotRequeued) {
    for (const auto& [failure, early_is_right] : {std::pair{AttemptOutcome::FatalError, true},
                                                  std::pair{AttemptOutcome::Error, false}}) {
        std::optional<Violation> v;
        auto observer = make_observer("dlq-routing", setup_of("event-safe"), v);
        observer->step(Snapshot{});
        observer->transitioned(Time::at(1_ms), ComponentId{ComponentKind::Message, 0}, "Queued", "Delivered", "InFlight", 7);
        CallEvent answer;
        answer.step = CallStep::Answered;
        answer.caller = 7;
        answer.failed = true;
        answer.outcome = failure;
        observer->call(Time::at(2_ms), answer);
        observer->transitioned(Time::at(2_ms), ComponentId{ComponentKind::Message, 0}, "InFlight", "ProcessingFailed",
                               "DeadLettered", 7);
        EXPECT_EQ(v.has_value(), !early_is_right) << name(failure);
    }
}

// On whole hunt runs (with the end-of-run judgement) the presets hold every call check, with
// and without configuration knobs that exercise the paths the presets leave off.
TEST(CallChecks, ThePresetsHoldTheCallChecksOnWholeRuns) {
    const std::vector<KnobSetting> knobs{{Knob::ExtraAttempts, 2}, {Knob::BulkheadQueue, 2}, {Knob::Capacity, 15},
                                         {Knob::FatalPercent, 30}, {Knob::SlowCallMs, 12}};
    Schedule burst{{Burst{Time::at(300_ms), 300, 20_ms}}, {FaultWindow{FaultKind::ErrorRate, Time::at(1_s), 300_ms, 0.6}}};
    for (const char* preset : {"rpc-safe", "event-safe"}) {
        for (const char* property : {"breaker-accounting", "breaker-verdicts", "bulkhead-bound", "retry-bounds",
                                     "capacity-bound"}) {
            HuntSetup h = setup_of(preset);
            Schedule s = burst;
            for (const KnobSetting& k : knobs)
                if (info(k.knob).applies(with_knobs(h.scenario, s.config))) s.config.push_back(k);
            if (preset == std::string{"event-safe"}) s.config.push_back({Knob::EventBreaker, 1});
            EXPECT_FALSE(check(property, h, Schedule{burst.bursts, burst.faults}, HealthyLevel{})) << preset << " " << property;
            const auto v = check(property, h, s, HealthyLevel{});
            EXPECT_FALSE(v) << preset << " " << property << " with " << describe(s.config) << ": " << describe(*v);
        }
    }
}

}  // namespace
}  // namespace cascadelab::properties
