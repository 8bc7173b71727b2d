// One message of the event-driven architecture: Created / Queued / InFlight / RetryWaiting /
// Acked / DeadLettered / Dropped. The Boost.MSM table is in message.cpp; this header is Boost-free.
#pragma once

#include <cstdint>      // std::uint32_t
#include <memory>       // std::unique_ptr
#include <string_view>  // std::string_view

#include "model/kernel/rng.hpp"
#include "model/kernel/time.hpp"
#include "statemachines/backoff.hpp"
#include "statemachines/description.hpp"
#include "statemachines/effects.hpp"
#include "statemachines/outcome.hpp"

namespace cascadelab {

enum class MessageState { Created, Queued, InFlight, RetryWaiting, Acked, DeadLettered, Dropped };
std::string_view name(MessageState s);

// Why a message went to the dead-letter queue (RabbitMQ's x-death reason; SQS knows only the
// receive count).
enum class DeadLetterReason { None, Rejected, Expired, DeliveryLimit, MaxLength };
std::string_view name(DeadLetterReason r);

// Who waits out the redelivery backoff.
enum class RetryMode {
    Blocking,     // the consumer holds the message and sleeps (the tutorial); it is not free
    NonBlocking,  // a delayed requeue (SQS ChangeMessageVisibility, Kafka retry topics); it is free
};
enum class RequeuePosition { Back, NearHead };

// What a full queue does with one more message (RabbitMQ x-overflow).
enum class QueueOverflow {
    DropHead,          // RabbitMQ's default: the oldest message leaves (dead-lettered, reason maxlen)
    RejectPublish,     // the publish is refused: the message is dropped (the tutorial)
    RejectPublishDlx,  // the publish is refused and the message dead-lettered (reason maxlen)
};
std::string_view name(QueueOverflow o);

// The queue's answer to a publish or a requeue.
enum class Admission {
    Accepted,          // there was room (or room was made by dropping the head)
    Refused,           // reject-publish
    RefusedToDeadLetter,  // reject-publish-dlx
};

// Which failed deliveries go back to the queue; any other is rejected without requeue (RabbitMQ
// basic.reject / nack with requeue=false) and dead-lettered at once.
// The defaults: everything but a fatal error (a poison message) goes back.
struct RequeueOn : OutcomeSet {
    constexpr RequeueOn() {
        breaker_rejected = true;
        bulkhead_rejected = true;
    }
};

// When the delivery limit is checked.
enum class LimitCheck {
    AtTheFailure,      // RabbitMQ: the return that uses up the limit dead-letters the message
    AtTheNextReceive,  // SQS: the receive that finds ReceiveCount >= maxReceiveCount moves it instead
};
std::string_view name(LimitCheck c);

struct MessageConfig {
    static constexpr std::uint32_t kUnlimited = UINT32_MAX;
    // Deliveries before the message is dead-lettered; counts the first delivery: 4 = one try and
    // three retries. SQS maxReceiveCount (1..1000); a RabbitMQ delivery-limit of L allows L
    // returns, so L + 1 deliveries (rabbitmq()). kUnlimited: never dead-lettered for its count.
    std::uint32_t max_deliveries = 4;
    LimitCheck limit_check = LimitCheck::AtTheFailure;
    BackoffConfig redelivery_backoff;
    RetryMode retry_mode = RetryMode::Blocking;
    RequeuePosition requeue_position = RequeuePosition::Back;
    RequeueOn requeue_on;
    // SQS VisibilityTimeout (0 = none): a delivered message not settled within it becomes visible
    // again and is redelivered, while the first consumer may still be working on it.
    Duration visibility_timeout = Duration::zero();
    // RabbitMQ x-message-ttl (0 = none): a message that reaches the head of the queue older than
    // this (since it was published to the queue) is dead-lettered, reason expired.
    Duration ttl = Duration::zero();

    // The tutorial: 3 retries, full-jitter exponential backoff, the consumer sleeps, re-published
    // to the back of the queue.
    static MessageConfig tutorial() { return MessageConfig{}; }
    // RabbitMQ quorum queue: delivery-limit 20 (the 4.0 default; a negative limit = unlimited),
    // requeued near the head when a limit is set, at the back when not.
    static MessageConfig rabbitmq(std::int64_t delivery_limit = 20);
    // SQS redrive: maxReceiveCount, VisibilityTimeout 30 s; a failed message becomes visible again
    // when its visibility timeout ends, and the receive after the last allowed one moves it to the
    // dead-letter queue.
    static MessageConfig sqs(std::uint32_t max_receive_count = 10, Duration visibility_timeout = Duration::seconds(30));
    bool limited() const { return max_deliveries != kUnlimited; }

    void validate() const;  // throws ConfigError naming the field and the value
};

class Message {
public:
    // The config and rng must outlive the message. The owner validates the config once.
    // `component`: which stage's message it is.
    Message(const MessageConfig& config, std::uint64_t id, MessageEffects& effects, Rng& rng,
            ComponentId component = {ComponentKind::Message});
    // The message keeps a pointer to its config: a temporary would dangle, so it does not compile.
    Message(MessageConfig&&, std::uint64_t, MessageEffects&, Rng&, ComponentId = {ComponentKind::Message}) = delete;
    ~Message();
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;

    // Events. `admission` is the queue's answer to a publish or a requeue.
    void published(Time now, Admission admission);
    void delivered(Time now);
    void processing_succeeded(Time now);
    void processing_failed(Time now, AttemptOutcome outcome = AttemptOutcome::Error);
    void redelivery_due(Time now, Admission admission);  // the MessageRedelivery timer fired
    void visibility_expired(Time now);                   // the MessageVisibility timer fired
    void expired(Time now);                              // found at the head older than its ttl
    void evicted(Time now);                              // dropped from the head of a full queue

    MessageState state() const;
    bool finished() const;  // Acked, DeadLettered or Dropped
    std::uint32_t deliveries() const;
    DeadLetterReason dead_letter_reason() const;
    Time published_at() const;
    Duration last_backoff() const;
    std::uint64_t unhandled_events() const;
    std::string_view last_row_guard() const;

    static MachineDescription describe();
    // Bytes one machine holds, itself and its state (a run's memory budget counts them).
    static std::size_t footprint();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cascadelab
