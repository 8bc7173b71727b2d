// The event-driven architecture on the simulator. Message and Consumer machines decide; this
// file moves messages between the queue, the consumers and the downstream, and counts.
//
// The last stage's consumers call the service through the guarded call the RPC system uses too;
// a machine's effects run to completion through the deferred-effects queue.
#include "model/event_system.hpp"

#include <algorithm>  // std::max
#include <array>      // std::array
#include <deque>      // std::deque
#include <memory>     // std::unique_ptr
#include <optional>   // std::optional
#include <vector>     // std::vector

#include "model/deferred_effects.hpp"
#include "model/guarded_call.hpp"
#include "model/kernel/slot_pool.hpp"
#include "model/snapshot.hpp"
#include "model/system_base.hpp"
#include "statemachines/bulkhead.hpp"
#include "statemachines/circuit_breaker.hpp"
#include "statemachines/consumer.hpp"
#include "statemachines/message.hpp"

namespace cascadelab {

namespace {

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

// Component names per stage, with static storage as traces require: the first stage's are plain.
constexpr std::array<std::string_view, kMaxTiers> kMessageNames{
    "message", "stage2.message", "stage3.message", "stage4.message",
    "stage5.message", "stage6.message", "stage7.message", "stage8.message"};
constexpr std::array<std::string_view, kMaxTiers> kConsumerNames{
    "consumer", "stage2.consumer", "stage3.consumer", "stage4.consumer",
    "stage5.consumer", "stage6.consumer", "stage7.consumer", "stage8.consumer"};

class EventSystem final : public SystemBase {
public:
    EventSystem(const Scenario& s, const RunOptions& options)
        : SystemBase(s, options, Architecture::Event),
          last_(s.inner_stages.empty() ? s.event : s.inner_stages.back()),
          backoff_rng_(streams_.stream("message.backoff")) {
        // The guards sit in front of the service, at the last stage.
        if (last_.breaker) breaker_.emplace(*last_.breaker, *this, "breaker");
        if (last_.bulkhead) bulkhead_.emplace(*last_.bulkhead, *this, "bulkhead");
        if (breaker_) metrics_.breaker_open.record(Time{}, 0.0);
        guards_.emplace(breaker_ ? &*breaker_ : nullptr, bulkhead_ ? &*bulkhead_ : nullptr, PermitlessOutcomes::Ignored,
                        metrics_, desk_, &observed_);
        stages_.push_back(Stage{&s.event, {}, {}});
        for (const EventConfig& inner : s.inner_stages) stages_.push_back(Stage{&inner, {}, {}});
        metrics_.attempts_by_tier.assign(stages_.size(), 0);
        for (std::uint32_t st = 0; st < stages_.size(); ++st) {
            const EventConfig& c = *stages_[st].config;
            for (std::uint32_t k = 0; k < c.consumers; ++k) {
                const auto w = static_cast<std::uint32_t>(workers_.size());
                workers_.emplace_back();
                workers_[w].stage = st;
                workers_[w].machine = std::make_unique<Consumer>(c.consumer, w, *this, consumer_component(st));
                stages_[st].idle.push_back(w);
            }
        }
    }

    std::size_t live_slots() const override { return letters_.size(); }
    std::size_t live_bytes() const override {
        return letters_.size() * event_bytes_per_message() + workers_.size() * event_bytes_per_consumer() +
               deferred_.bytes();
    }

    RunMetrics run() {
        run_loop([this](const SystemEvent& e) { handle(e); });
        for (const Letter& l : letters_) {
            if (l.machine) {
                ++metrics_.unfinished;
                metrics_.unhandled_events += l.machine->unhandled_events();
            }
        }
        for (const Worker& w : workers_) metrics_.unhandled_events += w.machine->unhandled_events();
        metrics_.unhandled_events += unhandled_effects_ + retired_unhandled_;
        if (breaker_) metrics_.unhandled_events += breaker_->unhandled_events();
        if (bulkhead_) metrics_.unhandled_events += bulkhead_->unhandled_events();
        return std::move(metrics_);
    }

