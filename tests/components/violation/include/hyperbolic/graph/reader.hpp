#pragma once
// Fixture for component_includes_catches_violation: reaches core/ through two allowed headers.
#include <string>

#include "helper.hpp"
