#pragma once
// Power-law fitting in one include: discrete and continuous fits, bootstrap
// goodness of fit and likelihood-ratio tests against the usual alternatives.

#include "hyperbolic/text/continuous_power_law.hpp"
#include "hyperbolic/text/discrete_power_law.hpp"
#include "hyperbolic/text/hurwitz_zeta.hpp"
#include "hyperbolic/text/likelihood_ratio_test.hpp"
#include "hyperbolic/text/power_law_bootstrap.hpp"
#include "hyperbolic/text/tail_alternatives.hpp"