    // --- Effects -------------------------------------------------------------------------------
    void start_timer(TimerKind kind, std::uint64_t id, Duration after) override {
        const std::uint64_t gen = ++timers_of(kind, id)[kind];
        sim_.schedule_after(after, SystemEvent{SystemEventKind::Timer, kind, false, false,
                                               static_cast<std::uint32_t>(id), gen});
    }
    void cancel_timer(TimerKind kind, std::uint64_t id) override { ++timers_of(kind, id)[kind]; }
    void requeue(std::uint64_t message, bool near_head) override {
        deferred_.push(near_head ? DeferredKind::RequeueNearHead : DeferredKind::Requeue, message);
    }
    void dead_letter(std::uint64_t message) override { deferred_.push(DeferredKind::DeadLetter, message); }
    void permit_granted(std::uint64_t id) override { deferred_.push(DeferredKind::PermitGranted, id); }
    void permit_rejected(std::uint64_t id) override { deferred_.push(DeferredKind::PermitRejected, id); }
    // Attempts are sent by consumers here, not by a retry machine: a call is a wiring bug.
    void send_attempt(std::uint64_t, std::uint32_t) override { ++unhandled_effects_; }
    void transitioned(std::string_view component, std::string_view from, std::string_view event,
                      std::string_view to, std::uint64_t id) override {
        const bool letter_id = component.ends_with("message");
        const std::uint64_t shown = letter_id && id < letters_.size() ? letters_[id].number : id;
        report_transition(component, from, event, to, shown);
    }

private:
    TimerGenerations& timers_of(TimerKind kind, std::uint64_t id) {
        switch (kind) {
            case TimerKind::BreakerOpenWait:
            case TimerKind::BreakerHalfOpenWait: return breaker_timers_;
            case TimerKind::MessageRedelivery:
            case TimerKind::MessageVisibility: return letters_[id].timers;
            default: return workers_[id].timers;  // BulkheadWait, ConsumerProcessingTimeout
        }
    }

    // --- the event loop ------------------------------------------------------------------------
    void handle(const SystemEvent& e) {
        switch (e.kind) {
            case SystemEventKind::Arrival: on_arrival(); break;
            case SystemEventKind::Enqueue: on_enqueue(e.index); break;
            case SystemEventKind::Deliver:
                if (workers_[e.index].delivery_token == e.token) on_deliver(e.index);
                break;
            case SystemEventKind::AttemptDone: on_attempt_done(e); break;
            case SystemEventKind::AttemptTimeout: on_attempt_timeout(e); break;
            case SystemEventKind::Timer: on_timer(e); break;
        }
        drain_deferred();
        dispatch();
        if (options_.observer) options_.observer->step(snapshot());
    }

    void drain_deferred() {
        deferred_.drain([this](DeferredKind kind, std::uint32_t index) {
            switch (kind) {
                case DeferredKind::Requeue: enqueue(index, false); break;
                case DeferredKind::RequeueNearHead: enqueue(index, true); break;
                case DeferredKind::DeadLetter: settle(index, Outcome::DeadLettered); break;
                case DeferredKind::PermitGranted:
                    if (guards_->permit_granted(workers_[index].guarded, sim_.now())) call_downstream(index);
                    break;
                case DeferredKind::PermitRejected:
                    if (guards_->permit_rejected(workers_[index].guarded, sim_.now()))
                        processing_failed(index, AttemptOutcome::BulkheadRejected);
                    break;
            }
        });
    }

