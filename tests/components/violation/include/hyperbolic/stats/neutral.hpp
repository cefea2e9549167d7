#pragma once
#include <hyperbolic/core/dual.hpp>
