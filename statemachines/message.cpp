// One message as a Boost.MSM machine. The transition table comes first.
#include "statemachines/message.hpp"

#include "statemachines/config_error.hpp"
#include "statemachines/msm_support.hpp"

namespace cascadelab {

namespace {

using namespace msm_support;  // msmf, MachineDef, NamedState, Guard, Action
using msmf::none;
using msmf::Row;

struct Published {
    static constexpr std::string_view name = "Published";
    Time now;
    bool queue_has_room;
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
};
struct RedeliveryDue {
    static constexpr std::string_view name = "RedeliveryDue";
    Time now;
    bool queue_has_room;
};

struct MessageContext;

#define CASCADELAB_GUARD(NAME, EVENT)                               \
    struct NAME : Guard<NAME> {                                     \
        static constexpr std::string_view name = #NAME;             \
        static bool test(const EVENT& e, const MessageContext& c);  \
    }
CASCADELAB_GUARD(queue_accepts, Published);
CASCADELAB_GUARD(queue_full, Published);
CASCADELAB_GUARD(deliveries_left, ProcessingFailed);
CASCADELAB_GUARD(delivery_limit_reached, ProcessingFailed);
CASCADELAB_GUARD(queue_accepts_again, RedeliveryDue);
CASCADELAB_GUARD(queue_full_on_requeue, RedeliveryDue);
#undef CASCADELAB_GUARD

#define CASCADELAB_ACTION(NAME)                                \
    struct NAME : Action<NAME> {                               \
        static constexpr std::string_view name = #NAME;        \
        template <class Event>                                 \
        static void run(const Event& e, MessageContext& c);    \
    }
CASCADELAB_ACTION(note_publish_time);
CASCADELAB_ACTION(count_delivery);
CASCADELAB_ACTION(schedule_redelivery);
CASCADELAB_ACTION(send_to_dead_letter_queue);
CASCADELAB_ACTION(requeue_message);
#undef CASCADELAB_ACTION

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
        //   Source        Event                Target        Action                     Guard
        Row< Created,      Published,           Queued,       note_publish_time,         queue_accepts          >,
        Row< Created,      Published,           Dropped,      note_publish_time,         queue_full             >,
        // -----------------------------------------------------------------------------------------------------
        Row< Queued,       Delivered,           InFlight,     count_delivery,            none                   >,
        // -----------------------------------------------------------------------------------------------------
        Row< InFlight,     ProcessingSucceeded, Acked,        none,                      none                   >,
        Row< InFlight,     ProcessingFailed,    RetryWaiting, schedule_redelivery,       deliveries_left        >,
        Row< InFlight,     ProcessingFailed,    DeadLettered, send_to_dead_letter_queue, delivery_limit_reached >,
        // -----------------------------------------------------------------------------------------------------
        Row< RetryWaiting, RedeliveryDue,       Queued,       requeue_message,           queue_accepts_again    >,
        Row< RetryWaiting, RedeliveryDue,       Dropped,      none,                      queue_full_on_requeue  >
    > {};
};
using MessageMachine = boost::msm::back::state_machine<MessageDef>;

struct MessageContext {
    MessageContext(const MessageConfig& c, std::uint64_t message_id, Effects& fx, Rng& r)
        : config(&c), id(message_id), effects(&fx), rng(&r), schedule(c.redelivery_backoff) {}
    const MessageConfig* config;
    std::uint64_t id;
    Effects* effects;
    Rng* rng;
    BackoffSchedule schedule;
    MessageState state = MessageState::Created;
    std::string_view fired_guard;
    std::uint32_t deliveries = 0;
    Time published_at;
    Duration last_backoff;
    std::uint64_t unhandled = 0;
    std::uint64_t transitions = 0;
    void note_unhandled(std::string_view) { ++unhandled; }
};

bool queue_accepts::test(const Published& e, const MessageContext&) { return e.queue_has_room; }
bool queue_full::test(const Published& e, const MessageContext&) { return !e.queue_has_room; }
bool deliveries_left::test(const ProcessingFailed&, const MessageContext& c) { return c.deliveries < c.config->max_deliveries; }
bool delivery_limit_reached::test(const ProcessingFailed&, const MessageContext& c) {
    return c.deliveries >= c.config->max_deliveries;
}
bool queue_accepts_again::test(const RedeliveryDue& e, const MessageContext&) { return e.queue_has_room; }
bool queue_full_on_requeue::test(const RedeliveryDue& e, const MessageContext&) { return !e.queue_has_room; }

template <class Event>
void note_publish_time::run(const Event& e, MessageContext& c) { c.published_at = e.now; }
template <class Event>
void count_delivery::run(const Event&, MessageContext& c) { ++c.deliveries; }
// Redelivery n waits the n-th backoff; blocking or not, the MessageRedelivery timer says when.
template <class Event>
void schedule_redelivery::run(const Event&, MessageContext& c) {
    c.last_backoff = c.schedule.next(c.deliveries, *c.rng);
    c.effects->start_timer(TimerKind::MessageRedelivery, c.id, c.last_backoff);
}
template <class Event>
void send_to_dead_letter_queue::run(const Event&, MessageContext& c) { c.effects->dead_letter(c.id); }
template <class Event>
void requeue_message::run(const Event&, MessageContext& c) {
    c.effects->requeue(c.id, c.config->requeue_position == RequeuePosition::NearHead);
}

}  // namespace

struct Message::Impl {
    Impl(const MessageConfig& c, std::uint64_t id, Effects& fx, Rng& rng) : ctx(c, id, fx, rng) {
        machine.ctx = &ctx;
        machine.start();
    }
    template <class Event>
    void process(const Event& e) { dispatch_traced(machine, e, "message", ctx.id); }
    MessageContext ctx;
    MessageMachine machine;
};

Message::Message(const MessageConfig& config, std::uint64_t id, Effects& effects, Rng& rng)
    : impl_(std::make_unique<Impl>(config, id, effects, rng)) {}
Message::~Message() = default;

void Message::published(Time now, bool queue_has_room) { impl_->process(Published{now, queue_has_room}); }
void Message::delivered(Time now) { impl_->process(Delivered{now}); }
void Message::processing_succeeded(Time now) { impl_->process(ProcessingSucceeded{now}); }
void Message::processing_failed(Time now) { impl_->process(ProcessingFailed{now}); }
void Message::redelivery_due(Time now, bool queue_has_room) { impl_->process(RedeliveryDue{now, queue_has_room}); }

MessageState Message::state() const { return impl_->ctx.state; }
bool Message::finished() const {
    const auto s = impl_->ctx.state;
    return s == MessageState::Acked || s == MessageState::DeadLettered || s == MessageState::Dropped;
}
std::uint32_t Message::deliveries() const { return impl_->ctx.deliveries; }
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

void MessageConfig::validate() const {
    constexpr std::string_view s = "message";
    require(max_deliveries >= 1, s, "max_deliveries", max_deliveries, "must be at least 1 (it counts the first delivery)");
    require(max_deliveries <= 1000, s, "max_deliveries", max_deliveries, "must be at most 1000");
    redelivery_backoff.validate();
}

}  // namespace cascadelab
