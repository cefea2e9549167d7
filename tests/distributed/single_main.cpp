#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include "test_comm.hpp"

hyperbolic::distributed::Communicator& test_comm() {
  static hyperbolic::distributed::SingleProcess single;
  return single;
}
