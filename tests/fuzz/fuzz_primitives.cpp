// libFuzzer target: arbitrary bytes become a curvature and points, and every
// primitive and backward pass of every manifold runs on them. The property is
// "never crash, never trip UBSan, never hang": NaN/Inf/huge/denormal inputs
// must flow through as values. Where the inputs are in the domain (finite,
// strictly inside the ball as stored; on the hyperboloid after projx with
// finite coordinates; curvature in [1e-6, 1e6]) the distance must also keep
// its invariants (check_distance_invariants below); a violation aborts with
// the values.

#include <hyperbolic/hyperbolic.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

namespace {

using namespace hyperbolic;

template <class T>
struct Reader {
  const std::uint8_t* data;
  std::size_t size, pos = 0;
  T next() {
    T v{};
    if (pos + sizeof(T) <= size) {
      std::memcpy(&v, data + pos, sizeof(T));
      pos += sizeof(T);
    }
    return v;
  }
};

template <class M>
volatile typename M::scalar sink;

[[noreturn]] void invariant_failed(const char* what, const char* model, double a, double b,
                                   double c) {
  std::fprintf(stderr, "invariant violated (%s, %s): %.17g %.17g %.17g\n", what, model, a, b, c);
  std::abort();
}

template <class T>
bool all_finite(const std::vector<T>& v) {
  for (const T e : v)
    if (!std::isfinite(e)) return false;
  return true;
}

// dist(x, x) = 0 exactly; symmetric exactly; finite; distinct points at a
// positive distance; and, for points within the representable radius
// (`representable`: docs/accuracy.md), the triangle inequality
// d(x, z) <= d(x, y) + d(y, z) within 1e-3 relative + 1e-2 absolute. The slack
// covers close pairs, whose coordinates cannot resolve their distance (errors
// there reach the distance itself, which is then below ~1e-3); beyond the
// representable radius a pair of nearly equal stored points far out is not
// close at all and its distance hangs on the last bits of every coordinate
// (docs/accuracy.md, "far close"), so the triangle is not asserted there. A
// formula that cancels (a chord collapsing to 0 for points 20 apart, an
// overflow to inf) misses it by far.
template <class M>
void check_distance_invariants(const M& m, const std::vector<typename M::scalar>& x,
                               const std::vector<typename M::scalar>& y,
                               const std::vector<typename M::scalar>& z, bool representable) {
  const double xx = m.dist(x, x), xy = m.dist(x, y), yx = m.dist(y, x), yz = m.dist(y, z),
               xz = m.dist(x, z);
  if (xx != 0) invariant_failed("dist(x, x) == 0", M::name, xx, 0, 0);
  if (!(xy == yx)) invariant_failed("dist(x, y) == dist(y, x)", M::name, xy, yx, 0);
  if (!std::isfinite(xy) || !std::isfinite(yz) || !std::isfinite(xz) || xy < 0)
    invariant_failed("finite in, finite out", M::name, xy, yz, xz);
  if (x != y && !(xy > 0))
    invariant_failed("distinct points, positive distance", M::name, xy, 0, 0);
  if (representable && xz > xy + yz + 1e-3 * xz + 1e-2)
    invariant_failed("triangle inequality", M::name, xz, xy, yz);
}

template <class M>
void run_invariants(const M& m, Reader<typename M::scalar>& in, index_t n) {
  using T = typename M::scalar;
  const double c = static_cast<double>(m.c());
  if (!(c >= 1e-6 && c <= 1e6)) return;
  const index_t d = M::ambient_dim(n);
  std::vector<T> p[3];
  for (auto& v : p) {
    v.resize(std::size_t(d));
    for (auto& e : v)
      e = in.next();
    if constexpr (std::is_same_v<M, Lorentz<T>>) m.projx(v, v);
    if (!all_finite(v)) return;
    if constexpr (std::is_same_v<M, PoincareBall<T>>)
      if (!m.check_point(v)) return;
  }
  // Within the representable radius (float ~8 on the hyperboloid, ~17 in the ball;
  // double ~18 / ~37), with a margin.
  const bool is_float = sizeof(T) == 4;
  bool representable = true;
  for (const auto& v : p) {
    if constexpr (std::is_same_v<M, Lorentz<T>>)
      representable = representable && std::sqrt(c) * double(v[0]) < (is_float ? 1e3 : 1e7);
    else
      representable = representable && double(m.boundary(v)) > (is_float ? 1e-5 : 1e-13);
  }
  check_distance_invariants(m, p[0], p[1], p[2], representable);
}

template <class M>
void run_all(const M& m, Reader<typename M::scalar>& in, index_t n) {
  using T = typename M::scalar;
  const index_t d = M::ambient_dim(n);
  std::vector<T> x(d), y(d), u(d), g(d), o(d), gx(d), gy(d), gz(d), pts(2 * d), gpts(2 * d);
  for (auto* v : {&x, &y, &u, &g})
    for (auto& e : *v)
      e = in.next();
  for (auto& e : pts)
    e = in.next();
  const T r = in.next(), w[2] = {in.next(), in.next()};
  T gw[2];
  T acc = m.dist(x, y) + m.dist0(x) + m.inner(x, u, u) + m.norm(x, u);
  m.expmap(x, u, o);
  m.logmap(x, y, o);
  m.expmap0(u, o);
  m.logmap0(y, o);
  m.retr(x, u, o);
  m.projx(x, o);
  m.proju(x, u, o);
  m.egrad2rgrad(x, g, o);
  m.transp(x, y, u, o);
  m.transp0(y, u, o);
  m.transp0back(y, u, o);
  m.geodesic(x, y, r, o);
  m.mobius_add(x, y, o);
  m.mobius_scalar_mul(r, x, o);
  m.midpoint(ConstMatrixView<T>(pts.data(), 2, d), w, o);
  acc += m.check_point(x).value + m.check_vector(x, u).value;
  acc += m.dist_backward(x, y, r, gx, gy) + m.dist0_backward(x, r, gx);
  acc += m.expmap_backward(x, u, g, gx, gy) + m.expmap0_backward(u, g, gx);
  acc += m.logmap_backward(x, y, g, gx, gy) + m.logmap0_backward(y, g, gx);
  acc += m.projx_backward(x, g, gx) + m.mobius_add_backward(x, y, g, gx, gy);
  if constexpr (!std::is_same_v<M, Euclidean<T>>) {
    m.midpoint(ConstMatrixView<T>(pts.data(), 2, d), w, o);
    acc += m.midpoint_backward(ConstMatrixView<T>(pts.data(), 2, d), w, o, g,
                               MatrixView<T>(gpts.data(), 2, d), gw);
  }
  sink<M> = acc;
}

template <class T>
void run_type(const std::uint8_t* data, std::size_t size) {
  Reader<T> in{data, size};
  const T c = in.next();
  const index_t n = 1 + static_cast<index_t>(size % 5);
  run_all(PoincareBall<T>(c), in, n);
  run_all(Lorentz<T>(c), in, n);
  run_all(Euclidean<T>(), in, n);
  run_invariants(PoincareBall<T>(c), in, n);
  run_invariants(Lorentz<T>(c), in, n);
  std::vector<T> x(n), y(n + 1), k(n), gx(n), gy(n + 1);
  for (auto& e : x)
    e = in.next();
  poincare_to_lorentz(c, x, y);
  lorentz_to_poincare(c, y, x);
  poincare_to_klein(c, x, k);
  klein_to_lorentz(c, k, y);
  sink<Euclidean<T>> =
      poincare_to_lorentz_backward(c, x, y, gx) + lorentz_to_poincare_backward(c, y, x, gy);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run_type<double>(data, size);
  run_type<float>(data, size);
  return 0;
}