    // A publish leaves the producer; it reaches the queue after the publish hop.
    void on_arrival() {
        schedule_next_arrival();
        const std::uint32_t s = letters_.acquire();
        Letter& l = letters_[s];
        l.number = ++metrics_.requests;
        metrics_.arrivals.record(sim_.now());
        metrics_.last_arrival = sim_.now();
        l.published = sim_.now();
        l.holder = kNoConsumer;
        l.stage = 0;
        l.parent_worker = kNoConsumer;
        l.visible_again = false;
        l.machine = std::make_unique<Message>(stages_[0].config->message, s, *this, backoff_rng_, message_component(0));
        ++in_transit_;
        sim_.schedule_after(stages_[0].config->publish_latency,
                            SystemEvent{SystemEventKind::Enqueue, TimerKind::RetryBackoff, false, false, s, 0});
    }

    bool queue_has_room(std::uint32_t stage) const {
        return stages_[stage].queue.size() < stages_[stage].config->queue_capacity;
    }

    // The queue's answer to one more message, by its overflow policy. drop-head makes room by
    // dead-lettering the oldest message (reason maxlen).
    Admission admit(std::uint32_t stage) {
        if (queue_has_room(stage)) return Admission::Accepted;
        switch (stages_[stage].config->overflow) {
            case QueueOverflow::DropHead: {
                std::deque<std::uint32_t>& queue = stages_[stage].queue;
                const std::uint32_t head = queue.front();
                queue.pop_front();
                note_queue_depth(-1);
                letters_[head].machine->evicted(sim_.now());  // its dead-letter is deferred
                return Admission::Accepted;
            }
            case QueueOverflow::RejectPublish: return Admission::Refused;
            case QueueOverflow::RejectPublishDlx: return Admission::RefusedToDeadLetter;
        }
        return Admission::Refused;
    }
    bool last_stage(std::uint32_t stage) const { return stage + 1 == stages_.size(); }

    void on_enqueue(std::uint32_t s) {
        Letter& l = letters_[s];
        if (l.parent_worker != kNoConsumer) return on_forward_arrived(s);
        --in_transit_;
        l.machine->published(sim_.now(), admit(l.stage));
        switch (l.machine->state()) {
            case MessageState::Queued:
                l.entered = sim_.now();
                stages_[l.stage].queue.push_back(s);
                note_queue_depth(+1);
                break;
            case MessageState::Dropped: settle(s, Outcome::Dropped); break;
            default: break;  // dead-lettered (reject-publish-dlx): settled by the deferred DeadLetter
        }
    }

    // Every stage but the last processes a message by publishing it to the next stage; the
    // delivery succeeds when that queue confirms the publish, fails when it refuses it.
    void forward(std::uint32_t w) {
        Worker& wk = workers_[w];
        const Letter& parent = letters_[wk.letter];
        ++metrics_.attempts_by_tier[wk.stage];
        const std::uint32_t next = wk.stage + 1;
        const std::uint32_t c = letters_.acquire();
        Letter& child = letters_[c];
        child.number = parent.number;
        child.published = parent.published;
        child.stage = next;
        child.holder = kNoConsumer;
        child.visible_again = false;
        child.parent_worker = w;
        child.parent_letter = wk.letter;
        child.parent_delivery = wk.delivery_token;
        child.machine =
            std::make_unique<Message>(stages_[next].config->message, c, *this, backoff_rng_, message_component(next));
        sim_.schedule_after(stages_[next].config->publish_latency,
                            SystemEvent{SystemEventKind::Enqueue, TimerKind::RetryBackoff, false, false, c, 0});
    }

