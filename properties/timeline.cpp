#include "properties/timeline.hpp"

#include <algorithm>  // std::max
#include <map>        // std::map
#include <memory>     // std::unique_ptr
#include <vector>     // std::vector

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/run.hpp"

namespace cascadelab::properties {

namespace {

using json = nlohmann::ordered_json;

constexpr Duration kWindow = Duration::millis(100);

// Per 100 ms window: what happened, for the timeline's rows and the trace's counters.
struct WindowRow {
    std::uint64_t ok = 0;
    std::uint64_t started = 0;
    std::uint64_t attempts = 0;
    std::uint64_t retries = 0;
    std::uint32_t max_in_flight = 0;
    std::uint64_t max_queue = 0;
    std::string_view breaker = "";
};

// A state change of a machine worth showing: a tier's shared machine, or a consumer.
struct Change {
    Time at;
    ComponentId component;
    std::string_view from, event, to;
    std::uint64_t id;
};

// Forwards to the property's observer and keeps the per-window rows and the changes worth
// showing: the shared machines', not the thousands of per-request ones (those are summed in the
// window rows), and the consumers'.
class Recorder final : public RunObserver {
public:
    explicit Recorder(RunObserver* inner) : inner_(inner) {}
    void transitioned(Time at, ComponentId component, std::string_view from, std::string_view event,
                      std::string_view to, std::uint64_t id) override {
        if (inner_) inner_->transitioned(at, component, from, event, to, id);
        if (component.shared() || component.kind == ComponentKind::Consumer)
            changes.push_back(Change{at, component, from, event, to, id});
    }
    void step(const Snapshot& s) override {
        if (inner_) inner_->step(s);
        const auto i = static_cast<std::size_t>(s.now.since_start() / kWindow);
        if (i >= rows.size()) rows.resize(i + 1);
        WindowRow& r = rows[i];
        r.ok += s.ok - last_.ok;
        r.started += s.started - last_.started;
        r.attempts += s.attempts - last_.attempts;
        r.retries += s.retries_decided - last_.retries_decided;
        r.max_in_flight = std::max(r.max_in_flight, s.downstream_in_flight);
        r.max_queue = std::max(r.max_queue, s.queued);
        if (s.has_breaker) r.breaker = name(s.breaker_state);
        last_ = s;
    }
    std::vector<WindowRow> rows;
    std::vector<Change> changes;

private:
    RunObserver* inner_;
    Snapshot last_;
};

std::string timeline_text(const std::string& scenario, const Schedule& schedule, const Recorder& recorded,
                          const std::optional<Violation>& violation, Time from, Time to) {
    const std::vector<WindowRow>& rows = recorded.rows;
    std::string out = fmt::format("Timeline of {} with {}, {} to {}\n", scenario, describe(schedule), to_string(from),
                                  to_string(to));
    out += fmt::format("  {:>10}  {:>7} {:>7} {:>8} {:>7} {:>9} {:>6}  {}\n", "window", "started", "ok", "attempts",
                       "retries", "in-flight", "queue", "breaker");
    // Events in time order: window rows, shared-machine transitions, triggers, the violation.
    std::multimap<Time, std::string> lines;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const Time t = Time::at(kWindow * static_cast<std::int64_t>(i));
        if (t + kWindow <= from || t > to) continue;
        const WindowRow& r = rows[i];
        lines.emplace(t, fmt::format("  {:>10}  {:>7} {:>7} {:>8} {:>7} {:>9} {:>6}  {}", to_string(t), r.started, r.ok,
                                     r.attempts, r.retries, r.max_in_flight, r.max_queue, r.breaker));
    }
    for (const Change& e : recorded.changes) {
        if (e.at < from || e.at > to || !e.component.shared() || e.from == e.to) continue;
        lines.emplace(e.at, fmt::format("  {:>10}  {} {} --{}--> {}", to_string(e.at), e.component.name(), e.from,
                                        e.event, e.to));
    }
    for (const Burst& b : schedule.bursts)
        if (b.start >= from && b.start <= to)
            lines.emplace(b.start, fmt::format("  {:>10}  >> burst of {} requests{}", to_string(b.start), b.size,
                                               b.spread > Duration::zero() ? " over " + to_string(b.spread) : ""));
    for (const FaultWindow& f : schedule.faults) {
        if (f.start >= from && f.start <= to)
            lines.emplace(f.start, fmt::format("  {:>10}  >> {} begins{} for {}", to_string(f.start), name(f.kind),
                                               f.kind == FaultKind::Outage ? "" : fmt::format(" (x{:g})", f.strength),
                                               to_string(f.length)));
        if (f.end() >= from && f.end() <= to)
            lines.emplace(f.end(), fmt::format("  {:>10}  >> {} ends", to_string(f.end()), name(f.kind)));
    }
    if (violation)
        lines.emplace(violation->at, fmt::format("  {:>10}  !! {}", to_string(violation->at), describe(*violation)));
    for (const auto& [t, line] : lines) out += line + "\n";
    return out;
}

std::string chrome_trace(const Recorder& recorded, const Schedule& schedule, const std::optional<Violation>& violation,
                         Time end) {
    const std::vector<WindowRow>& rows = recorded.rows;
    json events = json::array();
    std::map<std::string, int> tids;
    auto tid = [&](const std::string& track) {
        auto [it, fresh] = tids.emplace(track, static_cast<int>(tids.size()) + 1);
        if (fresh)
            events.push_back(json{{"ph", "M"}, {"name", "thread_name"}, {"pid", 1}, {"tid", it->second},
                                  {"args", json{{"name", track}}}});
        return it->second;
    };
    // One track per shared machine (per consumer too): its states as spans.
    std::map<std::string, std::pair<std::string, Time>> open;  // track -> (state, since)
    auto close = [&](const std::string& track, Time at) {
        auto it = open.find(track);
        if (it == open.end()) return;
        events.push_back(json{{"ph", "X"}, {"name", it->second.first}, {"pid", 1}, {"tid", tid(track)},
                              {"ts", it->second.second.us()}, {"dur", (at - it->second.second).us()}});
        open.erase(it);
    };
    for (const Change& e : recorded.changes) {
        const bool consumer = e.component.kind == ComponentKind::Consumer;
        const std::string track = consumer ? fmt::format("{} {}", e.component.name(), e.id) : std::string{e.component.name()};
        tid(track);
        if (!open.count(track)) open[track] = {std::string{e.from}, Time{}};
        if (e.from == e.to) continue;
        close(track, e.at);
        open[track] = {std::string{e.to}, e.at};
    }
    std::vector<std::string> tracks;
    for (const auto& [track, state] : open) tracks.push_back(track);
    for (const std::string& track : tracks) close(track, end);
    // Counters per window.
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::int64_t ts = (kWindow * static_cast<std::int64_t>(i)).us();
        const WindowRow& r = rows[i];
        events.push_back(json{{"ph", "C"}, {"name", "per 100 ms"}, {"pid", 1}, {"ts", ts},
                              {"args", json{{"ok", r.ok}, {"attempts", r.attempts}, {"retries", r.retries}}}});
        events.push_back(json{{"ph", "C"}, {"name", "downstream in-flight (max)"}, {"pid", 1}, {"ts", ts},
                              {"args", json{{"in-flight", r.max_in_flight}}}});
        events.push_back(json{{"ph", "C"}, {"name", "queue depth (max)"}, {"pid", 1}, {"ts", ts},
                              {"args", json{{"queued", r.max_queue}}}});
    }
    const int triggers = tid("triggers");
    for (const Burst& b : schedule.bursts)
        events.push_back(json{{"ph", "X"}, {"name", fmt::format("burst of {}", b.size)}, {"pid", 1}, {"tid", triggers},
                              {"ts", b.start.us()}, {"dur", std::max<std::int64_t>(1, b.spread.us())}});
    for (const FaultWindow& f : schedule.faults)
        events.push_back(json{{"ph", "X"}, {"name", std::string{name(f.kind)}}, {"pid", 1}, {"tid", triggers},
                              {"ts", f.start.us()}, {"dur", f.length.us()}, {"args", json{{"strength", f.strength}}}});
    if (violation)
        events.push_back(json{{"ph", "i"}, {"s", "g"}, {"name", violation->property + " broke"}, {"pid", 1},
                              {"tid", triggers}, {"ts", violation->at.us()}, {"args", json{{"detail", violation->detail}}}});
    return json{{"displayTimeUnit", "ms"}, {"traceEvents", std::move(events)}}.dump() + "\n";
}

}  // namespace

