#include "properties/invariants.hpp"

#include <algorithm>      // std::max
#include <deque>          // std::deque
#include <map>            // std::map
#include <memory>         // std::make_unique
#include <unordered_map>  // std::unordered_map

#include <fmt/format.h>

#include "model/event_system.hpp"
#include "model/run.hpp"
#include "model/kernel/trace.hpp"
#include "properties/call_checks.hpp"
#include "properties/step_check.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::properties {

std::string describe(const Violation& v) {
    return fmt::format("{} broke at {} (step {}): {}", v.property, to_string(v.at), v.step, v.detail);
}

namespace {

class BreakerSafety final : public StepCheck {
public:
    BreakerSafety(std::string_view name, std::optional<Violation>& first, const HuntSetup& h) : StepCheck(name, first) {
        // The breaker the snapshots show: the client's, or the last stage's (the one that calls the service).
        // A grown wait is longer, never shorter.
        if (const auto& b = watched_breaker(h.scenario)) min_wait_ = b->wait_duration_in_open_state;
    }
    void check(const Snapshot& s) override {
        if (!s.has_breaker) return;
        if (s.breaker_state == BreakerState::HalfOpen && s.breaker_probes > s.breaker_probe_limit)
            fail(s, fmt::format("{} probes out in HalfOpen, {} permitted", s.breaker_probes, s.breaker_probe_limit));
        // Open before and after the event, and a call was let through in between.
        const bool open = s.breaker_state == BreakerState::Open;
        if (was_open_ && open && s.breaker_permits > permits_)
            fail(s, fmt::format("{} call(s) let through while Open", s.breaker_permits - permits_));
        // Every way out of Open — to HalfOpen, or straight to Closed — comes after the wait.
        if (open && !was_open_) opened_at_ = s.now;
        if (was_open_ && !open && s.breaker_state != BreakerState::ForcedOpen && s.now - opened_at_ < min_wait_)
            fail(s, fmt::format("left Open for {} after {}, before its wait of {}", name(s.breaker_state),
                                to_string(s.now - opened_at_), to_string(min_wait_)));
        was_open_ = open;
        permits_ = s.breaker_permits;
    }

private:
    Duration min_wait_ = Duration::zero();
    bool was_open_ = false;
    Time opened_at_;
    std::uint64_t permits_ = 0;
};

// Over every trailing window W: retries decided <= budget x requests started + reserve.
class RetryStorm final : public StepCheck {
public:
    RetryStorm(std::string_view name, std::optional<Violation>& first, const HuntSetup& h)
        : StepCheck(name, first), window_(h.storm_window), budget_(h.storm_budget), reserve_(h.storm_reserve) {}
    void check(const Snapshot& s) override {
        if (history_.empty() || history_.back().retries != s.retries_decided || history_.back().started != s.started)
            history_.push_back(Point{s.now, s.started, s.retries_decided});
        // The base is the last point at or before now - W (the counts at the window's start).
        while (history_.size() > 1 && history_[1].at <= s.now - window_) history_.pop_front();
        const Point& base = history_.front().at <= s.now - window_ ? history_.front() : zero_;
        const double requests = static_cast<double>(s.started - base.started);
        const double retries = static_cast<double>(s.retries_decided - base.retries);
        if (retries > budget_ * requests + reserve_)
            fail(s, fmt::format("{:.0f} retries for {:.0f} requests in the {} before, over the budget of {:g} x {:.0f} "
                                "+ {:g} = {:.1f}",
                                retries, requests, to_string(window_), budget_, requests, reserve_,
                                budget_ * requests + reserve_));
    }

private:
    struct Point {
        Time at;
        std::uint64_t started;
        std::uint64_t retries;
    };
    Duration window_;
    double budget_;
    double reserve_;
    std::deque<Point> history_;
    Point zero_{};
};

class Conservation final : public StepCheck {
public:
    Conservation(std::string_view name, std::optional<Violation>& first, const HuntSetup& h)
        : StepCheck(name, first), event_(h.scenario.architecture == Architecture::Event) {}
    void check(const Snapshot& s) override {
        if (event_) {
            const std::uint64_t placed =
                s.queued + s.in_transit + s.processing + s.waiting + s.acked + s.dead_lettered + s.dropped;
            if (placed != s.started)
                fail(s, fmt::format("{} published but {} accounted for (queued {}, in transit {}, processing {}, "
                                    "waiting {}, acked {}, dlq {}, dropped {})",
                                    s.started, placed, s.queued, s.in_transit, s.processing, s.waiting, s.acked,
                                    s.dead_lettered, s.dropped));
        } else if (s.settled + s.in_system != s.started) {
            fail(s, fmt::format("{} started but {} settled + {} in the system", s.started, s.settled, s.in_system));
        }
    }

private:
    bool event_;
};

class Termination final : public StepCheck {
public:
    using StepCheck::StepCheck;
    void check(const Snapshot& s) override {
        if (s.settled > s.started) fail(s, fmt::format("{} outcomes for {} requests", s.settled, s.started));
        last_ = s;
    }
    void at_end(const RunMetrics& m) override {
        if (failed()) return;
        if (m.unfinished != 0 || m.settled() != m.requests)
            fail(last_, fmt::format("the run ended with {} of {} requests without an outcome", m.requests - m.settled(),
                                    m.requests));
    }

private:
    Snapshot last_;
};

// Per stage of a chain: each stage's copy of an event is its own message, with that stage's
// max_deliveries (the event keeps its number along the chain, so the stage is part of the key).
class DlqRouting final : public StepCheck {
public:
    DlqRouting(std::string_view name, std::optional<Violation>& first, const HuntSetup& h) : StepCheck(name, first) {
        const Scenario& s = h.scenario;
        max_by_stage_.push_back(s.event.message.max_deliveries);
        for (const EventConfig& inner : s.inner_stages) max_by_stage_.push_back(inner.message.max_deliveries);
        calling_stage_ = static_cast<std::uint32_t>(s.inner_stages.size());
        requeue_on_ = (s.inner_stages.empty() ? s.event : s.inner_stages.back()).message.requeue_on;
    }
    // The calling stage's answers: a failure its requeue_on leaves out dead-letters at once.
    void call(Time, const CallEvent& e) override {
        if (e.step != CallStep::Answered) return;
        if (e.failed) last_failure_[e.caller] = e.outcome;
        else last_failure_.erase(e.caller);
    }
    void transitioned(Time at, ComponentId component, std::string_view, std::string_view event, std::string_view to,
                      std::uint64_t id) override {
        if (failed() || component.kind != ComponentKind::Message) return;
        const std::uint32_t max = max_by_stage_.at(component.place);
        const std::pair<std::uint32_t, std::uint64_t> key{component.place, id};
        if (event == "Delivered") {
            if (++deliveries_[key] > max)
                fail(at, step_, fmt::format("{} #{} delivered {} times, max_deliveries is {}", component.name(), id,
                                            deliveries_[key], max));
        } else if (to == name(MessageState::DeadLettered)) {
            if (deliveries_[key] != max && !rejected_at_once(component.place, id))
                fail(at, step_, fmt::format("{} #{} dead-lettered after {} deliveries, max_deliveries is {}", component.name(),
                                            id, deliveries_[key], max));
            deliveries_.erase(key);
        } else if (to == name(MessageState::Acked) || to == name(MessageState::Dropped)) {
            deliveries_.erase(key);
        }
    }
    void check(const Snapshot& s) override {
        step_ = s.step + 1;  // transitions reported next belong to the next event
        last_ = s;
    }
    void at_end(const RunMetrics& m) override {
        if (failed()) return;
        if (m.unfinished != 0 || last_.queued + last_.processing + last_.waiting + last_.in_transit != 0)
            fail(last_, fmt::format("the run ended with messages not routed: queued {}, processing {}, waiting {}",
                                    last_.queued, last_.processing, last_.waiting));
    }

private:
    bool rejected_at_once(std::uint32_t stage, std::uint64_t id) const {
        const auto it = last_failure_.find(id);
        return stage == calling_stage_ && it != last_failure_.end() && !requeue_on_.contains(it->second);
    }
    std::vector<std::uint32_t> max_by_stage_;
    std::uint32_t calling_stage_ = 0;
    OutcomeSet requeue_on_;
    std::unordered_map<std::uint64_t, AttemptOutcome> last_failure_;  // the calling stage's, by event
    std::uint64_t step_ = 1;
    Snapshot last_;
    std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t> deliveries_;
};

// Successes per second over the goodput windows inside [from, to).
double goodput_between(const TimeSeries& goodput, Time from, Time to) {
    const auto& w = goodput.windows();
    std::uint64_t ok = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        const Time start = goodput.window_start(i);
        if (start >= from && start + goodput.width() <= to) ok += w[i].count;
    }
    const double seconds = (to - from).ms() / 1e3;
    return seconds > 0 ? static_cast<double>(ok) / seconds : 0.0;
}

