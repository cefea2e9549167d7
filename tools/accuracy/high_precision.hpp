#pragma once
// 256-bit MPFR reals for the reference computations. Every float and double
// converts to Real exactly, so the reference sees the very inputs the library
// saw. At 256 bits the textbook formulas (acosh near 1, 1 - c|x|^2 near the
// boundary) keep > 100 correct bits on every input the program generates.

#include <boost/multiprecision/mpfr.hpp>

#include <cmath>
#include <limits>
#include <vector>

namespace hyperbolic::accuracy {

using Real = boost::multiprecision::number<
    boost::multiprecision::mpfr_float_backend<256, boost::multiprecision::allocate_stack>,
    boost::multiprecision::et_off>;
using RVec = std::vector<Real>;

template <class T>
RVec exact(const std::vector<T>& v) {
  RVec r(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    r[i] = Real(v[i]);
  return r;
}

template <class T>
std::vector<T> rounded(const RVec& v) {
  std::vector<T> r(v.size());
  for (std::size_t i = 0; i < v.size(); ++i)
    r[i] = v[i].convert_to<T>();
  return r;
}

inline Real dot(const RVec& a, const RVec& b) {
  Real s = 0;
  for (std::size_t i = 0; i < a.size(); ++i)
    s += a[i] * b[i];
  return s;
}
inline Real norm2(const RVec& a) {
  return dot(a, a);
}
inline Real norm(const RVec& a) {
  return sqrt(norm2(a));
}

// <a, b>_L with the time coordinate first.
inline Real minkowski(const RVec& a, const RVec& b) {
  return dot(a, b) - Real(2) * a[0] * b[0];
}

inline RVec scaled(const Real& a, const RVec& x) {
  RVec r(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    r[i] = a * x[i];
  return r;
}
// a x + b y
inline RVec combine(const Real& a, const RVec& x, const Real& b, const RVec& y) {
  RVec r(x.size());
  for (std::size_t i = 0; i < x.size(); ++i)
    r[i] = a * x[i] + b * y[i];
  return r;
}
inline RVec difference(const RVec& x, const RVec& y) {
  return combine(Real(1), x, Real(-1), y);
}

inline RVec space_part(const RVec& x) {
  return RVec(x.begin() + 1, x.end());
}
inline RVec with_time(const Real& t, const RVec& space) {
  RVec r(space.size() + 1);
  r[0] = t;
  for (std::size_t i = 0; i < space.size(); ++i)
    r[i + 1] = space[i];
  return r;
}

// Spacing of T at |v|: the unit in the last place of a T of that magnitude
// (subnormal spacing below the normal range).
template <class T>
Real ulp_of(const Real& v) {
  const long double a = fabs(v).convert_to<long double>();
  if (!(a >= static_cast<long double>(std::numeric_limits<T>::min())))
    return Real(std::numeric_limits<T>::denorm_min());
  int e = 0;
  std::frexp(a, &e);  // a = m 2^e, m in [0.5, 1)
  return ldexp(Real(1), e - std::numeric_limits<T>::digits);
}

}  // namespace hyperbolic::accuracy
