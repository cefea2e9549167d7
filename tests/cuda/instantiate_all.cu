// Compiles every geometry primitive and backward for float and double in
// device code: proof that the core math is host/device (HYP_HD) clean.
#include <hyperbolic/hyperbolic.hpp>

namespace {

using namespace hyperbolic;

template <class M>
__device__ typename M::scalar exercise(const M& m, typename M::scalar* buf, index_t n) {
  using T = typename M::scalar;
  const index_t d = M::ambient_dim(n);
  Row<T> x(buf, d), y(buf + d, d), u(buf + 2 * d, d), o(buf + 3 * d, d), g(buf + 4 * d, d);
  const ConstMatrixView<T> pts(buf, 2, d);
  T acc = m.dist(x, y) + m.dist0(x) + m.inner(x, u, u) + m.norm(x, u);
  m.expmap(x, u, o);
  m.expmap0(u, o);
  m.logmap(x, y, o);
  m.logmap0(y, o);
  m.retr(x, u, o);
  m.projx(x, o);
  m.proju(x, u, o);
  m.egrad2rgrad(x, u, o);
  m.transp(x, y, u, o);
  m.transp0(y, u, o);
  m.transp0back(y, u, o);
  m.geodesic(x, y, T(0.5), o);
  m.mobius_add(x, y, o);
  m.mobius_scalar_mul(T(2), x, o);
  m.midpoint(pts, nullptr, o);
  m.origin(o);
  acc += m.check_point(x).value + m.check_vector(x, u).value;
  acc += m.dist_backward(x, y, T(1), o, g);
  acc += m.dist0_backward(x, T(1), o);
  acc += m.expmap_backward(x, u, g, o, y);
  acc += m.expmap0_backward(u, g, o);
  acc += m.logmap_backward(x, y, g, o, u);
  acc += m.logmap0_backward(y, g, o);
  acc += m.projx_backward(x, g, o);
  acc += m.mobius_add_backward(x, y, g, o, u);
  return acc;
}

template <class T>
__global__ void all_primitives(T* buf, index_t n, T* result) {
  PoincareBall<T> ball(T(1));
  Lorentz<T> hyperboloid(T(1));
  Euclidean<T> flat;
  T acc = exercise(ball, buf, n) + exercise(hyperboloid, buf, n) + exercise(flat, buf, n);
  const ConstMatrixView<T> M(buf, n, n);
  Row<T> x(buf, n + 1), o(buf + 2 * n + 2, n + 1), g(buf + 4 * n + 4, n + 1);
  const MatrixView<T> gM(buf + 6 * n + 6, n, n);
  ball.mobius_matvec(M, x.tail(), o.tail());
  acc += ball.mobius_matvec_backward(M, x.tail(), g.tail(), gM, o.tail());
  hyperboloid.mobius_matvec(M, x, o);
  acc += hyperboloid.mobius_matvec_backward(M, x, g, gM, o);
  acc += ball.dist2plane(x.tail(), o.tail(), g.tail()) + hyperboloid.dist2plane(x, g);
  acc += ball.dist2plane_backward(x.tail(), o.tail(), g.tail(), T(1), o.tail(), g.tail(), x.tail());
  acc += hyperboloid.dist2plane_backward(x, g, T(1), o, g);
  const ConstMatrixView<T> pts(buf, 2, n);
  acc += ball.midpoint_backward(pts, nullptr, x.tail(), g.tail(), gM, nullptr);
  const ConstMatrixView<T> lpts(buf, 2, n + 1);
  acc += hyperboloid.midpoint_backward(lpts, nullptr, x, g, MatrixView<T>(buf, 2, n + 1), nullptr);
  poincare_to_lorentz(T(1), x.tail(), o);
  lorentz_to_poincare(T(1), o, x.tail());
  poincare_to_klein(T(1), x.tail(), o.tail());
  klein_to_poincare(T(1), o.tail(), x.tail());
  klein_to_lorentz(T(1), x.tail(), o);
  lorentz_to_klein(T(1), o, x.tail());
  acc += poincare_to_lorentz_backward(T(1), x.tail(), g, o.tail());
  acc += lorentz_to_poincare_backward(T(1), x, g.tail(), o);
  acc += poincare_to_klein_backward(T(1), x.tail(), g.tail(), o.tail());
  acc += klein_to_poincare_backward(T(1), x.tail(), g.tail(), o.tail());
  acc += klein_to_lorentz_backward(T(1), x.tail(), g, o.tail());
  acc += lorentz_to_klein_backward(T(1), x, g.tail(), o);
  *result = acc;
}

template __global__ void all_primitives<float>(float*, index_t, float*);
template __global__ void all_primitives<double>(double*, index_t, double*);

}  // namespace

// Host entry so the object has a symbol to link against.
int hyperbolic_cuda_instantiation_anchor() {
  return 0;
}
