// The brokers' documented behaviour, case by case: Amazon SQS (dead-letter queues and
// maxReceiveCount, visibility timeout) and RabbitMQ (quorum queues' delivery-limit, dead
// lettering and its reasons, message TTL, queue length limits). Neither broker publishes a test
// suite for these; each case names the documentation page it comes from, and the machine is
// message.hpp's, driven the way the event architecture drives it.
#include <gtest/gtest.h>

#include "model/kernel/rng.hpp"
#include "statemachines/config_error.hpp"
#include "statemachines/message.hpp"
#include "tests/conformance/virtual_clock.hpp"

namespace cascadelab::conformance {
namespace {

using namespace literals;

class Broker {
public:
    explicit Broker(const MessageConfig& c) : config_(c), message(config_, 1, clock, rng_) {
        clock.on_fire = [this](TimerKind kind, std::uint64_t, Time at) {
            if (kind == TimerKind::MessageVisibility) message.visibility_expired(at);
            if (kind == TimerKind::MessageRedelivery) message.redelivery_due(at, Admission::Accepted);
        };
        message.published(clock.now, Admission::Accepted);
    }
    // A consumer receives the message and fails with `outcome`; the message goes back by itself.
    void receive_and_fail(AttemptOutcome outcome = AttemptOutcome::Error) {
        message.delivered(clock.now);
        message.processing_failed(clock.now, outcome);
        clock.advance(config_.redelivery_backoff.cap);  // the redelivery (or visibility) wait
    }
    bool dead_lettered() const { return message.state() == MessageState::DeadLettered; }

