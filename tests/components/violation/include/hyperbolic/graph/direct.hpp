#pragma once
// Fixture: a geometry backend's header, included directly.
#include <Eigen/Core>