// The step at which the run reached a given time (the recovery check's verdict time).
class StepAt final : public RunObserver {
public:
    explicit StepAt(Time at) : at_(at) {}
    void step(const Snapshot& s) override {
        if (s.now <= at_) reached = s.step;
    }
    std::uint64_t reached = 0;

private:
    Time at_;
};

std::optional<Violation> check_determinism(const HuntSetup& setup, const Schedule& schedule) {
    const Scenario s = scenario_for(setup, schedule);
    TraceRecorder a(true), b(true);
    const RunMetrics ma = run_scenario(s, RunOptions{}.with_trace(&a).with_budget(setup.budget).with_progress(setup.run_progress));
    const RunMetrics mb = run_scenario(s, RunOptions{}.with_trace(&b).with_budget(setup.budget).with_progress(setup.run_progress));
    const auto& ea = a.entries();
    const auto& eb = b.entries();
    for (std::size_t i = 0; i < std::min(ea.size(), eb.size()); ++i)
        if (!(ea[i] == eb[i]))
            return Violation{"determinism", ea[i].at, i, fmt::format("transition {} differs: {} vs {}", i,
                                                                     format_trace_line(ea[i]), format_trace_line(eb[i]))};
    if (ea.size() != eb.size() || ma.events != mb.events)
        return Violation{"determinism", ma.finished_at, std::min(ea.size(), eb.size()),
                         fmt::format("{} vs {} transitions", ea.size(), eb.size())};
    return std::nullopt;
}

