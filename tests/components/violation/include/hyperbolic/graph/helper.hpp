#pragma once
#include "../stats/neutral.hpp"