RecordedRun record_run(std::string_view property, const HuntSetup& setup, const Schedule& schedule,
                       const std::optional<Violation>& violation, Duration around) {
    const Scenario s = scenario_for(setup, schedule);
    std::optional<Violation> found;
    std::unique_ptr<RunObserver> check = make_observer(property, with_config(setup, schedule), found);
    Recorder recorder(check.get());
    const RunMetrics m = run_scenario(
        s, RunOptions{}.with_observer(&recorder).with_budget(setup.budget).with_progress(setup.run_progress));

    RecordedRun out;
    out.violation = violation ? violation : found;
    const Time focus = out.violation ? out.violation->at : schedule.trigger_end();
    // From the first trigger (so the cause is on screen) or `around` before the focus.
    Time first_trigger = focus;
    for (const Burst& b : schedule.bursts) first_trigger = std::min(first_trigger, b.start);
    for (const FaultWindow& f : schedule.faults) first_trigger = std::min(first_trigger, f.start);
    Time from = std::min(first_trigger, focus - around);
    if (from < Time{}) from = Time{};
    const Time to = std::max(focus + around, out.violation ? Time{} : schedule.trigger_end() + around);
    out.timeline = timeline_text(s.name, schedule, recorder, out.violation, from, to);
    out.chrome_trace = chrome_trace(recorder, schedule, out.violation, m.finished_at);
    return out;
}

}  // namespace cascadelab::properties