// Recovery: after the last trigger, goodput must be back to a fraction of what the same window
// had without triggers (paired: the same background arrivals, so a quiet second of arrivals is
// not a failure to recover).
std::optional<Violation> check_recovery(const HuntSetup& setup, const Schedule& schedule, const HealthyLevel& given) {
    // `given` is the scenario's healthy level; a schedule that sets knobs is compared with its own.
    const HealthyLevel own = schedule.config.empty() ? HealthyLevel{} : measure_healthy(with_config(setup, schedule));
    const HealthyLevel& healthy = schedule.config.empty() ? given : own;
    const Time from = schedule.trigger_end() + setup.recovery_within;
    StepAt observer(from);  // the step at `from`, for the report
    const RunMetrics m = run_scenario(scenario_for(setup, schedule), RunOptions{}
                                                                         .with_observer(&observer)
                                                                         .with_budget(setup.budget)
                                                                         .with_progress(setup.run_progress));
    const Time to = from + setup.recovery_measure;
    const double goodput = goodput_between(m.goodput, from, to);
    const double untriggered = goodput_between(healthy.goodput, from, to);
    const double needed = setup.recovery_fraction * untriggered;
    if (goodput >= needed) return std::nullopt;
    return Violation{"recovery", from, observer.reached,
                     fmt::format("goodput {:.0f}/s in [{}, {}), needed {:.0f}/s ({:g} % of the {:.0f}/s the same window "
                                 "had without triggers); the last trigger ended at {}",
                                 goodput, to_string(from), to_string(to), needed, 100.0 * setup.recovery_fraction,
                                 untriggered, to_string(schedule.trigger_end()))};
}