    void on_forward_arrived(std::uint32_t c) {
        Letter& child = letters_[c];
        const std::uint32_t w = child.parent_worker;
        Worker& wk = workers_[w];
        const bool awaited = wk.holding && wk.letter == child.parent_letter && wk.delivery_token == child.parent_delivery &&
                             letters_[wk.letter].machine->state() == MessageState::InFlight;
        child.parent_worker = kNoConsumer;
        if (wk.ghost && wk.delivery_token == child.parent_delivery) {
            // A forward by a consumer whose message became visible again: another consumer gets
            // it (a duplicate delivery, counted there), so this copy is not passed on: every
            // event keeps exactly one outcome.
            child.machine->published(sim_.now(), Admission::Refused);
            retire(c);
            ghost_finished(w);
            return;
        }
        if (!awaited) {
            child.machine->published(sim_.now(), Admission::Refused);
            retire(c);  // the forwarding consumer gave up on it (processing timeout): nobody confirms it
            return;
        }
        const Admission admission = admit(child.stage);
        child.machine->published(sim_.now(), admission);
        if (admission == Admission::Refused) {
            retire(c);  // refused (reject-publish): the forward failed and will be redelivered
            processing_failed(w, AttemptOutcome::Throttled);
            return;
        }
        if (admission == Admission::RefusedToDeadLetter) {
            // reject-publish-dlx: the broker dead-letters the copy it refused. The event's outcome
            // is that dead letter (settled by the deferred DeadLetter), so this stage's copy is
            // done: it is not retried, which would give the event a second outcome.
            const std::uint32_t done = wk.letter;
            letters_[done].machine->processing_succeeded(sim_.now());
            consumer_finished(w);
            retire(done);
            return;
        }
        // Confirmed: the message moves on. Its copy at this stage is done, with no outcome of its
        // own: the event's outcome is decided where the chain ends.
        const std::uint32_t done = wk.letter;
        letters_[done].machine->processing_succeeded(sim_.now());
        consumer_finished(w);
        retire(done);
        child.entered = sim_.now();
        stages_[child.stage].queue.push_back(c);
        note_queue_depth(+1);
    }

    // A letter leaves without an outcome (handed to the next stage, or a refused forward).
    void retire(std::uint32_t s) {
        Letter& l = letters_[s];
        retired_unhandled_ += l.machine->unhandled_events();
        l.machine.reset();
        ++l.timers[TimerKind::MessageRedelivery];
        ++l.timers[TimerKind::MessageVisibility];
        letters_.release(s);
    }

    // The Message machine asked for a requeue (it checked queue_has_room at RedeliveryDue).
    void enqueue(std::uint32_t s, bool near_head) {
        Letter& l = letters_[s];
        if (l.holder != kNoConsumer) {
            consumer_finished(l.holder);  // blocking retry: the consumer re-published it and is free
        } else {
            --waiting_;
        }
        std::deque<std::uint32_t>& queue = stages_[l.stage].queue;
        if (near_head) queue.push_front(s);
        else queue.push_back(s);
        note_queue_depth(+1);
    }

    // Queue depth is the sum over the chain's queues.
    void note_queue_depth(int change) {
        queued_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(queued_) + change);
        metrics_.max_queue_depth = std::max<std::uint64_t>(metrics_.max_queue_depth, queued_);
        metrics_.queue_depth.record(sim_.now(), static_cast<double>(queued_));
    }

    // Idle consumers take messages from the head of the queue, longest-idle consumer first.
    void dispatch() {
        bool expired = false;
        for (Stage& stage : stages_) {
            while (!stage.queue.empty() && !stage.idle.empty()) {
                const std::uint32_t s = stage.queue.front();
                stage.queue.pop_front();
                if (has_expired(s)) {
                    // RabbitMQ drops an expired message when it reaches the head: dead-lettered,
                    // reason expired, and the consumer takes the next one.
                    note_queue_depth(-1);
                    letters_[s].machine->expired(sim_.now());
                    expired = true;
                    continue;
                }
                const std::uint32_t w = stage.idle.front();
                stage.idle.pop_front();
                workers_[w].machine->message_delivered(sim_.now(), letters_[s].number);
                hold(w, s);
                const std::uint64_t token = ++workers_[w].delivery_token;
                sim_.schedule_after(stage.config->delivery_latency, SystemEvent{SystemEventKind::Deliver,
                                                                                TimerKind::RetryBackoff, false, false,
                                                                                w, token});
                note_queue_depth(-1);
            }
        }
        if (expired) drain_deferred();  // their dead-letters
    }

