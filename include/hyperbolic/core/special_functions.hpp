#pragma once
// The "c" functions of hyperbolic geometry as functions of the SQUARED
// argument w = z^2, on plain scalars and on dual numbers:
//
//   tanhc_sq(w)   = tanh(z)/z     (expmap on the Poincare ball)
//   artanhc_sq(w) = artanh(z)/z   (logmap, distance from the origin)
//   asinhc_sq(w)  = asinh(z)/z    (distances, logmap0 on the hyperboloid)
//   sinhc_sq(w)   = sinh(z)/z     (expmap on the hyperboloid)
//   cosh_sq(w)    = cosh(z)
//
// Why squared arguments: every primitive then depends on c and on squared
// norms only through c*|v|^2, so no sqrt(c) or |v| appears, c = 0 is exact
// (the Euclidean limit), and the derivatives with respect to c and |v|^2 are
// finite everywhere, including at c = 0 and v = 0.
//
// For |w| below scalar_traits<T>::series_cutoff^2 an 8-term Taylor series in
// w is used (exact to rounding there, also for tiny negative w from rounding);
// above it the direct quotient has no cancellation. The derivative's direct
// form (f'(z) - f(z)/z)/(2 z^2) loses at most log2(1/cutoff^2) bits just above
// the cutoff (about 7 bits in double, 3.5 in float): the documented accuracy
// of gradients near the origin.
//
// The values are written once over a value type V (core/lanes.hpp): a plain
// scalar, or a SIMD register of several rows' arguments (the CPU backend),
// where the series / direct choice is made per lane.

#include "dual.hpp"
#include "lanes.hpp"
#include "scalar_traits.hpp"

