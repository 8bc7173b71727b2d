// A fixture for the layering check: the kernel including a machine (a layer above).
#pragma once
#include "statemachines/effects.hpp"
