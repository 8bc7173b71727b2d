#include "experiments/seed_report.hpp"

#include <algorithm>  // std::find_if

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "experiments/claims.hpp"
#include "experiments/stats.hpp"

namespace cascadelab::cli {

void SeedSummary::add_seed(const std::vector<RunMetrics>& runs) {
    if (runs_.empty()) {
        runs_.resize(scenarios_);
        for (const Field& f : run_fields(RunMetrics{})) names_.push_back(f.name);
    }
    for (std::size_t i = 0; i < runs.size() && i < scenarios_; ++i) {
        Scenario& s = runs_[i];
        s.name = runs[i].scenario;
        s.architecture = runs[i].architecture;
        s.seeds.push_back(runs[i].seed);
        const std::vector<Field> fields = run_fields(runs[i]);
        s.samples.resize(fields.size());
        for (std::size_t f = 0; f < fields.size(); ++f) s.samples[f].push_back(fields[f].value);
    }
    for (const ClaimVerdict& c : evaluate_claims(runs)) {
        auto it = std::find_if(claims_.begin(), claims_.end(), [&](const Claim& k) { return k.id == c.id; });
        if (it == claims_.end()) it = claims_.insert(claims_.end(), Claim{c.id, c.claim, 0, 0});
        ++it->seen;
        it->held += c.held ? 1 : 0;
    }
}

std::vector<double> SeedSummary::field(std::size_t scenario, std::string_view name) const {
    for (std::size_t f = 0; f < names_.size(); ++f)
        if (names_[f] == name) return runs_[scenario].samples[f];
    return {};
}

namespace {
std::string pm(const Estimate& e, int decimals) {
    return fmt::format("{:.{}f} ± {:.{}f}", e.mean, decimals, e.half_width, decimals);
}
}  // namespace

std::string SeedSummary::table() const {
    if (runs_.empty()) return "";
    std::string out =
        fmt::format("mean ± 95 % confidence interval over {} seeds\n\n", runs_.front().seeds.size());
    out += fmt::format("{:<18} {:>14} {:>14} {:>11} {:>14} {:>13} {:>16} {:>16}\n", "scenario", "ok", "failed",
                       "dlq+dropped", "retries", "attempts", "p50 (ms)", "p99 (ms)");
    for (std::size_t i = 0; i < runs_.size(); ++i) {
        const double lost = estimate(field(i, "dead_lettered")).mean + estimate(field(i, "dropped")).mean;
        out += fmt::format("{:<18} {:>14} {:>14} {:>11.0f} {:>14} {:>13} {:>16} {:>16}\n", runs_[i].name,
                           pm(estimate(field(i, "ok")), 0), pm(estimate(field(i, "failed")), 0), lost,
                           pm(estimate(field(i, "retries")), 0), pm(estimate(field(i, "amplification")), 2),
                           pm(estimate(field(i, "latency_p50_ms")), 1), pm(estimate(field(i, "latency_p99_ms")), 1));
    }
    if (!claims_.empty()) {
        out += "\nThe articles' claims, seed by seed:\n";
        for (const Claim& c : claims_) out += fmt::format("  held on {:>3} of {:<3} seeds  {}\n", c.held, c.seen, c.text);
    }
    return out;
}

std::string SeedSummary::csv() const {
    std::string out = "scenario,architecture,seeds";
    for (std::string_view n : names_) out += fmt::format(",{0}_mean,{0}_ci95_low,{0}_ci95_high", n);
    out += "\n";
    for (const Scenario& s : runs_) {
        out += fmt::format("{},{},{}", s.name, name(s.architecture), s.seeds.size());
        for (const auto& xs : s.samples) {
            const Estimate e = estimate(xs);
            out += fmt::format(",{:.6g},{:.6g},{:.6g}", e.mean, e.low(), e.high());
        }
        out += "\n";
    }
    return out;
}

std::string SeedSummary::json() const {
    using json = nlohmann::ordered_json;
    auto num = [](double v) { return json::parse(fmt::format("{:.6g}", v)); };
    json doc{{"seeds", runs_.empty() ? 0 : runs_.front().seeds.size()}, {"scenarios", json::array()}};
    for (const Scenario& s : runs_) {
        json j{{"scenario", s.name}, {"architecture", name(s.architecture)}, {"seed_values", s.seeds}};
        json fields = json::object();
        for (std::size_t f = 0; f < names_.size(); ++f) {
            const Estimate e = estimate(s.samples[f]);
            fields[std::string{names_[f]}] =
                json{{"mean", num(e.mean)}, {"ci95_low", num(e.low())}, {"ci95_high", num(e.high())}, {"sd", num(e.sd)}};
        }
        j["fields"] = std::move(fields);
        doc["scenarios"].push_back(std::move(j));
    }
    json claims = json::array();
    for (const Claim& c : claims_) claims.push_back(json{{"id", c.id}, {"claim", c.text}, {"held_on", c.held}, {"of", c.seen}});
    doc["claims"] = std::move(claims);
    return doc.dump(2) + "\n";
}

}  // namespace cascadelab::cli