    bool has_expired(std::uint32_t s) const {
        const Duration ttl = stages_[letters_[s].stage].config->message.ttl;
        return ttl > Duration::zero() && sim_.now() - letters_[s].entered >= ttl;
    }

    void hold(std::uint32_t w, std::uint32_t s) {
        workers_[w].letter = s;
        workers_[w].holding = true;
        letters_[s].holder = w;
        ++holding_;
    }
    // The consumer lets go of its message (settled, requeued, or left to a delayed requeue).
    void release_letter_from(std::uint32_t w) {
        Worker& wk = workers_[w];
        if (!wk.holding) return;
        letters_[wk.letter].holder = kNoConsumer;
        wk.holding = false;
        --holding_;
    }
    // The consumer is done with its message and becomes Idle.
    void consumer_finished(std::uint32_t w) {
        release_letter_from(w);
        if (workers_[w].machine->state() != ConsumerState::Busy) return;  // it timed out already
        workers_[w].machine->processing_finished(sim_.now());
        stages_[workers_[w].stage].idle.push_back(w);
    }

    // The delivery reached the consumer: the message is in flight; call the downstream.
    void on_deliver(std::uint32_t w) {
        Worker& wk = workers_[w];
        Letter& l = letters_[wk.letter];
        const Time now = sim_.now();
        l.machine->delivered(now);
        if (l.machine->state() == MessageState::DeadLettered) {
            // SQS: this receive found the receive count used up: the message moves to the
            // dead-letter queue (the deferred DeadLetter settles it) and the consumer is free.
            consumer_finished(w);
            return;
        }
        if (l.visible_again) {
            l.visible_again = false;
            ++metrics_.duplicate_deliveries;
        }
        l.dequeued = now;
        if (l.machine->deliveries() > 1) ++metrics_.retries;
        if (l.stage == 0) observed_.max_attempt_number = std::max(observed_.max_attempt_number, l.machine->deliveries());
        if (!last_stage(wk.stage)) return forward(w);
        switch (guards_->enter(wk.guarded, now, w, true)) {
            case GuardDecision::Admitted: call_downstream(w); break;
            case GuardDecision::Waiting: break;
            case GuardDecision::BreakerRefused: processing_failed(w, AttemptOutcome::BreakerRejected); break;
            case GuardDecision::BulkheadRefused: processing_failed(w, AttemptOutcome::BulkheadRejected); break;
        }
    }

    void call_downstream(std::uint32_t w) {
        Worker& wk = workers_[w];
        desk_.start(wk.guarded.call, w);
        ++metrics_.attempts_by_tier[wk.stage];
        if (last_.attempt_timeout > Duration::zero())
            sim_.schedule_after(last_.attempt_timeout, SystemEvent{SystemEventKind::AttemptTimeout,
                                                                     TimerKind::RetryBackoff, false, false, w,
                                                                     wk.guarded.call.token});
    }

    void on_attempt_done(const SystemEvent& e) {
        Worker& wk = workers_[e.index];
        if (!guards_->answered(wk.guarded, e, sim_.now())) return;  // the call timed out earlier
        if (e.fails) processing_failed(e.index, wk.guarded.call.failure);
        else processing_succeeded(e.index);
    }

    void on_attempt_timeout(const SystemEvent& e) {
        Worker& wk = workers_[e.index];
        if (!wk.guarded.call.open || wk.guarded.call.token != e.token) return;  // it finished in time
        ++metrics_.attempt_timeouts;
        guards_->abandon(wk.guarded, sim_.now(), last_.attempt_timeout);
        processing_failed(e.index, AttemptOutcome::Timeout);
    }

