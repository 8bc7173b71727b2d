// The class behind run_event(), shared by the three files that define it: event_system.cpp (the
// loop, the queues, outcomes), event_chain.cpp (forwarding along a chain of stages) and
// event_consumers.cpp (a consumer's delivery, its call, and what a failure or timeout does).
// Not for use outside them: the rest of cascadelab runs the architecture through run_event().
#pragma once

#include <cstdint>   // std::uint32_t, std::uint64_t
#include <deque>     // std::deque
#include <memory>    // std::unique_ptr
#include <optional>  // std::optional
#include <vector>    // std::vector

#include "model/deferred_effects.hpp"
#include "model/event_system.hpp"
#include "model/guarded_call.hpp"
#include "model/kernel/slot_pool.hpp"
#include "model/snapshot.hpp"
#include "model/system_base.hpp"
#include "statemachines/bulkhead.hpp"
#include "statemachines/circuit_breaker.hpp"
#include "statemachines/consumer.hpp"
#include "statemachines/message.hpp"

namespace cascadelab::event_driven {

constexpr std::uint32_t kNoConsumer = UINT32_MAX;
static_assert(std::tuple_size_v<decltype(RunMetrics::dead_letters_by_reason)> ==
              static_cast<std::size_t>(DeadLetterReason::MaxLength) + 1);

// One live message; slots are reused once it is acked, dead-lettered or dropped.
struct Letter {
    std::unique_ptr<Message> machine;
    std::uint64_t number = 0;  // 1-based, in publish order: the id shown in traces
    std::uint32_t stage = 0;   // which queue of the chain it is in
    // A forward to the next stage: the consumer (and its delivery) waiting for the publish confirm.
    std::uint32_t parent_worker = kNoConsumer;
    std::uint32_t parent_letter = 0;
    std::uint64_t parent_delivery = 0;
    Time published;  // when the client published the event (carried along the chain)
    Time entered;    // when it entered its stage's queue (a requeue keeps it: RabbitMQ's TTL)
    bool visible_again = false;  // its visibility timeout ran out while a consumer worked on it
    Time dequeued;
    std::uint32_t holder = kNoConsumer;  // the consumer holding it (delivery, call, blocking backoff)
    TimerGenerations timers;
};

struct Worker {
    std::unique_ptr<Consumer> machine;
    std::uint32_t stage = 0;
    std::uint32_t letter = 0;  // valid while the consumer holds one
    bool holding = false;
    // Its message's visibility timeout ran out while it worked: the message is visible again (and
    // may be delivered to another consumer), but this consumer does not know and works on. What
    // it does from then on touches nobody's message.
    bool ghost = false;
    GuardedCall guarded;  // the delivery's call to the service
    std::uint64_t delivery_token = 0;  // tells a stale Deliver (consumer timed out) apart
    TimerGenerations timers;
};

enum class DeferredKind : std::uint8_t { Requeue, RequeueNearHead, DeadLetter, PermitGranted, PermitRejected };

// One queue of the chain and its consumers. Every stage but the last forwards a message by
// publishing it to the next stage's queue; the last calls the service.
struct Stage {
    const EventConfig* config;
    std::deque<std::uint32_t> queue;
    std::deque<std::uint32_t> idle;  // longest-idle consumer first
};

class EventSystem final : public SystemBase,
                          public BreakerEffects,
                          public BulkheadEffects,
                          public MessageEffects,
                          public ConsumerEffects {
public:
    EventSystem(const Scenario& s, const RunOptions& options);

    std::size_t live_slots() const override { return letters_.size(); }
    std::size_t live_bytes() const override {
        return letters_.size() * event_bytes_per_message() + workers_.size() * event_bytes_per_consumer() +
               deferred_.bytes();
    }

    RunMetrics run();

    // --- the machines' effects -------------------------------------------------------------------
    void start_timer(TimerKind kind, std::uint64_t id, Duration after) override;
    void cancel_timer(TimerKind kind, std::uint64_t id) override { ++timers_of(kind, id)[kind]; }
    void requeue(std::uint64_t message, bool near_head) override {
        deferred_.push(near_head ? DeferredKind::RequeueNearHead : DeferredKind::Requeue, message);
    }
    void dead_letter(std::uint64_t message) override { deferred_.push(DeferredKind::DeadLetter, message); }
    void permit_granted(std::uint64_t id) override { deferred_.push(DeferredKind::PermitGranted, id); }
    void permit_rejected(std::uint64_t id) override { deferred_.push(DeferredKind::PermitRejected, id); }
    void transitioned(ComponentId component, std::string_view from, std::string_view event, std::string_view to,
                      std::uint64_t id) override;

private:
    TimerGenerations& timers_of(TimerKind kind, std::uint64_t id);

    // --- the event loop ------------------------------------------------------------------------
    void handle(const SystemEvent& e);
    void drain_deferred();

    // A publish leaves the producer; it reaches the queue after the publish hop.
    void on_arrival();
    bool queue_has_room(std::uint32_t stage) const {
        return stages_[stage].queue.size() < stages_[stage].config->queue_capacity;
    }

    // The queue's answer to one more message, by its overflow policy. drop-head makes room by
    // dead-lettering the oldest message (reason maxlen).
    Admission admit(std::uint32_t stage);
    bool last_stage(std::uint32_t stage) const { return stage + 1 == stages_.size(); }

    void on_enqueue(std::uint32_t s);

    // --- event_chain.cpp --------------------------------------------------------------------------
    // Every stage but the last processes a message by publishing it to the next stage; the
    // delivery succeeds when that queue confirms the publish, fails when it refuses it.
    void forward(std::uint32_t w);
    void on_forward_arrived(std::uint32_t c);

    // A letter leaves without an outcome (handed to the next stage, or a refused forward).
    void retire(std::uint32_t s);

    // The Message machine asked for a requeue (it checked queue_has_room at RedeliveryDue).
    void enqueue(std::uint32_t s, bool near_head);

    // Queue depth is the sum over the chain's queues.
    void note_queue_depth(int change);

    // Idle consumers take messages from the head of the queue, longest-idle consumer first.
    void dispatch();
    bool has_expired(std::uint32_t s) const {
        const Duration ttl = stages_[letters_[s].stage].config->message.ttl;
        return ttl > Duration::zero() && sim_.now() - letters_[s].entered >= ttl;
    }

    // --- event_consumers.cpp (and on_timer, settle, snapshot in event_system.cpp) ---------------
    void hold(std::uint32_t w, std::uint32_t s);
    // The consumer lets go of its message (settled, requeued, or left to a delayed requeue).
    void release_letter_from(std::uint32_t w);
    // The consumer is done with its message and becomes Idle.
    void consumer_finished(std::uint32_t w);

    // The delivery reached the consumer: the message is in flight; call the downstream.
    void on_deliver(std::uint32_t w);
    void call_downstream(std::uint32_t w);
    void on_attempt_done(const SystemEvent& e);
    void on_attempt_timeout(const SystemEvent& e);
    void on_timer(const SystemEvent& e);
    void processing_succeeded(std::uint32_t w);

    // An error, a timeout or a rejection: the Message machine decides between a redelivery and
    // the dead-letter queue.
    void processing_failed(std::uint32_t w, AttemptOutcome outcome);
    void note_retry_decided(std::uint32_t s);
    void on_redelivery_due(std::uint32_t s);

    // SQS: the consumer did not delete the message within its visibility timeout. The message is
    // visible again (or, past maxReceiveCount, dead-lettered); the consumer works on as a ghost.
    // The requeue ignores the queue's capacity: the message never left the queue's count in SQS.
    void on_visibility_expired(std::uint32_t s);

    // A ghost's work ended (any outcome): the consumer is free; no message is touched.
    void ghost_finished(std::uint32_t w) {
        workers_[w].ghost = false;
        consumer_finished(w);
    }

    // The consumer held its message too long: it lets go; the message fails this delivery.
    void on_processing_timeout(std::uint32_t w);
    void settle(std::uint32_t s, Outcome outcome);
    Snapshot snapshot() const;

    const EventConfig& last_;  // the stage that calls the service
    Rng backoff_rng_;
    std::optional<CircuitBreaker> breaker_;
    std::optional<Bulkhead> bulkhead_;
    std::optional<CallGuards> guards_;  // in front of the service: the last stage's breaker and bulkhead
    TimerGenerations breaker_timers_;
    SlotPool<Letter> letters_;
    std::vector<Worker> workers_;
    std::vector<Stage> stages_;
    std::uint64_t queued_ = 0;  // in all the chain's queues
    DeferredEffects<DeferredKind> deferred_;
    std::uint64_t in_transit_ = 0;
    std::uint64_t holding_ = 0;
    std::uint64_t waiting_ = 0;
    std::uint64_t unhandled_effects_ = 0;
    std::uint64_t retired_unhandled_ = 0;
    // For observers only.
    ObserverCounters observed_;
};

}  // namespace cascadelab::event_driven