namespace hyperbolic::math {
namespace detail {

enum class series_kind { tanhc, artanhc, asinhc, sinhc };

// Taylor coefficients of f(z)/z in powers of w = z^2, filled into a local
// array (not a static table) so that device code can use them too.
template <class T>
HYP_HD_INLINE void series_coefficients(series_kind kind, T (&c)[8]) {
  switch (kind) {
    case series_kind::tanhc: {
      const T k[8] = {T(1),
                      T(-1) / T(3),
                      T(2) / T(15),
                      T(-17) / T(315),
                      T(62) / T(2835),
                      T(-1382) / T(155925),
                      T(21844) / T(6081075),
                      T(-929569) / T(638512875)};
      for (int i = 0; i < 8; ++i)
        c[i] = k[i];
      return;
    }
    case series_kind::artanhc:  // 1 / (2k+1)
      for (int i = 0; i < 8; ++i)
        c[i] = T(1) / T(2 * i + 1);
      return;
    case series_kind::asinhc: {  // (-1)^k (2k-1)!! / ((2k)!! (2k+1))
      T a = T(1);
      for (int i = 0; i < 8; ++i) {
        c[i] = a / T(2 * i + 1);
        a = -a * T(2 * i + 1) / T(2 * i + 2);
      }
      return;
    }
    case series_kind::sinhc: {  // 1 / (2k+1)!
      T a = T(1);
      for (int i = 0; i < 8; ++i) {
        c[i] = a;
        a = a / (T(2 * i + 2) * T(2 * i + 3));
      }
      return;
    }
  }
}

template <class V>
HYP_HD_INLINE V series_value(series_kind kind, V w) {
  using T = scalar_of_t<V>;
  T c[8];
  series_coefficients(kind, c);
  V s(c[7]);
  for (int k = 6; k >= 0; --k)
    s = s * w + V(c[k]);
  return s;
}

// d/dw of the series.
template <class T>
HYP_HD_INLINE T series_slope(series_kind kind, T w) {
  T c[8];
  series_coefficients(kind, c);
  T s = T(7) * c[7];
  for (int k = 6; k >= 1; --k)
    s = s * w + T(k) * c[k];
  return s;
}

template <class V>
HYP_HD_INLINE auto use_series(V w) {
  using T = scalar_of_t<V>;
  constexpr T cut = scalar_traits<T>::series_cutoff;
  return fabs(w) < V(cut * cut);
}

// Plain scalars and lanes (dual numbers have their own overloads below).
template <class V>
concept SeriesArgument = std::is_floating_point_v<V> || LaneValue<V>;

}  // namespace detail

// ---- values ----------------------------------------------------------------
template <detail::SeriesArgument V>
HYP_HD_INLINE V tanhc_sq(V w) {
  return where(
      detail::use_series(w), [&] { return detail::series_value(detail::series_kind::tanhc, w); },
      [&] {
        const V z = sqrt(w);
        return tanh(z) / z;
      });
}
template <detail::SeriesArgument V>
HYP_HD_INLINE V artanhc_sq(V w) {
  return where(
      detail::use_series(w), [&] { return detail::series_value(detail::series_kind::artanhc, w); },
      [&] {
        const V z = sqrt(w);
        return atanh(z) / z;
      });
}
template <detail::SeriesArgument V>
HYP_HD_INLINE V asinhc_sq(V w) {
  return where(
      detail::use_series(w), [&] { return detail::series_value(detail::series_kind::asinhc, w); },
      [&] {
        const V z = sqrt(w);
        return asinh(z) / z;
      });
}
template <detail::SeriesArgument V>
HYP_HD_INLINE V sinhc_sq(V w) {
  return where(
      detail::use_series(w), [&] { return detail::series_value(detail::series_kind::sinhc, w); },
      [&] {
        const V z = sqrt(w);
        return sinh(z) / z;
      });
}
template <detail::SeriesArgument V>
HYP_HD_INLINE V cosh_sq(V w) {
  return cosh(sqrt(w));
}

// ---- derivatives with respect to w -----------------------------------------
template <class T>
HYP_HD_INLINE T tanhc_sq_slope(T w) {
  if (detail::use_series(w)) return detail::series_slope(detail::series_kind::tanhc, w);
  const T z = sqrt(w), t = tanh(z);
  return ((T(1) - t) * (T(1) + t) - t / z) / (T(2) * w);
}
template <class T>
HYP_HD_INLINE T artanhc_sq_slope(T w) {
  if (detail::use_series(w)) return detail::series_slope(detail::series_kind::artanhc, w);
  const T z = sqrt(w);
  return (T(1) / ((T(1) - z) * (T(1) + z)) - atanh(z) / z) / (T(2) * w);
}
template <class T>
HYP_HD_INLINE T asinhc_sq_slope(T w) {
  if (detail::use_series(w)) return detail::series_slope(detail::series_kind::asinhc, w);
  const T z = sqrt(w);
  return (T(1) / sqrt(T(1) + w) - asinh(z) / z) / (T(2) * w);
}
template <class T>
HYP_HD_INLINE T sinhc_sq_slope(T w) {
  if (detail::use_series(w)) return detail::series_slope(detail::series_kind::sinhc, w);
  const T z = sqrt(w), ch = cosh(z);
  if (!isfinite(ch)) return ch;  // overflowed: so did the slope
  return (ch - sinh(z) / z) / (T(2) * w);
}
template <class T>
HYP_HD_INLINE T cosh_sq_slope(T w) {
  return sinhc_sq(w) / T(2);
}

// ---- dual-number overloads -------------------------------------------------
template <class T, int N>
HYP_HD_INLINE Dual<T, N> tanhc_sq(const Dual<T, N>& w) {
  return chain(w, tanhc_sq(w.v), tanhc_sq_slope(w.v));
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> artanhc_sq(const Dual<T, N>& w) {
  return chain(w, artanhc_sq(w.v), artanhc_sq_slope(w.v));
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> asinhc_sq(const Dual<T, N>& w) {
  return chain(w, asinhc_sq(w.v), asinhc_sq_slope(w.v));
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> sinhc_sq(const Dual<T, N>& w) {
  return chain(w, sinhc_sq(w.v), sinhc_sq_slope(w.v));
}
template <class T, int N>
HYP_HD_INLINE Dual<T, N> cosh_sq(const Dual<T, N>& w) {
  return chain(w, cosh_sq(w.v), cosh_sq_slope(w.v));
}

}  // namespace hyperbolic::math
