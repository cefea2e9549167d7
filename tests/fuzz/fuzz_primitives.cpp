// libFuzzer target: arbitrary bytes become a curvature and points, and every
// primitive and backward pass of every manifold runs on them. The property is
// "never crash, never trip UBSan, never hang": NaN/Inf/huge/denormal inputs
// must flow through as values.

#include <hyperbolic/hyperbolic.hpp>

#include <cstdint>
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

template <class M>
void run_all(const M& m, Reader<typename M::scalar>& in, index_t n) {
  using T = typename M::scalar;
  const index_t d = M::ambient_dim(n);
  std::vector<T> x(d), y(d), u(d), g(d), o(d), gx(d), gy(d), gz(d), pts(2 * d), gpts(2 * d);
  for (auto* v : {&x, &y, &u, &g})
    for (auto& e : *v) e = in.next();
  for (auto& e : pts) e = in.next();
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
  std::vector<T> x(n), y(n + 1), k(n), gx(n), gy(n + 1);
  for (auto& e : x) e = in.next();
  poincare_to_lorentz(c, x, y);
  lorentz_to_poincare(c, y, x);
  poincare_to_klein(c, x, k);
  klein_to_lorentz(c, k, y);
  sink<Euclidean<T>> = poincare_to_lorentz_backward(c, x, y, gx) +
                       lorentz_to_poincare_backward(c, y, x, gy);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  run_type<double>(data, size);
  run_type<float>(data, size);
  return 0;
}
