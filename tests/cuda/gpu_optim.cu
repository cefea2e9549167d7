// Device optimizer steps against the optimizer's own per-row functions run
// on the host (optim::sgd_step_row / adam_step_row) with the same state.
#include <hyperbolic/cuda/optimizers.cuh>

#include "gpu_support.cuh"

namespace {

using namespace hyperbolic;
using namespace hyperbolic::cuda_testing;

template <class T>
std::vector<std::vector<T>> to_rows(const std::vector<T>& flat, index_t rows, index_t cols) {
  std::vector<std::vector<T>> out(rows);
  for (index_t r = 0; r < rows; ++r)
    out[r].assign(flat.begin() + r * cols, flat.begin() + (r + 1) * cols);
  return out;
}

template <class M>
void run_adam(const M& m, index_t n, bool sparse) {
  using T = typename M::scalar;
  const index_t rows = 41, d = M::ambient_dim(n), width = optim::second_moment_width<M>(d);
  const Inputs<M, T> in(m, rows, n, 5000 + n);
  optim::AdamHyper<T> h;
  h.lr = T(0.05);
  h.amsgrad = true;
  h.weight_decay = T(0.01);
  // Host copies of the state, stepped with adam_step_row.
  std::vector<std::vector<T>> x(rows), avg(rows, std::vector<T>(d)),
      sq(rows, std::vector<T>(width)), mx = sq;
  std::vector<std::int64_t> steps(rows, 0);
  for (index_t r = 0; r < rows; ++r)
    x[r] = in.x.row(r);
  DeviceBatch<T> dx(rows, d);
  {
    HostBatch<T> hx(rows, d, 0);
    for (index_t r = 0; r < rows; ++r)
      for (index_t j = 0; j < d; ++j)
        hx.set(r, j, x[r][j]);
    dx = DeviceBatch<T>(hx);
  }
  DeviceBuffer<T> davg(std::vector<T>(rows * d, T(0))), dsq(std::vector<T>(rows * width, T(0))),
      dmx(std::vector<T>(rows * width, T(0)));
  DeviceBuffer<std::int64_t> dsteps(std::vector<std::int64_t>(rows, 0));
  const cuda::AdamState<T> state{MatrixView<T>(davg.data(), rows, d), dsq.data(), dmx.data(),
                                 dsteps.data()};
  std::vector<T> work(optim::adam_work_size(d)), sum(d);
  const std::vector<index_t> ids = {3, 1, 3, 7, 40};  // 3 repeats: its gradients add
  for (int step = 0; step < 3; ++step) {
    const Inputs<M, T> gi(m, sparse ? index_t(ids.size()) : rows, n, 6000 + step);
    DeviceBatch<T> g(gi.g);
    if (sparse) {
      cuda::adam_step_rows(m, h, dx.view(), ids, g.cview(), state);
      for (const index_t r : {1, 3, 7, 40}) {
        std::fill(sum.begin(), sum.end(), T(0));
        for (std::size_t k = 0; k < ids.size(); ++k)
          if (ids[k] == r)
            for (index_t j = 0; j < d; ++j)
              sum[j] += gi.g.get(index_t(k), j);
        optim::adam_step_row(m, h, wr(x[r]), cr(sum), wr(avg[r]), wr(sq[r]), wr(mx[r]), steps[r],
                             wr(work));
      }
    } else {
      cuda::adam_step(m, h, dx.view(), g.cview(), state);
      for (index_t r = 0; r < rows; ++r) {
        const auto gr = gi.g.row(r);
        optim::adam_step_row(m, h, wr(x[r]), cr(gr), wr(avg[r]), wr(sq[r]), wr(mx[r]), steps[r],
                             wr(work));
      }
    }
  }
  HYP_CUDA_CHECK(cudaDeviceSynchronize());
  INFO(M::name << (sparse ? " sparse" : " dense") << " n=" << n);
  check_rows<T>("adam x", dx.fetch(), x);
  HostBatch<T> a(rows, d, 0);
  a.data = davg.download();
  check_rows<T>("adam exp_avg", a, avg);
  HostBatch<T> q(rows, width, 0);
  q.data = dsq.download();
  check_rows<T>("adam exp_avg_sq", q, sq);
  CHECK(dsteps.download() == steps);
}

template <class M>
void run_sgd(const M& m, index_t n) {
  using T = typename M::scalar;
  const index_t rows = 37, d = M::ambient_dim(n);
  const Inputs<M, T> in(m, rows, n, 7000 + n);
  optim::SgdHyper<T> h;
  // Random ambient gradients at points up to radius 3 have Riemannian norms
  // of ~cosh(3) |g|; the step keeps three momentum steps well inside the
  // representable radius of float (a larger one overflows x0 in float,
  // where the two paths may round to inf at different steps).
  h.lr = T(0.005);
  h.momentum = T(0.9);
  h.nesterov = true;
  std::vector<std::vector<T>> x(rows), mom(rows, std::vector<T>(d));
  std::vector<std::int64_t> steps(rows, 0);
  for (index_t r = 0; r < rows; ++r)
    x[r] = in.x.row(r);
  HostBatch<T> hx(rows, d, 0);
  for (index_t r = 0; r < rows; ++r)
    for (index_t j = 0; j < d; ++j)
      hx.set(r, j, x[r][j]);
  DeviceBatch<T> dx(hx);
  DeviceBuffer<T> dmom(std::vector<T>(rows * d, T(0)));
  DeviceBuffer<std::int64_t> dsteps(std::vector<std::int64_t>(rows, 0));
  const cuda::SgdState<T> state{MatrixView<T>(dmom.data(), rows, d), dsteps.data()};
  std::vector<T> work(optim::sgd_work_size(d));
  for (int step = 0; step < 3; ++step) {
    const Inputs<M, T> gi(m, rows, n, 8000 + step);
    DeviceBatch<T> g(gi.g);
    cuda::sgd_step(m, h, dx.view(), g.cview(), state);
    for (index_t r = 0; r < rows; ++r) {
      const auto gr = gi.g.row(r);
      optim::sgd_step_row(m, h, wr(x[r]), cr(gr), wr(mom[r]), steps[r], wr(work));
    }
  }
  HYP_CUDA_CHECK(cudaDeviceSynchronize());
  check_rows<T>("sgd x", dx.fetch(), x);
  CHECK(dsteps.download() == steps);
}

TEST_CASE("cuda Riemannian Adam (dense and sparse rows) matches adam_step_row") {
  for (const bool sparse : {false, true}) {
    for (const index_t n : {2, 40}) {
      run_adam(PoincareBall<float>(0.7f), n, sparse);
      run_adam(PoincareBall<double>(0.7), n, sparse);
      run_adam(Lorentz<double>(0.7), n, sparse);
      run_adam(Euclidean<float>(), n, sparse);
    }
  }
}

TEST_CASE("cuda Riemannian SGD matches sgd_step_row") {
  run_sgd(PoincareBall<double>(0.7), 16);
  run_sgd(Lorentz<float>(0.7f), 16);
}

}  // namespace
