// The event-driven architecture on the simulator. Message and Consumer machines decide; this
// file moves messages between the queue, the consumers and the downstream, and counts.
//
// The last stage's consumers call the service through the guarded call the RPC system uses too;
// a machine's effects run to completion through the deferred-effects queue.
#include "model/event_system.hpp"

#include <algorithm>  // std::max
#include <array>      // std::array

#include "model/event_system_impl.hpp"

namespace cascadelab {

namespace {

static_assert(kMaxTiers <= kMaxPlaces, "every stage's components need a name");

// The breaker and the bulkhead sit at the last stage, in front of the service; there is one of
// each, so they carry the plain names ("breaker", "bulkhead") whatever the length of the chain.
constexpr ComponentId kBreaker{ComponentKind::Breaker, 0};
constexpr ComponentId kBulkhead{ComponentKind::Bulkhead, 0};

}  // namespace

namespace event_driven {

EventSystem::EventSystem(const Scenario& s, const RunOptions& options)
    : SystemBase(s, options, Architecture::Event),
      last_(s.inner_stages.empty() ? s.event : s.inner_stages.back()),
      backoff_rng_(streams_.stream("message.backoff")) {
    // The guards sit in front of the service, at the last stage.
    if (last_.breaker) breaker_.emplace(*last_.breaker, *this, kBreaker);
    if (last_.bulkhead) bulkhead_.emplace(*last_.bulkhead, *this, kBulkhead);
    if (breaker_) metrics_.breaker_open.record(Time{}, 0.0);
    guards_.emplace(breaker_ ? &*breaker_ : nullptr, bulkhead_ ? &*bulkhead_ : nullptr, PermitlessOutcomes::Ignored,
                    metrics_, desk_, &observed_, options_.observer);
    stages_.push_back(Stage{&s.event, {}, {}});
    for (const EventConfig& inner : s.inner_stages) stages_.push_back(Stage{&inner, {}, {}});
    metrics_.attempts_by_tier.assign(stages_.size(), 0);
    for (std::uint32_t st = 0; st < stages_.size(); ++st) {
        const EventConfig& c = *stages_[st].config;
        for (std::uint32_t k = 0; k < c.consumers; ++k) {
            const auto w = static_cast<std::uint32_t>(workers_.size());
            workers_.emplace_back();
            workers_[w].stage = st;
            workers_[w].machine =
                std::make_unique<Consumer>(c.consumer, w, *this, ComponentId{ComponentKind::Consumer, place_of(st)});
            stages_[st].idle.push_back(w);
        }
    }
}

RunMetrics EventSystem::run() {
    run_loop([this](const SystemEvent& e) { handle(e); });
    for (std::size_t i = 0; i < letters_.size(); ++i) {
        const Letter& l = letters_[i];
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

void EventSystem::start_timer(TimerKind kind, std::uint64_t id, Duration after) {
    const std::uint64_t gen = ++timers_of(kind, id)[kind];
    sim_.schedule_after(after, SystemEvent{SystemEventKind::Timer, kind, false, false,
                                           static_cast<std::uint32_t>(id), gen});
}

void EventSystem::transitioned(ComponentId component, std::string_view from, std::string_view event,
                               std::string_view to, std::uint64_t id) {
    // Message ids are slots; show the message number instead.
    const bool letter_id = component.kind == ComponentKind::Message;
    const std::uint64_t shown = letter_id && id < letters_.size() ? letters_[id].number : id;
    if (component.kind == ComponentKind::Breaker) metrics_.note_breaker_state(sim_.now(), breaker_->state());
    report_transition(component, from, event, to, shown);
}

TimerGenerations& EventSystem::timers_of(TimerKind kind, std::uint64_t id) {
    switch (kind) {
        case TimerKind::BreakerOpenWait:
        case TimerKind::BreakerHalfOpenWait: return breaker_timers_;
        case TimerKind::MessageRedelivery:
        case TimerKind::MessageVisibility: return letters_[id].timers;
        default: return workers_[id].timers;  // BulkheadWait, ConsumerProcessingTimeout
    }
}

void EventSystem::handle(const SystemEvent& e) {
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

void EventSystem::drain_deferred() {
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

void EventSystem::on_arrival() {
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
    l.machine = std::make_unique<Message>(stages_[0].config->message, s, *this, backoff_rng_,
                                          ComponentId{ComponentKind::Message, 0});
    ++in_transit_;
    sim_.schedule_after(stages_[0].config->publish_latency,
                        SystemEvent{SystemEventKind::Enqueue, TimerKind::RetryBackoff, false, false, s, 0});
}

Admission EventSystem::admit(std::uint32_t stage) {
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

void EventSystem::on_enqueue(std::uint32_t s) {
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

void EventSystem::enqueue(std::uint32_t s, bool near_head) {
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

void EventSystem::note_queue_depth(int change) {
    queued_ = static_cast<std::uint64_t>(static_cast<std::int64_t>(queued_) + change);
    metrics_.max_queue_depth = std::max<std::uint64_t>(metrics_.max_queue_depth, queued_);
    metrics_.queue_depth.record(sim_.now(), static_cast<double>(queued_));
}

void EventSystem::dispatch() {
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

void EventSystem::on_timer(const SystemEvent& e) {
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

void EventSystem::settle(std::uint32_t s, Outcome outcome) {
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

Snapshot EventSystem::snapshot() const {
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

}  // namespace event_driven

// Each heap object carries the allocator's header (16 bytes with glibc); a queue entry is an index.
std::size_t event_bytes_per_message() {
    return sizeof(event_driven::Letter) + Message::footprint() + 2 * 16 + sizeof(std::uint32_t);
}
std::size_t event_bytes_per_consumer() { return sizeof(event_driven::Worker) + Consumer::footprint() + 2 * 16; }


RunMetrics run_event(const Scenario& scenario, const RunOptions& options) {
    event_driven::EventSystem system(scenario, options);
    return system.run();
}

}  // namespace cascadelab