    void on_timer(const SystemEvent& e) {
        const Time now = sim_.now();
        if (timers_of(e.timer, e.index)[e.timer] != e.token) return;  // cancelled or stale
        switch (e.timer) {
            case TimerKind::BreakerOpenWait: breaker_->open_wait_elapsed(now); break;
            case TimerKind::BreakerHalfOpenWait: breaker_->half_open_wait_elapsed(now); break;
            case TimerKind::BulkheadWait: bulkhead_->wait_expired(now, e.index); break;
            case TimerKind::MessageRedelivery: on_redelivery_due(e.index); break;
            case TimerKind::MessageVisibility: on_visibility_expired(e.index); break;
            case TimerKind::ConsumerProcessingTimeout: on_processing_timeout(e.index); break;
            default: ++unhandled_effects_; break;
        }
    }

    void processing_succeeded(std::uint32_t w) {
        Worker& wk = workers_[w];
        if (wk.ghost) return ghost_finished(w);
        const std::uint32_t s = wk.letter;
        Letter& l = letters_[s];
        const Time now = sim_.now();
        l.machine->processing_succeeded(now);
        metrics_.ok_latency.record(now - l.published);
        metrics_.service_latency.record(now - l.dequeued);
        metrics_.goodput.record(now);
        consumer_finished(w);
        settle(s, Outcome::Ok);
    }

    // An error, a timeout or a rejection: the Message machine decides between a redelivery and
    // the dead-letter queue.
    void processing_failed(std::uint32_t w, AttemptOutcome outcome) {
        Worker& wk = workers_[w];
        if (wk.ghost) return ghost_finished(w);
        const std::uint32_t s = wk.letter;
        letters_[s].machine->processing_failed(sim_.now(), outcome);
        if (letters_[s].machine->state() == MessageState::RetryWaiting) {
            note_retry_decided(s);
            if (stages_[letters_[s].stage].config->message.retry_mode == RetryMode::NonBlocking) {
                consumer_finished(w);
                ++waiting_;
            }
            // Blocking: the consumer stays Busy, holding the message through the backoff.
        } else {
            consumer_finished(w);  // dead-lettered (settled by the deferred DeadLetter)
        }
    }

    void note_retry_decided(std::uint32_t s) {
        if (letters_[s].stage != 0) return;  // the invariants watch the first stage, as RPC's the client tier
        ++observed_.retries_decided;
        observed_.max_backoff = std::max(observed_.max_backoff, letters_[s].machine->last_backoff());
    }

    void on_redelivery_due(std::uint32_t s) {
        Letter& l = letters_[s];
        if (!l.machine) return;
        const std::uint32_t holder = l.holder;
        l.machine->redelivery_due(sim_.now(), admit(l.stage));
        if (l.machine->state() == MessageState::Queued) return;  // the requeue is deferred; enqueue() frees a blocking consumer
        if (holder != kNoConsumer) consumer_finished(holder);
        else --waiting_;
        if (l.machine->state() == MessageState::Dropped) settle(s, Outcome::Dropped);
        // Dead-lettered (reject-publish-dlx): settled by the deferred DeadLetter.
    }

    // SQS: the consumer did not delete the message within its visibility timeout. The message is
    // visible again (or, past maxReceiveCount, dead-lettered); the consumer works on as a ghost.
    // The requeue ignores the queue's capacity: the message never left the queue's count in SQS.
    void on_visibility_expired(std::uint32_t s) {
        Letter& l = letters_[s];
        if (!l.machine || l.machine->state() != MessageState::InFlight || l.holder == kNoConsumer) {
            ++unhandled_effects_;  // the machine cancels this timer whenever the delivery settles
            return;
        }
        const std::uint32_t w = l.holder;
        l.machine->visibility_expired(sim_.now());
        release_letter_from(w);
        workers_[w].ghost = true;
        if (l.machine->state() == MessageState::Queued) {
            ++waiting_;  // until the deferred requeue puts it back in the queue
            l.visible_again = true;  // its next delivery is a duplicate
        }
    }

    // A ghost's work ended (any outcome): the consumer is free; no message is touched.
    void ghost_finished(std::uint32_t w) {
        workers_[w].ghost = false;
        consumer_finished(w);
    }

