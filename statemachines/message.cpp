// One message as a Boost.MSM machine. The transition table comes first.
#include "statemachines/message.hpp"

#include <algorithm>  // std::min

#include "statemachines/config_error.hpp"
#include "statemachines/config_tables.hpp"
#include "statemachines/msm_support.hpp"

namespace cascadelab {

namespace {

using namespace msm_support;  // msmf, MachineDef, NamedState, Guard, Action
using msmf::none;
using msmf::Row;

struct Published {
    static constexpr std::string_view name = "Published";
    Time now;
    Admission admission;
};
struct Delivered {
    static constexpr std::string_view name = "Delivered";
    Time now;
};
struct ProcessingSucceeded {
    static constexpr std::string_view name = "ProcessingSucceeded";
    Time now;
};
struct ProcessingFailed {
    static constexpr std::string_view name = "ProcessingFailed";
    Time now;
    AttemptOutcome outcome;
};
struct RedeliveryDue {
    static constexpr std::string_view name = "RedeliveryDue";
    Time now;
    Admission admission;
};
struct VisibilityExpired {
    static constexpr std::string_view name = "VisibilityExpired";
    Time now;
};
struct Expired {
    static constexpr std::string_view name = "Expired";
    Time now;
};
struct Evicted {
    static constexpr std::string_view name = "Evicted";
    Time now;
};

struct MessageContext;

CASCADELAB_GUARD(queue_accepts, Published, MessageContext);
CASCADELAB_GUARD(queue_refuses, Published, MessageContext);
CASCADELAB_GUARD(queue_refuses_to_dead_letter, Published, MessageContext);
CASCADELAB_GUARD(receive_allowed, Delivered, MessageContext);
CASCADELAB_GUARD(deliveries_left, ProcessingFailed, MessageContext);
CASCADELAB_GUARD(delivery_limit_reached, ProcessingFailed, MessageContext);
CASCADELAB_GUARD(not_requeued, ProcessingFailed, MessageContext);
CASCADELAB_GUARD(visible_again, VisibilityExpired, MessageContext);
CASCADELAB_GUARD(queue_accepts_again, RedeliveryDue, MessageContext);
CASCADELAB_GUARD(queue_refuses_requeue, RedeliveryDue, MessageContext);
CASCADELAB_GUARD(queue_refuses_requeue_to_dead_letter, RedeliveryDue, MessageContext);

CASCADELAB_ACTION_ON_ANY_EVENT(note_publish_time, MessageContext);
CASCADELAB_ACTION_ON_ANY_EVENT(count_delivery, MessageContext);
CASCADELAB_ACTION_ON_ANY_EVENT(acknowledge, MessageContext);
CASCADELAB_ACTION_ON_ANY_EVENT(schedule_redelivery, MessageContext);
CASCADELAB_ACTION_ON_ANY_EVENT(dead_letter_rejected, MessageContext);
CASCADELAB_ACTION_ON_ANY_EVENT(dead_letter_at_limit, MessageContext);
CASCADELAB_ACTION_ON_ANY_EVENT(dead_letter_expired, MessageContext);
CASCADELAB_ACTION_ON_ANY_EVENT(dead_letter_over_length, MessageContext);
CASCADELAB_ACTION_ON_ANY_EVENT(requeue_message, MessageContext);
CASCADELAB_ACTION_ON_ANY_EVENT(make_visible_again, MessageContext);

#define CASCADELAB_STATE(NAME)                                   \
    struct NAME : NamedState<MessageState::NAME> {               \
        static constexpr std::string_view name = #NAME;          \
    }
CASCADELAB_STATE(Created);
CASCADELAB_STATE(Queued);
CASCADELAB_STATE(InFlight);
CASCADELAB_STATE(RetryWaiting);
CASCADELAB_STATE(Acked);
CASCADELAB_STATE(DeadLettered);
CASCADELAB_STATE(Dropped);
#undef CASCADELAB_STATE

struct MessageDef : MachineDef<MessageDef, MessageContext> {
    static constexpr std::string_view name = "Message";
    using initial_state = Created;

