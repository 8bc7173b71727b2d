// The event-driven architecture on the simulator. Message and Consumer machines decide; this
// file moves messages between the queue, the consumers and the downstream, and counts.
//
// Run to completion, as in the RPC system: a machine's effects that touch other machines or
// free a message (requeue, dead-letter, a bulkhead permit) are queued in `deferred_` and carried
// out after the machine's own event has finished.
#include "model/event_system.hpp"

#include <algorithm>  // std::max
#include <deque>      // std::deque
#include <memory>     // std::unique_ptr
#include <optional>   // std::optional
#include <vector>     // std::vector

#include "model/downstream.hpp"
#include "model/downstream_call.hpp"
#include "model/slot_pool.hpp"
#include "model/snapshot.hpp"
#include "model/rng.hpp"
#include "model/simulator.hpp"
#include "model/system_event.hpp"
#include "model/workload.hpp"
#include "statemachines/bulkhead.hpp"
#include "statemachines/circuit_breaker.hpp"
#include "statemachines/consumer.hpp"
#include "statemachines/message.hpp"

namespace cascadelab {

namespace {

constexpr std::uint32_t kNoConsumer = UINT32_MAX;

// One live message; slots are reused once it is acked, dead-lettered or dropped.
struct Letter {
    std::unique_ptr<Message> machine;
    std::uint64_t number = 0;  // 1-based, in publish order: the id shown in traces
    Time published;
    Time dequeued;
    std::uint32_t holder = kNoConsumer;  // the consumer holding it (delivery, call, blocking backoff)
    TimerGenerations timers;
};

struct Worker {
    std::unique_ptr<Consumer> machine;
    std::uint32_t letter = 0;  // valid while the consumer holds one
    bool holding = false;
    DownstreamCall call;  // the delivery's call to the service
    bool holds_slot = false;
    bool waiting_for_slot = false;
    std::uint32_t stale_waits = 0;
    BreakerPermit permit;
    std::uint64_t delivery_token = 0;  // tells a stale Deliver (consumer timed out) apart
    TimerGenerations timers;
};

enum class DeferredKind : std::uint8_t { Requeue, RequeueNearHead, DeadLetter, PermitGranted, PermitRejected };
struct Deferred {
    DeferredKind kind;
    std::uint32_t index;
};

class EventSystem final : public Effects {
public:
    EventSystem(const Scenario& s, const RunOptions& options)
        : scenario_(s),
          config_(s.event),
          options_(options),
          streams_(s.seed),
          metrics_(s.metrics.window),
          downstream_(s.downstream, s.faults, streams_.stream("downstream.latency"),
                      streams_.stream("downstream.failure")),
          desk_(downstream_, metrics_, sim_, s.downstream.on_timeout),
          arrivals_(s.workload, streams_.stream("workload")),
          backoff_rng_(streams_.stream("message.backoff")) {
        metrics_.scenario = s.name;
        metrics_.architecture = Architecture::Event;
        metrics_.seed = s.seed;
        if (config_.breaker) breaker_.emplace(*config_.breaker, *this, "breaker");
        if (config_.bulkhead) bulkhead_.emplace(*config_.bulkhead, *this, "bulkhead");
        if (breaker_) metrics_.breaker_open.record(Time{}, 0.0);
        workers_.resize(config_.consumers);
        for (std::uint32_t w = 0; w < config_.consumers; ++w) {
            workers_[w].machine = std::make_unique<Consumer>(config_.consumer, w, *this, "consumer");
            idle_.push_back(w);
        }
    }