    // The consumer held its message too long: it lets go; the message fails this delivery.
    void on_processing_timeout(std::uint32_t w) {
        Worker& wk = workers_[w];
        wk.machine->processing_timed_out(sim_.now());
        stages_[wk.stage].idle.push_back(w);
        if (wk.ghost) {
            wk.ghost = false;
            ++wk.delivery_token;  // a forward still on its way is void
            guards_->abandon(wk.guarded, sim_.now(), stages_[wk.stage].config->consumer.processing_timeout);
            return;
        }
        if (!wk.holding) return;
        ++wk.delivery_token;  // a delivery still on its way is void
        const std::uint32_t s = wk.letter;
        Letter& l = letters_[s];
        if (l.machine->state() == MessageState::Queued) {
            // Timed out during the delivery hop: never processed, so it goes back to the head.
            release_letter_from(w);
            stages_[l.stage].queue.push_front(s);
            note_queue_depth(+1);
            return;
        }
        if (l.machine->state() == MessageState::InFlight) {
            guards_->abandon(wk.guarded, sim_.now(), stages_[wk.stage].config->consumer.processing_timeout);
            l.machine->processing_failed(sim_.now(), AttemptOutcome::Timeout);
            if (l.machine->state() == MessageState::RetryWaiting) {
                note_retry_decided(s);
                ++waiting_;
            }
        } else if (l.machine->state() == MessageState::RetryWaiting) {
            ++waiting_;  // a blocking backoff cut short: the delayed requeue goes on alone
        }
        release_letter_from(w);
    }

    void settle(std::uint32_t s, Outcome outcome) {
        Letter& l = letters_[s];
        const Time now = sim_.now();
        ++metrics_.outcomes[static_cast<std::size_t>(outcome)];
        if (outcome == Outcome::DeadLettered)
            ++metrics_.dead_letters_by_reason[static_cast<std::size_t>(l.machine->dead_letter_reason())];
        metrics_.finished_at = now;
        if (outcome != Outcome::Dropped) metrics_.latency.record(now - l.published);
        retired_unhandled_ += l.machine->unhandled_events();
        l.machine.reset();
        ++l.timers[TimerKind::MessageRedelivery];
        ++l.timers[TimerKind::MessageVisibility];
        letters_.release(s);
    }

    Snapshot snapshot() const {
        const Guards guards{breaker_ ? &*breaker_ : nullptr, last_.breaker ? &*last_.breaker : nullptr,
                            bulkhead_ ? &*bulkhead_ : nullptr, last_.bulkhead ? &*last_.bulkhead : nullptr};
        Snapshot snap = common_snapshot(sim_.now(), sim_.total_dispatched(), metrics_, observed_, downstream_.in_flight(),
                                        guards);
        snap.queued = queued_;
        snap.in_transit = in_transit_;
        snap.processing = holding_;
        snap.waiting = waiting_;
        snap.acked = metrics_.ok();
        snap.dead_lettered = metrics_.outcome(Outcome::DeadLettered);
        snap.dropped = metrics_.outcome(Outcome::Dropped);
        return snap;
    }

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

}  // namespace

// Each heap object carries the allocator's header (16 bytes with glibc); a queue entry is an index.
std::size_t event_bytes_per_message() { return sizeof(Letter) + Message::footprint() + 2 * 16 + sizeof(std::uint32_t); }
std::size_t event_bytes_per_consumer() { return sizeof(Worker) + Consumer::footprint() + 2 * 16; }

std::string_view message_component(std::uint32_t stage) { return kMessageNames.at(stage); }
std::string_view consumer_component(std::uint32_t stage) { return kConsumerNames.at(stage); }

RunMetrics run_event(const Scenario& scenario, const RunOptions& options) {
    EventSystem system(scenario, options);
    return system.run();
}

}  // namespace cascadelab