// Well-formed: no modelling error. The machines count an event no row accepted, the systems an
// effect they cannot carry out, the simulator an event scheduled in the past; each must stay 0,
// and a hunt that varies traffic and faults is where a rare path would show one.
std::optional<Violation> check_well_formed(const HuntSetup& setup, const Schedule& schedule, const HealthyLevel&) {
    const RunMetrics m = run_scenario(scenario_for(setup, schedule),
                                      RunOptions{}.with_budget(setup.budget).with_progress(setup.run_progress));
    if (m.unhandled_events == 0) return std::nullopt;
    return Violation{"well-formed", m.finished_at, m.events,
                     fmt::format("{} modelling error{} (an event no machine row accepted, an effect the system cannot "
                                 "carry out, or an event scheduled in the past)",
                                 m.unhandled_events, m.unhandled_events == 1 ? "" : "s")};
}

std::optional<Violation> check_determinism_of(const HuntSetup& setup, const Schedule& schedule, const HealthyLevel&) {
    return check_determinism(setup, schedule);
}

// One property: what `hunt --list` shows, and how it is checked — a step-level invariant watching
// the run (an observer, made fresh for each run), or a check over whole runs.
using StepCheckFactory = std::unique_ptr<StepCheck> (*)(std::string_view, const HuntSetup&, std::optional<Violation>&);
using RunCheck = std::optional<Violation> (*)(const HuntSetup&, const Schedule&, const HealthyLevel&);
struct PropertyEntry {
    PropertyInfo info;
    StepCheckFactory step_check = nullptr;
    RunCheck run_check = nullptr;
};

template <class Check>
std::unique_ptr<StepCheck> make_check(std::string_view name, const HuntSetup& setup, std::optional<Violation>& first) {
    return std::make_unique<Check>(name, first, setup);
}

// Every property, in the order `hunt --list` prints them.
const std::vector<PropertyEntry>& registry() {
    static const std::vector<PropertyEntry> entries{
        {{"bulkhead-bound",
          "calls holding a bulkhead slot (counted by the bulkhead, and from the calls at the service) never "
          "exceed max_concurrent_calls, nor its waiters max_queue_length, at any instant; a freed slot goes to "
          "the caller that has waited longest",
          /*rpc=*/true, /*event=*/true},
         &make_bulkhead_bound},
        {{"breaker-safety",
          "no call is let through while the breaker is Open, and it leaves Open only after its wait; "
          "HalfOpen never has more probes out than permitted",
          /*rpc=*/true, /*event=*/true},
         &make_check<BreakerSafety>},
        {{"breaker-accounting",
          "every call that reaches the service through a breaker holds a permit, and every permit ends in "
          "exactly one outcome handed to the breaker (timeouts and refusals included)",
          /*rpc=*/true, /*event=*/true},
         &make_breaker_accounting},
        {{"breaker-verdicts",
          "a Resilience4j breaker opens on the outcome that puts its window (rebuilt from the outcomes it was "
          "given) at a threshold, and HalfOpen opens or closes as its probes' outcomes say",
          /*rpc=*/true, /*event=*/true},
         &make_breaker_verdicts},
        {{"retry-bounds",
          "no request gets more attempts (no message more deliveries) than configured, counted where they "
          "leave for the service too; every backoff lies in [0, cap]",
          /*rpc=*/true, /*event=*/true},
         &make_retry_bounds},
        {{"no-futile-retry",
          "an answer the retry policy does not retry (an outcome outside retry_on, a server's \"do not retry\") "
          "is the request's last attempt; RPC",
          /*rpc=*/true, /*event=*/false},
         &make_no_futile_retry},
        {{"capacity-bound",
          "the service never holds more attempts in flight than its capacity",
          /*rpc=*/true, /*event=*/true},
         &make_capacity_bound},
        {{"retry-storm",
          "over every trailing storm window, retries <= storm_budget x requests + storm_reserve "
          "(amplification <= 1 + budget); RPC",
          /*rpc=*/true, /*event=*/false},
         &make_check<RetryStorm>},
        {{"conservation",
          "every request or message is in exactly one place: published = queued + in transit + "
          "processing + waiting + acked + dead-lettered + dropped, at every step",
          /*rpc=*/true, /*event=*/true},
         &make_check<Conservation>},
        {{"dlq-routing",
          "a dead-lettered message was delivered exactly max_deliveries times (fewer only when its last failure "
          "is one requeue_on leaves out), none more, and every message ends acked, dead-lettered or dropped; "
          "event-driven",
          /*rpc=*/false, /*event=*/true},
         &make_check<DlqRouting>},
        {{"termination",
          "every request gets exactly one outcome: never more outcomes than requests, and all of them "
          "once the run is over",
          /*rpc=*/true, /*event=*/true},
         &make_check<Termination>},
        {{"determinism",
          "the same scenario, schedule and seed give the same trace, transition for transition",
          /*rpc=*/true, /*event=*/true},
         nullptr, &check_determinism_of},
        {{"well-formed",
          "no modelling error: every event is accepted by a row of its machine, every effect carried out, "
          "nothing scheduled in the past",
          /*rpc=*/true, /*event=*/true},
         nullptr, &check_well_formed},
        {{"recovery",
          "after the last trigger ends, goodput is back to recovery_fraction of the same window's goodput "
          "without triggers within recovery_within (no metastable failure)",
          /*rpc=*/true, /*event=*/true},
         nullptr, &check_recovery},
    };
    return entries;
}

