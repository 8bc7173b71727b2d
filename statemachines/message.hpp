// One message of the event-driven architecture: Created / Queued / InFlight / RetryWaiting /
// Acked / DeadLettered / Dropped. The Boost.MSM table is in message.cpp; this header is Boost-free.
#pragma once

#include <cstdint>      // std::uint32_t
#include <memory>       // std::unique_ptr
#include <string_view>  // std::string_view

#include "model/rng.hpp"
#include "model/time.hpp"
#include "statemachines/backoff.hpp"
#include "statemachines/description.hpp"
#include "statemachines/effects.hpp"

namespace cascadelab {

enum class MessageState { Created, Queued, InFlight, RetryWaiting, Acked, DeadLettered, Dropped };
std::string_view name(MessageState s);

// Who waits out the redelivery backoff.
enum class RetryMode {
    Blocking,     // the consumer holds the message and sleeps (the tutorial); it is not free
    NonBlocking,  // a delayed requeue (SQS visibility timeout, Kafka retry topics); it is free
};
enum class RequeuePosition { Back, NearHead };

struct MessageConfig {
    // Deliveries before the message is dead-lettered: SQS maxReceiveCount, RabbitMQ
    // delivery-limit (20 since 4.0). Counts the first delivery: 4 = one try and three retries.
    std::uint32_t max_deliveries = 4;
    BackoffConfig redelivery_backoff;
    RetryMode retry_mode = RetryMode::Blocking;
    RequeuePosition requeue_position = RequeuePosition::Back;

    // The tutorial: 3 retries, full-jitter exponential backoff, the consumer sleeps, re-published
    // to the back of the queue.
    static MessageConfig tutorial() { return MessageConfig{}; }
    void validate() const;  // throws ConfigError naming the field and the value
};

class Message {
public:
    // The config and rng must outlive the message. The owner validates the config once.
    Message(const MessageConfig& config, std::uint64_t id, Effects& effects, Rng& rng);
    ~Message();
    Message(const Message&) = delete;
    Message& operator=(const Message&) = delete;

    // Events. `queue_has_room` is the queue's answer to a publish or a requeue (reject-publish).
    void published(Time now, bool queue_has_room);
    void delivered(Time now);
    void processing_succeeded(Time now);
    void processing_failed(Time now);  // an error or a processing timeout
    void redelivery_due(Time now, bool queue_has_room);  // the MessageRedelivery timer fired

    MessageState state() const;
    bool finished() const;  // Acked, DeadLettered or Dropped
    std::uint32_t deliveries() const;
    Time published_at() const;
    Duration last_backoff() const;
    std::uint64_t unhandled_events() const;
    std::string_view last_row_guard() const;

    static MachineDescription describe();

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cascadelab
