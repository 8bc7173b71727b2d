// One consumer as a Boost.MSM machine. The transition table comes first.
#include "statemachines/consumer.hpp"

#include "statemachines/config_tables.hpp"

#include "statemachines/config_error.hpp"
#include "statemachines/msm_support.hpp"

namespace cascadelab {

namespace {

using namespace msm_support;  // msmf, MachineDef, NamedState, Action
using msmf::none;
using msmf::Row;

struct MessageDelivered {
    static constexpr std::string_view name = "MessageDelivered";
    Time now;
    std::uint64_t message;
};
CASCADELAB_TIMED_EVENT(ProcessingFinished);
CASCADELAB_TIMED_EVENT(ProcessingTimedOut);
CASCADELAB_TIMED_EVENT(ConsumerStopped);
CASCADELAB_TIMED_EVENT(ConsumerStarted);

struct ConsumerContext;

CASCADELAB_ACTION_ON_ANY_EVENT(take_message, ConsumerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(finish_message, ConsumerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(give_up_message, ConsumerContext);
CASCADELAB_ACTION_ON_ANY_EVENT(abandon_message, ConsumerContext);

struct Idle : NamedState<ConsumerState::Idle> {
    static constexpr std::string_view name = "Idle";
};
struct Busy : NamedState<ConsumerState::Busy> {
    static constexpr std::string_view name = "Busy";
};
struct Stopped : NamedState<ConsumerState::Stopped> {
    static constexpr std::string_view name = "Stopped";
};

struct ConsumerDef : MachineDef<ConsumerDef, ConsumerContext> {
    static constexpr std::string_view name = "Consumer";
    using initial_state = Idle;

    struct transition_table : boost::mpl::vector<
        //   Source   Event               Target   Action           Guard
        Row< Idle,    MessageDelivered,   Busy,    take_message,    none >,
        Row< Idle,    ConsumerStopped,    Stopped, none,            none >,
        // ---------------------------------------------------------------
        Row< Busy,    ProcessingFinished, Idle,    finish_message,  none >,
        Row< Busy,    ProcessingTimedOut, Idle,    give_up_message, none >,
        Row< Busy,    ConsumerStopped,    Stopped, abandon_message, none >,
        // ---------------------------------------------------------------
        Row< Stopped, ConsumerStarted,    Idle,    none,            none >
    > {};
};
using ConsumerMachine = boost::msm::back::state_machine<ConsumerDef>;

struct ConsumerContext {
    ConsumerContext(const ConsumerConfig& c, std::uint64_t consumer_id, ConsumerEffects& fx)
        : config(c), id(consumer_id), effects(&fx) {}
    ConsumerConfig config;
    std::uint64_t id;
    ConsumerEffects* effects;
    ConsumerState state = ConsumerState::Idle;
    std::string_view fired_guard;
    std::uint64_t message = 0;
    std::uint64_t processed = 0;
    std::uint64_t timeouts = 0;
    std::uint64_t unhandled = 0;
    std::uint64_t transitions = 0;
    void note_unhandled(std::string_view) { ++unhandled; }
    bool has_timeout() const { return config.processing_timeout > Duration::zero(); }
};

template <class Event>
void take_message::run(const Event& e, ConsumerContext& c) {
    c.message = e.message;
    if (c.has_timeout()) c.effects->start_timer(TimerKind::ConsumerProcessingTimeout, c.id, c.config.processing_timeout);
}
template <class Event>
void finish_message::run(const Event&, ConsumerContext& c) {
    if (c.has_timeout()) c.effects->cancel_timer(TimerKind::ConsumerProcessingTimeout, c.id);
    c.message = 0;
    ++c.processed;
}
template <class Event>
void give_up_message::run(const Event&, ConsumerContext& c) {
    c.message = 0;
    ++c.timeouts;
}
// Stopped mid-message: the message is the owner's to redeliver (a crashed worker's message
// becomes visible again).
template <class Event>
void abandon_message::run(const Event&, ConsumerContext& c) {
    if (c.has_timeout()) c.effects->cancel_timer(TimerKind::ConsumerProcessingTimeout, c.id);
    c.message = 0;
}

}  // namespace

struct Consumer::Impl {
    Impl(const ConsumerConfig& c, std::uint64_t id, ConsumerEffects& fx, ComponentId comp) : ctx(c, id, fx), component(comp) {
        machine.ctx = &ctx;
        machine.start();
    }
    template <class Event>
    void process(const Event& e) { dispatch_traced(machine, e, component, ctx.id); }
    ConsumerContext ctx;
    ConsumerMachine machine;
    ComponentId component;
};

Consumer::Consumer(const ConsumerConfig& config, std::uint64_t id, ConsumerEffects& effects, ComponentId component) {
    config.validate();
    impl_ = std::make_unique<Impl>(config, id, effects, component);
}
Consumer::~Consumer() = default;
std::size_t Consumer::footprint() { return sizeof(Consumer) + sizeof(Impl); }

void Consumer::message_delivered(Time now, std::uint64_t message) { impl_->process(MessageDelivered{now, message}); }
void Consumer::processing_finished(Time now) { impl_->process(ProcessingFinished{now}); }
void Consumer::processing_timed_out(Time now) { impl_->process(ProcessingTimedOut{now}); }
void Consumer::stopped(Time now) { impl_->process(ConsumerStopped{now}); }
void Consumer::started(Time now) { impl_->process(ConsumerStarted{now}); }

ConsumerState Consumer::state() const { return impl_->ctx.state; }
std::uint64_t Consumer::current_message() const { return impl_->ctx.message; }
std::uint64_t Consumer::processed() const { return impl_->ctx.processed; }
std::uint64_t Consumer::timeouts() const { return impl_->ctx.timeouts; }
std::uint64_t Consumer::unhandled_events() const { return impl_->ctx.unhandled; }
std::string_view Consumer::last_row_guard() const { return impl_->ctx.fired_guard; }

MachineDescription Consumer::describe() { return describe_table<ConsumerDef>(); }

std::string_view name(ConsumerState s) {
    switch (s) {
        case ConsumerState::Idle: return Idle::name;
        case ConsumerState::Busy: return Busy::name;
        case ConsumerState::Stopped: return Stopped::name;
    }
    return "?";
}

void ConsumerConfig::validate() const { check_ranges(consumer_fields(), *this, "consumer"); }

}  // namespace cascadelab
