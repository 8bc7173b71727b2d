// Chains of queues (inner_stages): every stage but the last processes a message by publishing it
// to the next stage's queue. The delivery succeeds when that queue confirms the publish and fails
// (to be redelivered at its own stage) when the queue refuses it; the event's one outcome is
// decided where the chain ends.
#include "model/event_system_impl.hpp"

namespace cascadelab::event_driven {

void EventSystem::forward(std::uint32_t w) {
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
        std::make_unique<Message>(stages_[next].config->message, c, *this, backoff_rng_,
                                  ComponentId{ComponentKind::Message, place_of(next)});
    sim_.schedule_after(stages_[next].config->publish_latency,
                        SystemEvent{SystemEventKind::Enqueue, TimerKind::RetryBackoff, false, false, c, 0});
}

void EventSystem::on_forward_arrived(std::uint32_t c) {
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

void EventSystem::retire(std::uint32_t s) {
    Letter& l = letters_[s];
    retired_unhandled_ += l.machine->unhandled_events();
    l.machine.reset();
    ++l.timers[TimerKind::MessageRedelivery];
    ++l.timers[TimerKind::MessageVisibility];
    letters_.release(s);
}

}  // namespace cascadelab::event_driven
