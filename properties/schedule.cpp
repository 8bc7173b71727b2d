#include "properties/schedule.hpp"

#include <algorithm>  // std::max, std::sort
#include <cmath>      // std::llround, std::isfinite

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "model/rng.hpp"
#include "model/workload.hpp"
#include "statemachines/config_error.hpp"

namespace cascadelab::properties {

namespace {
using json = nlohmann::ordered_json;

double ms(Duration d) { return static_cast<double>(d.us()) / 1e3; }
Duration from_ms(double v) { return Duration::micros(std::llround(v * 1e3)); }
}  // namespace

Time Schedule::trigger_end() const {
    Time end;
    for (const Burst& b : bursts) end = std::max(end, b.start + b.spread);
    for (const FaultWindow& f : faults) end = std::max(end, f.end());
    return end;
}

std::uint64_t Schedule::burst_requests() const {
    std::uint64_t n = 0;
    for (const Burst& b : bursts) n += b.size;
    return n;
}

Duration HuntSetup::background_length() const {
    // The latest trigger end: a fault starting at the end of the window and lasting the longest,
    // or a burst spread over as long.
    return trigger_window + max_trigger_length + recovery_within + recovery_measure;
}

void HuntSetup::validate() const {
    scenario.validate();
    constexpr std::string_view s = "hunt";
    require(background_rate_per_s > 0.0 && background_rate_per_s <= 1e6, s, "background_rate_per_s",
            background_rate_per_s, "must be in (0, 1e6]");
    require(trigger_window >= Duration::zero(), s, "trigger_window", trigger_window, "must not be negative");
    require(max_trigger_length > Duration::zero(), s, "max_trigger_length", max_trigger_length, "must be positive");
    require(max_burst_size >= 1, s, "max_burst_size", max_burst_size, "must be at least 1");
    require(recovery_within >= Duration::zero(), s, "recovery_within", recovery_within, "must not be negative");
    require(recovery_measure > Duration::zero(), s, "recovery_measure", recovery_measure, "must be positive");
    require(recovery_fraction > 0.0 && recovery_fraction <= 1.0, s, "recovery_fraction", recovery_fraction,
            "must be in (0, 1]");
    require(storm_window > Duration::zero(), s, "storm_window", storm_window, "must be positive");
    require(storm_budget >= 0.0, s, "storm_budget", storm_budget, "must not be negative");
    require(storm_reserve >= 0.0, s, "storm_reserve", storm_reserve, "must not be negative");
}

namespace {

// The background: Poisson at the setup's rate over background_length, from the scenario's own
// workload stream, so that every schedule of a hunt sees the same background.
std::vector<Time> background(const HuntSetup& setup) {
    WorkloadConfig w;
    w.kind = WorkloadKind::Step;  // a constant rate for a fixed length: a step without a spike
    w.base_rate_per_second = setup.background_rate_per_s;
    w.spike_rate_per_second = setup.background_rate_per_s;
    w.spike_start = Time{};
    w.spike_length = setup.background_length();
    w.duration = setup.background_length();
    ArrivalGenerator g(w, RngStreams(setup.scenario.seed).stream("workload"));
    std::vector<Time> out;
    while (auto t = g.next()) out.push_back(*t);
    return out;
}

Scenario with_arrivals(const HuntSetup& setup, std::vector<Time> arrivals, std::string suffix) {
    Scenario s = setup.scenario;
    s.name += suffix;
    s.horizon = Duration::zero();
    s.workload = WorkloadConfig{};
    s.workload.kind = WorkloadKind::Arrivals;
    std::sort(arrivals.begin(), arrivals.end());
    if (arrivals.empty()) arrivals.push_back(Time{});  // a workload needs one arrival
    s.workload.arrivals = std::move(arrivals);
    return s;
}

}  // namespace

Scenario scenario_for(const HuntSetup& setup, const Schedule& schedule) {
    std::vector<Time> arrivals = background(setup);
    for (const Burst& b : schedule.bursts)
        for (std::uint32_t k = 0; k < b.size; ++k)
            arrivals.push_back(b.start + Duration::micros(b.spread.us() * k / std::max<std::uint32_t>(1, b.size)));
    Scenario s = with_arrivals(setup, std::move(arrivals), "+schedule");
    s.faults = FaultSchedule{schedule.faults};
    return s;
}

Scenario healthy_scenario(const HuntSetup& setup) {
    Scenario s = with_arrivals(setup, background(setup), "+healthy");
    s.faults = FaultSchedule{};
    return s;
}

std::string describe(const Schedule& schedule) {
    if (schedule.empty()) return "nothing";
    std::string out;
    if (!schedule.bursts.empty()) {
        out += fmt::format("{} burst{} (", schedule.bursts.size(), schedule.bursts.size() == 1 ? "" : "s");
        for (std::size_t i = 0; i < schedule.bursts.size(); ++i) {
            const Burst& b = schedule.bursts[i];
            out += fmt::format("{}{} at {}", i ? "; " : "", b.size, to_string(b.start.since_start()));
            if (b.spread > Duration::zero()) out += fmt::format(" over {}", to_string(b.spread));
        }
        out += ")";
    }
    if (!schedule.faults.empty()) {
        if (!out.empty()) out += ", ";
        out += fmt::format("{} fault{} (", schedule.faults.size(), schedule.faults.size() == 1 ? "" : "s");
        for (std::size_t i = 0; i < schedule.faults.size(); ++i) {
            const FaultWindow& f = schedule.faults[i];
            out += fmt::format("{}{} at {} for {}", i ? "; " : "", name(f.kind), to_string(f.start.since_start()),
                               to_string(f.length));
            if (f.kind == FaultKind::LatencySpike || f.kind == FaultKind::CapacityDrop)
                out += fmt::format(" x{:g}", f.strength);
            if (f.kind == FaultKind::ErrorRate) out += fmt::format(" p={:g}", f.strength);
        }
        out += ")";
    }
    return out;
}

std::string schedule_to_json(const Schedule& schedule) {
    json j;
    j["bursts"] = json::array();
    for (const Burst& b : schedule.bursts)
        j["bursts"].push_back(json{{"start_ms", ms(b.start.since_start())}, {"size", b.size}, {"spread_ms", ms(b.spread)}});
    j["faults"] = json::array();
    for (const FaultWindow& f : schedule.faults)
        j["faults"].push_back(json{{"kind", name(f.kind)},
                                   {"start_ms", ms(f.start.since_start())},
                                   {"length_ms", ms(f.length)},
                                   {"strength", f.strength}});
    return j.dump(2);
}

namespace {

const json& field(const json& j, const std::string& path, const char* key) {
    if (!j.is_object() || !j.contains(key)) throw ConfigError(path + "." + key, "null", "is required");
    return j.at(key);
}
double number(const json& j, const std::string& path, const char* key, double lo, double hi) {
    const json& v = field(j, path, key);
    if (!v.is_number() || !std::isfinite(v.get<double>()) || v.get<double>() < lo || v.get<double>() > hi)
        throw ConfigError(path + "." + key, v.dump(), fmt::format("must be a number in [{:g}, {:g}]", lo, hi));
    return v.get<double>();
}

}  // namespace

Schedule schedule_from_json(const std::string& text) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw ConfigError("schedule", "(text)", e.what());
    }
    Schedule s;
    const json& bursts = field(j, "schedule", "bursts");
    const json& faults = field(j, "schedule", "faults");
    if (!bursts.is_array()) throw ConfigError("schedule.bursts", bursts.dump(), "must be an array");
    if (!faults.is_array()) throw ConfigError("schedule.faults", faults.dump(), "must be an array");
    for (std::size_t i = 0; i < bursts.size(); ++i) {
        const std::string p = fmt::format("schedule.bursts[{}]", i);
        Burst b;
        b.start = Time::at(from_ms(number(bursts[i], p, "start_ms", 0, 1e9)));
        b.size = static_cast<std::uint32_t>(number(bursts[i], p, "size", 1, 1e8));
        b.spread = from_ms(number(bursts[i], p, "spread_ms", 0, 1e9));
        s.bursts.push_back(b);
    }
    for (std::size_t i = 0; i < faults.size(); ++i) {
        const std::string p = fmt::format("schedule.faults[{}]", i);
        FaultWindow f;
        const json& kind = field(faults[i], p, "kind");
        const std::string k = kind.is_string() ? kind.get<std::string>() : "";
        if (k == "outage") f.kind = FaultKind::Outage;
        else if (k == "latency_spike") f.kind = FaultKind::LatencySpike;
        else if (k == "capacity_drop") f.kind = FaultKind::CapacityDrop;
        else if (k == "error_rate") f.kind = FaultKind::ErrorRate;
        else throw ConfigError(p + ".kind", kind.dump(), "must be one of outage, latency_spike, capacity_drop, error_rate");
        f.start = Time::at(from_ms(number(faults[i], p, "start_ms", 0, 1e9)));
        f.length = from_ms(number(faults[i], p, "length_ms", 0.001, 1e9));
        f.strength = number(faults[i], p, "strength", 0, 1000);
        s.faults.push_back(f);
    }
    FaultSchedule{s.faults}.validate();
    return s;
}

