// What SystemBase does for both architectures, seen through a minimal system of its own.
#include <gtest/gtest.h>

#include "model/presets.hpp"
#include "model/system_base.hpp"

namespace cascadelab {
namespace {

using namespace literals;

// Schedules one event a microsecond in the past at its second arrival: a modelling error the
// simulator clamps to the present, and the run must report.
class SchedulesInThePast final : public SystemBase {
public:
    explicit SchedulesInThePast(const Scenario& s) : SystemBase(s, RunOptions{}, Architecture::Rpc) {}
    RunMetrics run() {
        run_loop([this](const SystemEvent& e) {
            if (e.kind != SystemEventKind::Arrival) return;
            schedule_next_arrival();
            if (++arrivals_ != 2) return;
            sim_.schedule_at(sim_.now() - 1_us, SystemEvent{SystemEventKind::Timer, TimerKind::RetryBackoff, false, false, 0, 0});
        });
        return std::move(metrics_);
    }
    std::size_t live_bytes() const override { return 0; }
    std::size_t live_slots() const override { return 0; }

private:
    int arrivals_ = 0;
};

TEST(SystemBase, AnEventScheduledInThePastIsReportedAsAModellingError) {
    Scenario s = preset("rpc-naive")->front();
    s.workload.kind = WorkloadKind::Poisson;
    s.workload.rate_per_second = 100.0;
    s.workload.requests = 5;
    SchedulesInThePast system(s);
    EXPECT_EQ(system.run().unhandled_events, 1u);
}

}  // namespace
}  // namespace cascadelab