    RunMetrics run() {
        schedule_next_arrival();
        StopConditions stop;
        if (scenario_.horizon > Duration::zero()) stop.until = Time::at(scenario_.horizon);
        sim_.run([this](Simulator<SystemEvent>&, SystemEvent& e) { handle(e); }, stop);

        metrics_.events = sim_.total_dispatched();
        metrics_.max_downstream_in_flight = downstream_.max_in_flight();
        metrics_.refused_by_downstream = downstream_.refused();
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
        deferred_.push_back({near_head ? DeferredKind::RequeueNearHead : DeferredKind::Requeue,
                             static_cast<std::uint32_t>(message)});
    }
    void dead_letter(std::uint64_t message) override {
        deferred_.push_back({DeferredKind::DeadLetter, static_cast<std::uint32_t>(message)});
    }
    void permit_granted(std::uint64_t id) override {
        deferred_.push_back({DeferredKind::PermitGranted, static_cast<std::uint32_t>(id)});
    }
    void permit_rejected(std::uint64_t id) override {
        deferred_.push_back({DeferredKind::PermitRejected, static_cast<std::uint32_t>(id)});
    }
    // Attempts are sent by consumers here, not by a retry machine: a call is a wiring bug.
    void send_attempt(std::uint64_t, std::uint32_t) override { ++unhandled_effects_; }
    void transitioned(std::string_view component, std::string_view from, std::string_view event,
                      std::string_view to, std::uint64_t id) override {
        const bool letter_id = component == "message";
        const std::uint64_t shown = letter_id && id < letters_.size() ? letters_[id].number : id;
        if (component == "breaker") metrics_.note_breaker_state(sim_.now(), to);
        if (options_.trace) options_.trace->record(sim_.now(), component, from, event, to, shown);
        if (options_.observer) options_.observer->transitioned(sim_.now(), component, from, event, to, shown);
    }

private:
    TimerGenerations& timers_of(TimerKind kind, std::uint64_t id) {
        switch (kind) {
            case TimerKind::BreakerOpenWait:
            case TimerKind::BreakerHalfOpenWait: return breaker_timers_;
            case TimerKind::MessageRedelivery: return letters_[id].timers;
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
        for (std::size_t i = 0; i < deferred_.size(); ++i) {
            const Deferred d = deferred_[i];
            switch (d.kind) {
                case DeferredKind::Requeue: enqueue(d.index, false); break;
                case DeferredKind::RequeueNearHead: enqueue(d.index, true); break;
                case DeferredKind::DeadLetter: settle(d.index, Outcome::DeadLettered); break;
                case DeferredKind::PermitGranted: on_permit_granted(d.index); break;
                case DeferredKind::PermitRejected: on_permit_rejected(d.index); break;
            }
        }
        deferred_.clear();
    }

    void schedule_next_arrival() {
        if (const std::optional<Time> at = arrivals_.next())
            sim_.schedule_at(*at, SystemEvent{SystemEventKind::Arrival, TimerKind::RetryBackoff, false, false, 0, 0});
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
        l.machine = std::make_unique<Message>(config_.message, s, *this, backoff_rng_);
        ++in_transit_;
        sim_.schedule_after(config_.publish_latency,
                            SystemEvent{SystemEventKind::Enqueue, TimerKind::RetryBackoff, false, false, s, 0});
    }

    bool queue_has_room() const { return queue_.size() < config_.queue_capacity; }

    void on_enqueue(std::uint32_t s) {
        --in_transit_;
        const bool room = queue_has_room();
        letters_[s].machine->published(sim_.now(), room);
        if (room) {
            queue_.push_back(s);
            note_queue_depth();
        } else {
            settle(s, Outcome::Dropped);
        }
    }

    // The Message machine asked for a requeue (it checked queue_has_room at RedeliveryDue).
    void enqueue(std::uint32_t s, bool near_head) {
        Letter& l = letters_[s];
        if (l.holder != kNoConsumer) {
            consumer_finished(l.holder);  // blocking retry: the consumer re-published it and is free
        } else {
            --waiting_;
        }
        if (near_head) queue_.push_front(s);
        else queue_.push_back(s);
        note_queue_depth();
    }

    void note_queue_depth() {
        metrics_.max_queue_depth = std::max<std::uint64_t>(metrics_.max_queue_depth, queue_.size());
        metrics_.queue_depth.record(sim_.now(), static_cast<double>(queue_.size()));
    }

    // Idle consumers take messages from the head of the queue, longest-idle consumer first.
    void dispatch() {
        while (!queue_.empty() && !idle_.empty()) {
            const std::uint32_t s = queue_.front();
            queue_.pop_front();
            const std::uint32_t w = idle_.front();
            idle_.pop_front();
            workers_[w].machine->message_delivered(sim_.now(), letters_[s].number);
            hold(w, s);
            const std::uint64_t token = ++workers_[w].delivery_token;
            sim_.schedule_after(config_.delivery_latency,
                                SystemEvent{SystemEventKind::Deliver, TimerKind::RetryBackoff, false, false, w, token});
            metrics_.queue_depth.record(sim_.now(), static_cast<double>(queue_.size()));
        }
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
        idle_.push_back(w);
    }

    // The delivery reached the consumer: the message is in flight; call the downstream.
    void on_deliver(std::uint32_t w) {
        Worker& wk = workers_[w];
        Letter& l = letters_[wk.letter];
        const Time now = sim_.now();
        l.machine->delivered(now);
        l.dequeued = now;
        if (l.machine->deliveries() > 1) ++metrics_.retries;
        observed_.max_attempt_number = std::max(observed_.max_attempt_number, l.machine->deliveries());
        if (breaker_) {
            wk.permit = breaker_->call_requested(now);
            observed_.breaker_permits += wk.permit.permitted ? 1 : 0;
            if (!wk.permit.permitted) {
                ++metrics_.breaker_rejections;
                processing_failed(w);
                return;
            }
        }
        if (!bulkhead_) {
            call_downstream(w);
            return;
        }
        switch (bulkhead_->permit_requested(now, w)) {
            case PermitDecision::Admitted:
                wk.holds_slot = true;
                call_downstream(w);
                break;
            case PermitDecision::Queued:
                wk.waiting_for_slot = true;
                metrics_.max_bulkhead_waiting = std::max<std::uint64_t>(metrics_.max_bulkhead_waiting, bulkhead_->waiting());
                break;
            case PermitDecision::Rejected: bulkhead_refused(w); break;
        }
    }

    void on_permit_granted(std::uint32_t w) {
        Worker& wk = workers_[w];
        if (wk.stale_waits > 0) {
            --wk.stale_waits;
            bulkhead_->permit_released(sim_.now());
            return;
        }
        wk.waiting_for_slot = false;
        wk.holds_slot = true;
        call_downstream(w);
    }

    void on_permit_rejected(std::uint32_t w) {
        Worker& wk = workers_[w];
        if (wk.stale_waits > 0) {
            --wk.stale_waits;
            return;
        }
        wk.waiting_for_slot = false;
        bulkhead_refused(w);
    }

    void bulkhead_refused(std::uint32_t w) {
        ++metrics_.bulkhead_rejections;
        record_in_breaker(w, Duration::zero(), true);
        processing_failed(w);
    }

    void call_downstream(std::uint32_t w) {
        Worker& wk = workers_[w];
        desk_.start(wk.call, w);
        if (config_.attempt_timeout > Duration::zero())
            sim_.schedule_after(config_.attempt_timeout, SystemEvent{SystemEventKind::AttemptTimeout,
                                                                     TimerKind::RetryBackoff, false, false, w,
                                                                     wk.call.token});
    }

    void leave_attempt(std::uint32_t w) {
        Worker& wk = workers_[w];
        if (wk.waiting_for_slot) {
            wk.waiting_for_slot = false;
            ++wk.stale_waits;
            return;
        }
        if (!wk.call.open) return;
        desk_.leave(wk.call);
        release_bulkhead(w);
    }

    void release_bulkhead(std::uint32_t w) {
        Worker& wk = workers_[w];
        if (!wk.holds_slot) return;
        wk.holds_slot = false;
        bulkhead_->permit_released(sim_.now());
    }

    void record_in_breaker(std::uint32_t w, Duration took, bool failed) {
        Worker& wk = workers_[w];
        if (breaker_ && wk.permit.permitted) breaker_->call_completed(sim_.now(), wk.permit, took, failed);
        wk.permit = BreakerPermit{};
    }

    void on_attempt_done(const SystemEvent& e) {
        Worker& wk = workers_[e.index];
        if (!desk_.done(wk.call, e)) return;  // the call timed out earlier
        release_bulkhead(e.index);
        record_in_breaker(e.index, sim_.now() - wk.call.started, e.fails);
        if (e.fails) {
            ++metrics_.attempt_errors;
            processing_failed(e.index);
        } else {
            processing_succeeded(e.index);
        }
    }

    void on_attempt_timeout(const SystemEvent& e) {
        Worker& wk = workers_[e.index];
        if (!wk.call.open || wk.call.token != e.token) return;  // it finished in time
        ++metrics_.attempt_timeouts;
        leave_attempt(e.index);
        record_in_breaker(e.index, config_.attempt_timeout, true);
        processing_failed(e.index);
    }

    void on_timer(const SystemEvent& e) {
        const Time now = sim_.now();
        if (timers_of(e.timer, e.index)[e.timer] != e.token) return;  // cancelled or stale
        switch (e.timer) {
            case TimerKind::BreakerOpenWait: breaker_->open_wait_elapsed(now); break;
            case TimerKind::BreakerHalfOpenWait: breaker_->half_open_wait_elapsed(now); break;
            case TimerKind::BulkheadWait: bulkhead_->wait_expired(now, e.index); break;
            case TimerKind::MessageRedelivery: on_redelivery_due(e.index); break;
            case TimerKind::ConsumerProcessingTimeout: on_processing_timeout(e.index); break;
            default: ++unhandled_effects_; break;
        }
    }

    void processing_succeeded(std::uint32_t w) {
        Worker& wk = workers_[w];
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
    void processing_failed(std::uint32_t w) {
        Worker& wk = workers_[w];
        const std::uint32_t s = wk.letter;
        letters_[s].machine->processing_failed(sim_.now());
        if (letters_[s].machine->state() == MessageState::RetryWaiting) {
            note_retry_decided(s);
            if (config_.message.retry_mode == RetryMode::NonBlocking) {
                consumer_finished(w);
                ++waiting_;
            }
            // Blocking: the consumer stays Busy, holding the message through the backoff.
        } else {
            consumer_finished(w);  // dead-lettered (settled by the deferred DeadLetter)
        }
    }

    void note_retry_decided(std::uint32_t s) {
        ++observed_.retries_decided;
        observed_.max_backoff = std::max(observed_.max_backoff, letters_[s].machine->last_backoff());
    }

    void on_redelivery_due(std::uint32_t s) {
        Letter& l = letters_[s];
        if (!l.machine) return;
        const std::uint32_t holder = l.holder;
        l.machine->redelivery_due(sim_.now(), queue_has_room());
        if (l.machine->state() == MessageState::Dropped) {
            if (holder != kNoConsumer) consumer_finished(holder);
            else --waiting_;
            settle(s, Outcome::Dropped);
        }
        // Otherwise the requeue is deferred; enqueue() frees a blocking consumer.
    }

    // The consumer held its message too long: it lets go; the message fails this delivery.
    void on_processing_timeout(std::uint32_t w) {
        Worker& wk = workers_[w];
        wk.machine->processing_timed_out(sim_.now());
        idle_.push_back(w);
        if (!wk.holding) return;
        ++wk.delivery_token;  // a delivery still on its way is void
        const std::uint32_t s = wk.letter;
        Letter& l = letters_[s];
        if (l.machine->state() == MessageState::Queued) {
            // Timed out during the delivery hop: never processed, so it goes back to the head.
            release_letter_from(w);
            queue_.push_front(s);
            note_queue_depth();
            return;
        }
        if (l.machine->state() == MessageState::InFlight) {
            leave_attempt(w);
            record_in_breaker(w, config_.consumer.processing_timeout, true);
            l.machine->processing_failed(sim_.now());
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
        metrics_.finished_at = now;
        if (outcome != Outcome::Dropped) metrics_.latency.record(now - l.published);
        retired_unhandled_ += l.machine->unhandled_events();
        l.machine.reset();
        ++l.timers[TimerKind::MessageRedelivery];
        letters_.release(s);
    }

    Snapshot snapshot() const {
        const Guards guards{breaker_ ? &*breaker_ : nullptr, config_.breaker ? &*config_.breaker : nullptr,
                            bulkhead_ ? &*bulkhead_ : nullptr, config_.bulkhead ? &*config_.bulkhead : nullptr};
        Snapshot snap = common_snapshot(sim_.now(), sim_.total_dispatched(), metrics_, observed_, downstream_.in_flight(),
                                        guards);
        snap.queued = queue_.size();
        snap.in_transit = in_transit_;
        snap.processing = holding_;
        snap.waiting = waiting_;
        snap.acked = metrics_.ok();
        snap.dead_lettered = metrics_.outcome(Outcome::DeadLettered);
        snap.dropped = metrics_.outcome(Outcome::Dropped);
        return snap;
    }

    const Scenario& scenario_;
    const EventConfig& config_;
    RunOptions options_;
    RngStreams streams_;
    RunMetrics metrics_;
    Simulator<SystemEvent> sim_;
    Downstream downstream_;
    CallDesk desk_;
    ArrivalGenerator arrivals_;
    Rng backoff_rng_;
    std::optional<CircuitBreaker> breaker_;
    std::optional<Bulkhead> bulkhead_;
    TimerGenerations breaker_timers_;
    SlotPool<Letter> letters_;
    std::vector<Worker> workers_;
    std::deque<std::uint32_t> idle_;
    std::deque<std::uint32_t> queue_;
    std::vector<Deferred> deferred_;
    std::uint64_t in_transit_ = 0;
    std::uint64_t holding_ = 0;
    std::uint64_t waiting_ = 0;
    std::uint64_t unhandled_effects_ = 0;
    std::uint64_t retired_unhandled_ = 0;
    // For observers only.
    ObserverCounters observed_;
};

}  // namespace

RunMetrics run_event(const Scenario& scenario, const RunOptions& options) {
    EventSystem system(scenario, options);
    return system.run();
}

}  // namespace cascadelab