std::string setup_to_json(const HuntSetup& h) {
    json j{{"background_rate_per_s", h.background_rate_per_s},
           {"trigger_window_ms", ms(h.trigger_window)},
           {"max_trigger_length_ms", ms(h.max_trigger_length)},
           {"max_burst_size", h.max_burst_size},
           {"recovery_within_ms", ms(h.recovery_within)},
           {"recovery_measure_ms", ms(h.recovery_measure)},
           {"recovery_fraction", h.recovery_fraction},
           {"storm_window_ms", ms(h.storm_window)},
           {"storm_budget", h.storm_budget},
           {"storm_reserve", h.storm_reserve}};
    return j.dump(2);
}

HuntSetup setup_from_json(const std::string& text, Scenario scenario) {
    json j;
    try {
        j = json::parse(text);
    } catch (const json::parse_error& e) {
        throw ConfigError("hunt", "(text)", e.what());
    }
    HuntSetup h;
    h.scenario = std::move(scenario);
    h.background_rate_per_s = number(j, "hunt", "background_rate_per_s", 1e-9, 1e6);
    h.trigger_window = from_ms(number(j, "hunt", "trigger_window_ms", 0, 1e9));
    h.max_trigger_length = from_ms(number(j, "hunt", "max_trigger_length_ms", 0.001, 1e9));
    h.max_burst_size = static_cast<std::uint32_t>(number(j, "hunt", "max_burst_size", 1, 1e8));
    h.recovery_within = from_ms(number(j, "hunt", "recovery_within_ms", 0, 1e9));
    h.recovery_measure = from_ms(number(j, "hunt", "recovery_measure_ms", 0.001, 1e9));
    h.recovery_fraction = number(j, "hunt", "recovery_fraction", 1e-9, 1);
    h.storm_window = from_ms(number(j, "hunt", "storm_window_ms", 0.001, 1e9));
    h.storm_budget = number(j, "hunt", "storm_budget", 0, 1e6);
    h.storm_reserve = number(j, "hunt", "storm_reserve", 0, 1e9);
    h.validate();
    return h;
}

}  // namespace cascadelab::properties
