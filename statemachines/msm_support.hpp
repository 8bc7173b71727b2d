// What every Boost.MSM machine of cascadelab shares. Included by the machines' .cpp files only:
// Boost.MSM costs seconds per translation unit, so the public headers stay Boost-free.
#pragma once

#include <array>        // std::array
#include <cstddef>      // std::size_t
#include <string_view>  // std::string_view
#include <type_traits>  // std::is_same_v

#include <boost/mpl/for_each.hpp>
#include <boost/msm/back/state_machine.hpp>
#include <boost/msm/front/functor_row.hpp>
#include <boost/msm/front/state_machine_def.hpp>
#include <boost/msm/row_tags.hpp>

#include "model/kernel/time.hpp"
#include "statemachines/component_id.hpp"
#include "statemachines/description.hpp"

namespace cascadelab::msm_support {

namespace msmf = boost::msm::front;

// The front-end base: no event queue and no exception handling (4.8 vs 8.4 ns per event, and no
// std::deque allocated per machine). no_transition and exception_caught default to
// BOOST_ASSERT(false); here they do nothing, because dispatch() below counts the unhandled event
// from process_event's result, which also covers an event a submachine rejects (Boost.MSM calls
// no submachine's no_transition while it is contained, and the parent's neither).
template <class Def, class Context>
struct MachineDef : msmf::state_machine_def<Def> {
    using no_message_queue = int;
    using no_exception_thrown = int;

    Context* ctx = nullptr;

