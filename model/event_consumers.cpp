// A consumer's work: it holds a delivered message, calls the service through the guarded call
// (or forwards it, before the last stage), and on a failure or timeout leaves the next step to the
// Message machine: a redelivery after its backoff, or the dead-letter queue.
#include "model/event_system_impl.hpp"

#include <algorithm>  // std::max

namespace cascadelab::event_driven {

void EventSystem::hold(std::uint32_t w, std::uint32_t s) {
    workers_[w].letter = s;
    workers_[w].holding = true;
    letters_[s].holder = w;
    ++holding_;
}

void EventSystem::release_letter_from(std::uint32_t w) {
    Worker& wk = workers_[w];
    if (!wk.holding) return;
    letters_[wk.letter].holder = kNoConsumer;
    wk.holding = false;
    --holding_;
}

void EventSystem::consumer_finished(std::uint32_t w) {
    release_letter_from(w);
    if (workers_[w].machine->state() != ConsumerState::Busy) return;  // it timed out already
    workers_[w].machine->processing_finished(sim_.now());
    stages_[workers_[w].stage].idle.push_back(w);
}

void EventSystem::on_deliver(std::uint32_t w) {
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
    wk.guarded.caller = l.number;
    switch (guards_->enter(wk.guarded, now, w, true)) {
        case GuardDecision::Admitted: call_downstream(w); break;
        case GuardDecision::Waiting: break;
        case GuardDecision::BreakerRefused: processing_failed(w, AttemptOutcome::BreakerRejected); break;
        case GuardDecision::BulkheadRefused: processing_failed(w, AttemptOutcome::BulkheadRejected); break;
    }
}

void EventSystem::call_downstream(std::uint32_t w) {
    Worker& wk = workers_[w];
    guards_->send(wk.guarded, w);
    ++metrics_.attempts_by_tier[wk.stage];
    if (last_.attempt_timeout > Duration::zero())
        sim_.schedule_after(last_.attempt_timeout, SystemEvent{SystemEventKind::AttemptTimeout,
                                                                 TimerKind::RetryBackoff, false, false, w,
                                                                 wk.guarded.call.token});
}

void EventSystem::on_attempt_done(const SystemEvent& e) {
    Worker& wk = workers_[e.index];
    if (!guards_->answered(wk.guarded, e, sim_.now())) return;  // the call timed out earlier
    if (e.fails) processing_failed(e.index, wk.guarded.call.failure);
    else processing_succeeded(e.index);
}

void EventSystem::on_attempt_timeout(const SystemEvent& e) {
    Worker& wk = workers_[e.index];
    if (!wk.guarded.call.open || wk.guarded.call.token != e.token) return;  // it finished in time
    ++metrics_.attempt_timeouts;
    guards_->abandon(wk.guarded, sim_.now(), last_.attempt_timeout);
    processing_failed(e.index, AttemptOutcome::Timeout);
}

void EventSystem::processing_succeeded(std::uint32_t w) {
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

void EventSystem::processing_failed(std::uint32_t w, AttemptOutcome outcome) {
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

void EventSystem::note_retry_decided(std::uint32_t s) {
    if (letters_[s].stage != 0) return;  // the invariants watch the first stage, as RPC's the client tier
    ++observed_.retries_decided;
    observed_.max_backoff = std::max(observed_.max_backoff, letters_[s].machine->last_backoff());
}

void EventSystem::on_redelivery_due(std::uint32_t s) {
    Letter& l = letters_[s];
    if (!l.machine) return;
    const std::uint32_t holder = l.holder;
    l.machine->redelivery_due(sim_.now(), admit(l.stage));
    // Requeued: the requeue is deferred, and enqueue() frees a blocking consumer.
    if (l.machine->state() == MessageState::Queued) return;
    if (holder != kNoConsumer) consumer_finished(holder);
    else --waiting_;
    if (l.machine->state() == MessageState::Dropped) settle(s, Outcome::Dropped);
    // Dead-lettered (reject-publish-dlx): settled by the deferred DeadLetter.
}

void EventSystem::on_visibility_expired(std::uint32_t s) {
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

void EventSystem::on_processing_timeout(std::uint32_t w) {
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

}  // namespace cascadelab::event_driven