    VirtualClock clock;

private:
    MessageConfig config_;
    Rng rng_{3};

public:
    Message message;
};

// ---- SQS: "Using dead-letter queues in Amazon SQS" / "Amazon SQS visibility timeout" ----

// "When the ReceiveCount for a message exceeds the maxReceiveCount for a queue, Amazon SQS moves
// the message to a dead-letter queue": N receives, and the receive after them moves it.
TEST(SqsDeadLetterQueue, maxReceiveCountIsTheNumberOfReceivesBeforeTheDeadLetterQueue) {
    Broker b{MessageConfig::sqs(3, 30_s)};
    for (int i = 0; i < 3; ++i) {
        b.receive_and_fail();
        EXPECT_EQ(b.message.state(), MessageState::Queued) << "receive " << i + 1;
    }
    b.message.delivered(b.clock.now);  // the fourth receive
    EXPECT_TRUE(b.dead_lettered());
    EXPECT_EQ(b.message.deliveries(), 3u);
    EXPECT_EQ(b.message.dead_letter_reason(), DeadLetterReason::DeliveryLimit);
}

TEST(SqsDeadLetterQueue, maxReceiveCountOfOneMovesAFailedMessageAtTheNextReceive) {
    Broker b{MessageConfig::sqs(1, 30_s)};
    b.receive_and_fail();
    EXPECT_EQ(b.message.state(), MessageState::Queued);  // visible again after its timeout
    b.message.delivered(b.clock.now);
    EXPECT_TRUE(b.dead_lettered());
    EXPECT_EQ(b.message.deliveries(), 1u);
}

TEST(SqsDeadLetterQueue, maxReceiveCountMustBeAtLeastOne) {
    EXPECT_THROW(MessageConfig::sqs(0, 30_s).validate(), ConfigError);
    EXPECT_NO_THROW(MessageConfig::sqs(1, 30_s).validate());
    EXPECT_NO_THROW(MessageConfig::sqs(1000, 30_s).validate());
}

TEST(SqsVisibilityTimeout, theDefaultIsThirtySeconds) {
    EXPECT_EQ(MessageConfig::sqs().visibility_timeout, 30_s);
}

TEST(SqsVisibilityTimeout, theRangeIsZeroToTwelveHours) {
    EXPECT_NO_THROW(MessageConfig::sqs(10, 0_s).validate());
    EXPECT_NO_THROW(MessageConfig::sqs(10, Duration::seconds(12 * 3600)).validate());
    EXPECT_THROW(MessageConfig::sqs(10, Duration::seconds(12 * 3600) + 1_s).validate(), ConfigError);
}

// A message not deleted within its visibility timeout becomes visible again, and another
// receive gets it while the first consumer may still be working on it.
TEST(SqsVisibilityTimeout, aMessageNotDeletedInTimeIsVisibleAgainAndReceivedTwice) {
    Broker b{MessageConfig::sqs(10, 30_s)};
    b.message.delivered(b.clock.now);
    b.clock.advance(30_s - 1_us);
    EXPECT_EQ(b.message.state(), MessageState::InFlight);
    b.clock.advance(1_us);
    EXPECT_EQ(b.message.state(), MessageState::Queued);
    EXPECT_EQ(b.clock.requeued.size(), 1u);
    b.message.delivered(b.clock.now);
    EXPECT_EQ(b.message.deliveries(), 2u);
}

TEST(SqsVisibilityTimeout, deletingTheMessageInTimeKeepsItFromComingBack) {
    Broker b{MessageConfig::sqs(10, 30_s)};
    b.message.delivered(b.clock.now);
    b.clock.advance(10_s);
    b.message.processing_succeeded(b.clock.now);  // DeleteMessage
    b.clock.advance(60_s);
    EXPECT_EQ(b.message.state(), MessageState::Acked);
    EXPECT_TRUE(b.clock.requeued.empty());
}

// A consumer that fails does not delete the message: it is visible again when the timeout ends.
TEST(SqsVisibilityTimeout, aFailedMessageIsVisibleAgainWhenItsTimeoutEnds) {
    Broker b{MessageConfig::sqs(10, 30_s)};
    b.message.delivered(b.clock.now);
    b.clock.advance(5_s);
    b.message.processing_failed(b.clock.now);
    b.clock.advance(30_s - 1_us);
    EXPECT_EQ(b.message.state(), MessageState::RetryWaiting);
    b.clock.advance(1_us);
    EXPECT_EQ(b.message.state(), MessageState::Queued);
}

// ---- RabbitMQ: "Quorum Queues", "Dead Letter Exchanges", "TTL", "Queue Length Limit" ----

// delivery-limit counts returns: a limit of L allows L + 1 deliveries.
TEST(RabbitMqQuorumQueue, aDeliveryLimitOfLAllowsLPlusOneDeliveries) {
    Broker b{MessageConfig::rabbitmq(2)};
    for (int i = 0; i < 2; ++i) {
        b.receive_and_fail();
        EXPECT_FALSE(b.dead_lettered());
    }
    b.receive_and_fail();
    EXPECT_TRUE(b.dead_lettered());
    EXPECT_EQ(b.message.deliveries(), 3u);
    EXPECT_EQ(b.message.dead_letter_reason(), DeadLetterReason::DeliveryLimit);
}

TEST(RabbitMqQuorumQueue, aDeliveryLimitOfZeroDeadLettersAtTheFirstReturn) {
    Broker b{MessageConfig::rabbitmq(0)};
    b.receive_and_fail();
    EXPECT_TRUE(b.dead_lettered());
    EXPECT_EQ(b.message.deliveries(), 1u);
}

TEST(RabbitMqQuorumQueue, aNegativeDeliveryLimitIsUnlimited) {
    Broker b{MessageConfig::rabbitmq(-1)};
    for (int i = 0; i < 1000; ++i) b.receive_and_fail();
    EXPECT_FALSE(b.dead_lettered());
    EXPECT_EQ(b.message.deliveries(), 1000u);
}

TEST(RabbitMqQuorumQueue, theDefaultDeliveryLimitIsTwenty) {
    EXPECT_EQ(MessageConfig::rabbitmq().max_deliveries, 21u);
}

// "When you set a delivery limit, the message is requeued near the head of the queue."
TEST(RabbitMqQuorumQueue, withADeliveryLimitAReturnedMessageGoesBackNearTheHead) {
    Broker limited{MessageConfig::rabbitmq(5)};
    limited.receive_and_fail();
    ASSERT_EQ(limited.clock.requeued.size(), 1u);
    EXPECT_TRUE(limited.clock.requeued.front().second);
    Broker unlimited{MessageConfig::rabbitmq(-1)};
    unlimited.receive_and_fail();
    ASSERT_EQ(unlimited.clock.requeued.size(), 1u);
    EXPECT_FALSE(unlimited.clock.requeued.front().second);
}

// basic.reject / basic.nack with requeue=false: dead-lettered at once, reason rejected.
TEST(RabbitMqDeadLettering, aRejectWithoutRequeueDeadLettersAtOnce) {
    Broker b{MessageConfig::rabbitmq(20)};
    b.message.delivered(b.clock.now);
    b.message.processing_failed(b.clock.now, AttemptOutcome::FatalError);
    EXPECT_TRUE(b.dead_lettered());
    EXPECT_EQ(b.message.deliveries(), 1u);
    EXPECT_EQ(b.message.dead_letter_reason(), DeadLetterReason::Rejected);
}

TEST(RabbitMqDeadLettering, anExpiredMessageIsDeadLetteredWithReasonExpired) {
    Broker b{MessageConfig::rabbitmq(20)};
    b.message.expired(b.clock.now);
    EXPECT_TRUE(b.dead_lettered());
    EXPECT_EQ(b.message.dead_letter_reason(), DeadLetterReason::Expired);
}

// x-overflow drop-head (the default): the oldest message is dropped or dead-lettered, reason maxlen.
TEST(RabbitMqQueueLengthLimit, dropHeadDeadLettersTheOldestWithReasonMaxlen) {
    Broker b{MessageConfig::rabbitmq(20)};
    b.message.evicted(b.clock.now);
    EXPECT_TRUE(b.dead_lettered());
    EXPECT_EQ(b.message.dead_letter_reason(), DeadLetterReason::MaxLength);
}

TEST(RabbitMqQueueLengthLimit, rejectPublishDlxDeadLettersTheRefusedMessage) {
    MessageConfig c = MessageConfig::rabbitmq(20);
    VirtualClock fx;
    Rng rng{1};
    Message m{c, 7, fx, rng};
    m.published(fx.now, Admission::RefusedToDeadLetter);
    EXPECT_EQ(m.state(), MessageState::DeadLettered);
    EXPECT_EQ(m.dead_letter_reason(), DeadLetterReason::MaxLength);
    EXPECT_EQ(fx.dead_lettered, (std::vector<std::uint64_t>{7}));
}

TEST(RabbitMqQueueLengthLimit, rejectPublishRefusesWithoutDeadLettering) {
    MessageConfig c = MessageConfig::rabbitmq(20);
    VirtualClock fx;
    Rng rng{1};
    Message m{c, 7, fx, rng};
    m.published(fx.now, Admission::Refused);
    EXPECT_EQ(m.state(), MessageState::Dropped);
    EXPECT_TRUE(fx.dead_lettered.empty());
}

}  // namespace
}  // namespace cascadelab::conformance
