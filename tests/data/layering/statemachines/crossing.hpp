// A fixture for the layering check: a machine that includes an architecture (a layer above).
#pragma once
#include "model/kernel/time.hpp"
#include "model/run.hpp"