    struct transition_table : boost::mpl::vector<
        //   Source        Event                Target        Action                   Guard
        Row< Created,      Published,           Queued,       note_publish_time,       queue_accepts                        >,
        Row< Created,      Published,           Dropped,      note_publish_time,       queue_refuses                        >,
        Row< Created,      Published,           DeadLettered, dead_letter_over_length, queue_refuses_to_dead_letter         >,
        // -----------------------------------------------------------------------------------------------------------------
        Row< Queued,       Delivered,           InFlight,     count_delivery,          receive_allowed                      >,
        Row< Queued,       Delivered,           DeadLettered, dead_letter_at_limit,    Not<receive_allowed>                     >,
        Row< Queued,       Expired,             DeadLettered, dead_letter_expired,     none                                 >,
        Row< Queued,       Evicted,             DeadLettered, dead_letter_over_length, none                                 >,
        // -----------------------------------------------------------------------------------------------------------------
        Row< InFlight,     ProcessingSucceeded, Acked,        acknowledge,             none                                 >,
        Row< InFlight,     ProcessingFailed,    RetryWaiting, schedule_redelivery,     deliveries_left                      >,
        Row< InFlight,     ProcessingFailed,    DeadLettered, dead_letter_at_limit,    delivery_limit_reached               >,
        Row< InFlight,     ProcessingFailed,    DeadLettered, dead_letter_rejected,    not_requeued                         >,
        Row< InFlight,     VisibilityExpired,   Queued,       make_visible_again,      visible_again                        >,
        Row< InFlight,     VisibilityExpired,   DeadLettered, dead_letter_at_limit,    Not<visible_again>               >,
        // -----------------------------------------------------------------------------------------------------------------
        Row< RetryWaiting, RedeliveryDue,       Queued,       requeue_message,         queue_accepts_again                  >,
        Row< RetryWaiting, RedeliveryDue,       Dropped,      none,                    queue_refuses_requeue                >,
        Row< RetryWaiting, RedeliveryDue,       DeadLettered, dead_letter_over_length, queue_refuses_requeue_to_dead_letter >
    > {};
};
using MessageMachine = boost::msm::back::state_machine<MessageDef>;

struct MessageContext {
    MessageContext(const MessageConfig& c, std::uint64_t message_id, MessageEffects& fx, Rng& r)
        : config(&c), id(message_id), effects(&fx), rng(&r), schedule(c.redelivery_backoff) {}
    const MessageConfig* config;
    std::uint64_t id;
    MessageEffects* effects;
    Rng* rng;
    BackoffSchedule schedule;
    MessageState state = MessageState::Created;
    std::string_view fired_guard;
    std::uint32_t deliveries = 0;
    DeadLetterReason reason = DeadLetterReason::None;
    Time published_at;
    Duration last_backoff;
    std::uint64_t unhandled = 0;
    std::uint64_t transitions = 0;
    void note_unhandled(std::string_view) { ++unhandled; }
    bool limit_left() const { return deliveries < config->max_deliveries; }
    // Whether a failed or timed-out delivery goes back to the queue as far as the limit goes: SQS
    // returns it whatever the count and checks at the next receive.
    bool may_return() const { return config->limit_check == LimitCheck::AtTheNextReceive || limit_left(); }
    void dead_letter(DeadLetterReason why) {
        end_visibility();
        reason = why;
        effects->dead_letter(id);
    }
    // A delivery settled (ack, nack, dead-lettered): its visibility timeout no longer runs.
    void end_visibility() {
        if (config->visibility_timeout > Duration::zero()) effects->cancel_timer(TimerKind::MessageVisibility, id);
    }
};

bool queue_accepts::test(const Published& e, const MessageContext&) { return e.admission == Admission::Accepted; }
bool queue_refuses::test(const Published& e, const MessageContext&) { return e.admission == Admission::Refused; }
bool queue_refuses_to_dead_letter::test(const Published& e, const MessageContext&) {
    return e.admission == Admission::RefusedToDeadLetter;
}
bool receive_allowed::test(const Delivered&, const MessageContext& c) {
    return c.config->limit_check == LimitCheck::AtTheFailure || c.limit_left();
}
bool deliveries_left::test(const ProcessingFailed& e, const MessageContext& c) {
    return c.config->requeue_on.contains(e.outcome) && c.may_return();
}
bool delivery_limit_reached::test(const ProcessingFailed& e, const MessageContext& c) {
    return c.config->requeue_on.contains(e.outcome) && !c.may_return();
}
bool not_requeued::test(const ProcessingFailed& e, const MessageContext& c) { return !c.config->requeue_on.contains(e.outcome); }
bool visible_again::test(const VisibilityExpired&, const MessageContext& c) { return c.may_return(); }
bool queue_accepts_again::test(const RedeliveryDue& e, const MessageContext&) { return e.admission == Admission::Accepted; }
bool queue_refuses_requeue::test(const RedeliveryDue& e, const MessageContext&) { return e.admission == Admission::Refused; }
bool queue_refuses_requeue_to_dead_letter::test(const RedeliveryDue& e, const MessageContext&) {
    return e.admission == Admission::RefusedToDeadLetter;
}

template <class Event>
void note_publish_time::run(const Event& e, MessageContext& c) { c.published_at = e.now; }
// SQS: a receive makes the message invisible for the visibility timeout.
template <class Event>
void count_delivery::run(const Event&, MessageContext& c) {
    ++c.deliveries;
    if (c.config->visibility_timeout > Duration::zero())
        c.effects->start_timer(TimerKind::MessageVisibility, c.id, c.config->visibility_timeout);
}
template <class Event>
void acknowledge::run(const Event&, MessageContext& c) { c.end_visibility(); }
// Redelivery n waits the n-th backoff; blocking or not, the MessageRedelivery timer says when.
template <class Event>
void schedule_redelivery::run(const Event&, MessageContext& c) {
    c.end_visibility();
    c.last_backoff = c.schedule.next(*c.rng);
    c.effects->start_timer(TimerKind::MessageRedelivery, c.id, c.last_backoff);
}
// RabbitMQ basic.reject / nack with requeue=false.
template <class Event>
void dead_letter_rejected::run(const Event&, MessageContext& c) { c.dead_letter(DeadLetterReason::Rejected); }
// RabbitMQ delivery_limit; SQS: ReceiveCount past maxReceiveCount.
template <class Event>
void dead_letter_at_limit::run(const Event&, MessageContext& c) { c.dead_letter(DeadLetterReason::DeliveryLimit); }
template <class Event>
void dead_letter_expired::run(const Event&, MessageContext& c) { c.dead_letter(DeadLetterReason::Expired); }
template <class Event>
void dead_letter_over_length::run(const Event&, MessageContext& c) { c.dead_letter(DeadLetterReason::MaxLength); }
template <class Event>
void requeue_message::run(const Event&, MessageContext& c) {
    c.effects->requeue(c.id, c.config->requeue_position == RequeuePosition::NearHead);
}
// SQS: the message becomes visible at the end of its visibility timeout (no position to keep).
template <class Event>
void make_visible_again::run(const Event&, MessageContext& c) { c.effects->requeue(c.id, false); }

}  // namespace

struct Message::Impl {
    Impl(const MessageConfig& c, std::uint64_t id, MessageEffects& fx, Rng& rng, ComponentId comp)
        : ctx(c, id, fx, rng), component(comp) {
        machine.ctx = &ctx;
        machine.start();
    }
    template <class Event>
    void process(const Event& e) { dispatch_traced(machine, e, component, ctx.id); }
    MessageContext ctx;
    MessageMachine machine;
    ComponentId component;
};

Message::Message(const MessageConfig& config, std::uint64_t id, MessageEffects& effects, Rng& rng,
                 ComponentId component)
    : impl_(std::make_unique<Impl>(config, id, effects, rng, component)) {}
Message::~Message() = default;
std::size_t Message::footprint() { return sizeof(Message) + sizeof(Impl); }

void Message::published(Time now, Admission admission) { impl_->process(Published{now, admission}); }
void Message::delivered(Time now) { impl_->process(Delivered{now}); }
void Message::processing_succeeded(Time now) { impl_->process(ProcessingSucceeded{now}); }
void Message::processing_failed(Time now, AttemptOutcome outcome) { impl_->process(ProcessingFailed{now, outcome}); }
void Message::redelivery_due(Time now, Admission admission) { impl_->process(RedeliveryDue{now, admission}); }
void Message::visibility_expired(Time now) { impl_->process(VisibilityExpired{now}); }
void Message::expired(Time now) { impl_->process(Expired{now}); }
void Message::evicted(Time now) { impl_->process(Evicted{now}); }

MessageState Message::state() const { return impl_->ctx.state; }
bool Message::finished() const {
    const auto s = impl_->ctx.state;
    return s == MessageState::Acked || s == MessageState::DeadLettered || s == MessageState::Dropped;
}
std::uint32_t Message::deliveries() const { return impl_->ctx.deliveries; }
DeadLetterReason Message::dead_letter_reason() const { return impl_->ctx.reason; }
Time Message::published_at() const { return impl_->ctx.published_at; }
Duration Message::last_backoff() const { return impl_->ctx.last_backoff; }
std::uint64_t Message::unhandled_events() const { return impl_->ctx.unhandled; }
std::string_view Message::last_row_guard() const { return impl_->ctx.fired_guard; }

MachineDescription Message::describe() { return describe_table<MessageDef>(); }

std::string_view name(MessageState s) {
    switch (s) {
        case MessageState::Created: return Created::name;
        case MessageState::Queued: return Queued::name;
        case MessageState::InFlight: return InFlight::name;
        case MessageState::RetryWaiting: return RetryWaiting::name;
        case MessageState::Acked: return Acked::name;
        case MessageState::DeadLettered: return DeadLettered::name;
        case MessageState::Dropped: return Dropped::name;
    }
    return "?";
}

std::string_view name(DeadLetterReason r) {
    switch (r) {
        case DeadLetterReason::None: return "none";
        case DeadLetterReason::Rejected: return "rejected";
        case DeadLetterReason::Expired: return "expired";
        case DeadLetterReason::DeliveryLimit: return "delivery_limit";
        case DeadLetterReason::MaxLength: return "maxlen";
    }
    return "?";
}

std::string_view name(QueueOverflow o) {
    switch (o) {
        case QueueOverflow::DropHead: return "drop-head";
        case QueueOverflow::RejectPublish: return "reject-publish";
        case QueueOverflow::RejectPublishDlx: return "reject-publish-dlx";
    }
    return "?";
}

MessageConfig MessageConfig::rabbitmq(std::int64_t delivery_limit) {
    MessageConfig c;
    c.retry_mode = RetryMode::NonBlocking;
    c.redelivery_backoff.jitter = Jitter::None;
    c.redelivery_backoff.kind = BackoffKind::Constant;
    c.redelivery_backoff.base = Duration::zero();  // a nack requeues at once
    c.redelivery_backoff.cap = Duration::zero();
    if (delivery_limit < 0) {
        c.max_deliveries = kUnlimited;
        c.requeue_position = RequeuePosition::Back;  // without a limit: back of the queue
    } else {
        c.max_deliveries = static_cast<std::uint32_t>(std::min<std::int64_t>(delivery_limit + 1, kUnlimited - 1));
        c.requeue_position = RequeuePosition::NearHead;  // with a limit: near the head
    }
    return c;
}

std::string_view name(LimitCheck c) { return c == LimitCheck::AtTheFailure ? "at_the_failure" : "at_the_next_receive"; }

MessageConfig MessageConfig::sqs(std::uint32_t max_receive_count, Duration visibility_timeout) {
    MessageConfig c;
    c.max_deliveries = max_receive_count;
    c.limit_check = LimitCheck::AtTheNextReceive;
    c.visibility_timeout = visibility_timeout;
    c.retry_mode = RetryMode::NonBlocking;
    // A consumer that fails leaves the message alone: it becomes visible when the timeout ends.
    c.redelivery_backoff.kind = BackoffKind::Constant;
    c.redelivery_backoff.jitter = Jitter::None;
    c.redelivery_backoff.base = visibility_timeout;
    c.redelivery_backoff.cap = visibility_timeout;
    return c;
}

void MessageConfig::validate() const {
    check_ranges(message_fields(), *this, "message");
    redelivery_backoff.validate();
}

}  // namespace cascadelab