    template <class Fsm, class Event>
    void no_transition(const Event&, Fsm&, int) {}
    template <class Fsm, class Event>
    void exception_caught(const Event&, Fsm&, std::exception&) {}
};

// Processes one event; an event that no row accepted (no row for the state, or every guard
// false) is a modelling error and is noted in the context.
template <class Machine, class Event>
void dispatch(Machine& machine, const Event& e) {
    machine.ctx->fired_guard = {};
    if (machine.process_event(e) != boost::msm::back::HANDLED_TRUE) machine.ctx->note_unhandled(Event::name);
}

// dispatch(), then report a change of state through the machine's Effects (for traces). The
// context has `state` (an enum with a `name(State)` overload), `effects` and `transitions`.
template <class Machine, class Event>
void dispatch_traced(Machine& machine, const Event& e, ComponentId component, std::uint64_t id) {
    auto& ctx = *machine.ctx;
    const auto before = ctx.state;
    dispatch(machine, e);
    if (ctx.state != before) {
        ++ctx.transitions;
        ctx.effects->transitioned(component, name(before), Event::name, name(ctx.state), id);
    }
}

// A leaf state that publishes its identity to the context on entry, so read-outs and traces use
// names, never Boost.MSM's numeric state ids (which follow table order).
template <auto Value>
struct NamedState : msmf::state<> {
    template <class Event, class Fsm>
    void on_entry(const Event&, Fsm& fsm) {
        fsm.ctx->state = Value;
    }
};

// A guard is a predicate `static bool test(const Event&, const Context&)` with a `name`. When it
// holds, its name is noted, so a test can tell which of several rows on one (state, event) fired.
template <class Derived>
struct Guard {
    template <class Event, class Fsm, class Source, class Target>
    bool operator()(const Event& e, Fsm& fsm, Source&, Target&) const {
        const bool ok = Derived::test(e, *fsm.ctx);
        if (ok) {
            fsm.ctx->fired_guard = Derived::name;
            // Row-coverage tests watch every guard that held, several per event where an event
            // passes through a region's entry choice.
            if constexpr (requires { fsm.ctx->guard_log; })
                if (fsm.ctx->guard_log != nullptr) fsm.ctx->guard_log->push_back(Derived::name);
        }
        return ok;
    }
};

// The complement of guard G, named "!g" in diagrams, traces and row coverage. Two rows on one
// (state, event) that split on one predicate are written G and Not<G>: never as two predicates
// kept opposite by hand.
template <class G>
struct NegatedName {
    static constexpr auto chars = [] {
        std::array<char, G::name.size() + 1> text{};
        text[0] = '!';
        for (std::size_t i = 0; i < G::name.size(); ++i) text[i + 1] = G::name[i];
        return text;
    }();
    static constexpr std::string_view value{chars.data(), chars.size()};
};
template <class G>
struct Not : Guard<Not<G>> {
    static constexpr std::string_view name = NegatedName<G>::value;
    template <class Event, class Context>
    static bool test(const Event& e, const Context& c) {
        return !G::test(e, c);
    }
};

// The declarations every machine file makes: a guard NAME on EVENT over the machine's CONTEXT
// (defined with its other guards, after the table), an event with only a time, and an action NAME
// on EVENT — or, with _ON_ANY_EVENT, a template on the event for an action several rows share.
#define CASCADELAB_GUARD(NAME, EVENT, CONTEXT)                   \
    struct NAME : ::cascadelab::msm_support::Guard<NAME> {       \
        static constexpr std::string_view name = #NAME;          \
        static bool test(const EVENT& e, const CONTEXT& c);      \
    }
#define CASCADELAB_ACTION(NAME, EVENT, CONTEXT)                  \
    struct NAME : ::cascadelab::msm_support::Action<NAME> {      \
        static constexpr std::string_view name = #NAME;          \
        static void run(const EVENT& e, CONTEXT& c);             \
    }
// An event that carries only the time it happened at.
#define CASCADELAB_TIMED_EVENT(NAME)                             \
    struct NAME {                                                \
        static constexpr std::string_view name = #NAME;          \
        Time now;                                                \
    }
#define CASCADELAB_ACTION_ON_ANY_EVENT(NAME, CONTEXT)            \
    struct NAME : ::cascadelab::msm_support::Action<NAME> {      \
        static constexpr std::string_view name = #NAME;          \
        template <class Event>                                   \
        static void run(const Event& e, CONTEXT& c);             \
    }

// An action is `static void run(const Event&, Context&)` with a `name`.
template <class Derived>
struct Action {
    template <class Event, class Fsm, class Source, class Target>
    void operator()(const Event& e, Fsm& fsm, Source&, Target&) const {
        Derived::run(e, *fsm.ctx);
    }
};

// The virtual time an event happened at. Boost.MSM also instantiates entry actions with its own
// start-up event (InitEvent), which carries none: that is time zero.
template <class Event>
Time event_time(const Event& e) {
    if constexpr (requires { e.now; }) {
        return e.now;
    } else {
        return Time::zero();
    }
}

// --- Walking a transition table into a MachineDescription (for diagrams and row coverage) ---

template <class T>
constexpr std::string_view name_of() {
    if constexpr (std::is_same_v<T, msmf::none>) {
        return "";
    } else {
        return T::name;
    }
}

template <class T>
concept Composite = requires { typename T::initial_state; };

template <class Tag>
constexpr bool is_internal_tag = std::is_same_v<Tag, boost::msm::a_irow_tag> ||
                                 std::is_same_v<Tag, boost::msm::g_irow_tag> ||
                                 std::is_same_v<Tag, boost::msm::irow_tag> ||
                                 std::is_same_v<Tag, boost::msm::_irow_tag>;

template <class Def>
MachineDescription describe_table();

template <class Def>
struct RowCollector {
    MachineDescription* out;

    void add_state(std::string_view s) const {
        for (auto known : out->states)
            if (known == s) return;
        out->states.push_back(s);
    }

    template <class State>
    void add_submachine_if_composite() const {
        if constexpr (Composite<State>) {
            for (const auto& sub : out->submachines)
                if (sub.name == State::name) return;
            out->submachines.push_back(describe_table<State>());
        }
    }

    template <class Row>
    void operator()(boost::msm::wrap<Row>) const {
        constexpr bool internal = is_internal_tag<typename Row::row_type_tag>;
        using Source = typename Row::Source;
        using Target = std::conditional_t<internal, Source, typename Row::Target>;
        add_state(name_of<Source>());
        add_state(name_of<Target>());
        add_submachine_if_composite<Source>();
        add_submachine_if_composite<Target>();
        out->rows.push_back(RowDescription{name_of<Source>(), name_of<typename Row::Evt>(), name_of<Target>(),
                                           name_of<typename Row::Action>(), name_of<typename Row::Guard>(), internal});
    }
};

template <class Def>
MachineDescription describe_table() {
    MachineDescription m;
    m.name = Def::name;
    m.initial = name_of<typename Def::initial_state>();
    m.states.push_back(m.initial);
    boost::mpl::for_each<typename Def::transition_table, boost::msm::wrap<boost::mpl::placeholders::_1>>(
        RowCollector<Def>{&m});
    return m;
}

}  // namespace cascadelab::msm_support
