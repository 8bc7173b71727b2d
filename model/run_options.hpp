// Options every run takes, whatever the architecture.
#pragma once

#include "model/observer.hpp"
#include "model/trace.hpp"

namespace cascadelab {

struct RunOptions {
    RunObserver* observer = nullptr;  // every transition and a snapshot after every event
    TraceRecorder* trace = nullptr;   // every transition, as a structured trace
};

}  // namespace cascadelab
