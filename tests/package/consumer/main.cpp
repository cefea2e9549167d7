#include <hyperbolic/hyperbolic.hpp>

#include <array>
#include <cmath>
#include <cstdio>

int main() {
  const hyperbolic::PoincareBall<double> ball(1.0);
  const std::array<double, 2> x{0.1, 0.2}, y{-0.3, 0.4};
  const double d = ball.dist(x, y);
  // cosh d = 1 + 2|x-y|^2 / ((1-|x|^2)(1-|y|^2)) = 1 + 0.4 / 0.7125
  const double expected = std::acosh(1.0 + 0.4 / 0.7125);
  std::printf("dist = %.15g (expected %.15g)\n", d, expected);
  return std::abs(d - expected) < 1e-14 ? 0 : 1;
}