const PropertyEntry* find_entry(std::string_view name) {
    for (const PropertyEntry& e : registry())
        if (e.info.name == name) return &e;
    return nullptr;
}

}  // namespace

const std::vector<PropertyInfo>& property_catalog() {
    static const std::vector<PropertyInfo> catalog = [] {
        std::vector<PropertyInfo> infos;
        for (const PropertyEntry& e : registry()) infos.push_back(e.info);
        return infos;
    }();
    return catalog;
}

const PropertyInfo* find_property(std::string_view name) {
    for (const PropertyInfo& p : property_catalog())
        if (p.name == name) return &p;
    return nullptr;
}

bool applies(const PropertyInfo& p, Architecture a) { return a == Architecture::Rpc ? p.rpc : p.event; }

const PropertyInfo& applicable_property(std::string_view name, Architecture a) {
    const PropertyInfo* info = find_property(name);
    if (!info) throw ConfigError("--property", std::string{name}, "no such property (cascadelab hunt --list)");
    if (!applies(*info, a))
        throw ConfigError("--property", std::string{name}, fmt::format("does not apply to the {} architecture", cascadelab::name(a)));
    return *info;
}

HealthyLevel measure_healthy(const HuntSetup& setup) {
    const RunMetrics m = run_scenario(healthy_scenario(setup), RunOptions{}.with_budget(setup.budget).with_progress(setup.run_progress));
    // Skip the first second (warm-up) and stop where the background stops.
    const Time from = Time::at(std::min(Duration::seconds(1), setup.background_length() / 4));
    const Time to = Time::at(setup.background_length());
    return HealthyLevel{goodput_between(m.goodput, from, to), m.goodput};
}

std::unique_ptr<RunObserver> make_observer(std::string_view property, const HuntSetup& setup,
                                           std::optional<Violation>& first) {
    const PropertyEntry* entry = find_entry(property);
    if (!entry || !entry->step_check) return nullptr;
    return entry->step_check(entry->info.name, setup, first);
}

std::optional<Violation> check(std::string_view property, const HuntSetup& setup, const Schedule& schedule,
                               const HealthyLevel& healthy) {
    const PropertyEntry* entry = find_entry(property);
    if (!entry) return std::nullopt;  // callers validate the name first (hunt, replay files)
    if (entry->run_check) return entry->run_check(setup, schedule, healthy);
    std::optional<Violation> first;
    const std::unique_ptr<StepCheck> observer = entry->step_check(entry->info.name, with_config(setup, schedule), first);
    const RunMetrics m = run_scenario(scenario_for(setup, schedule), RunOptions{}
                                                                         .with_observer(observer.get())
                                                                         .with_budget(setup.budget)
                                                                         .with_progress(setup.run_progress));
    observer->at_end(m);
    return first;
}

}  // namespace cascadelab::properties
