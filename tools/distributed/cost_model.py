#!/usr/bin/env python3
"""Epoch time of data-parallel WordNet-style training on N nodes (docs/distributed.md).

Two ways to keep an embedding table consistent across nodes:
  all-gather   every node holds the whole table; each sync group's touched-row gradients are
               all-gathered and every node applies every step (what hyperbolic-wordnet-train does)
  partitioned  every node owns 1/N of the rows (PyTorch-BigGraph's layout): a group's
               gradients go to the rows' owners, the owners step them and send the updated rows
               to the nodes that read them next

Per epoch and node (E edges, k negatives, r = k + 2 rows touched per edge, row bytes w, 8-byte
ids, V = E r (w + 8) gradient bytes in total, C cores per node, B link bytes/s, alpha latency,
G sync groups per epoch):
  compute            E c_edge / (N C)
  all-gather         receive V (N-1)/N, step V/(w+8) rows: t_step each, on every node
                     latency G alpha log2(N)
  partitioned        send and receive 2 V (N-1)/N^2 (gradients out, fresh rows in),
                     step V/(w+8)/N rows, latency 2 G alpha
The bytes cross over at N = 3 (2 (N-1)/N^2 < (N-1)/N  <=>  N > 2); at N = 2 the bytes are
equal and partitioning only halves the replicated step work.

Constants default to what was measured on this machine (docs/distributed-wordnet.md); every one
can be overridden:  tools/distributed/cost_model.py --c-edge 1.5e-5 --t-step 4e-8
"""
import argparse
import math


def epoch_seconds(N, C, E, k, w, c_edge, t_step, bandwidth, alpha, batch, rows_per_edge=None):
    r = rows_per_edge if rows_per_edge is not None else k + 2
    V = E * r * (w + 8)
    groups = math.ceil(E / (batch * N * C))  # one batch per core per sync group
    rows = V / (w + 8)
    compute = E * c_edge / (N * C)
    if N == 1:
        return compute + rows * t_step / C, compute + rows * t_step / C
    gather = compute + V * (N - 1) / N / bandwidth + rows * t_step / C \
        + groups * alpha * math.log2(N)
    part = compute + 2 * V * (N - 1) / N**2 / bandwidth + rows * t_step / (N * C) \
        + 2 * groups * alpha
    return gather, part


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    # docs/distributed-wordnet.md, 1 rank x 1 thread on the nouns: 5.95 s of gradient work per
    # epoch of 743,241 edges; 1.55 s stepping its 37.8 M (batch-coalesced) rows.
    p.add_argument("--c-edge", type=float, default=5.95 / 743241,
                   help="seconds of one core per training edge (gradients of 1 + k distances)")
    p.add_argument("--t-step", type=float, default=1.55 / 37.8e6, help="seconds per row step (one core)")
    p.add_argument("--cores", type=int, default=16, help="cores per node")
    p.add_argument("--alpha", type=float, default=30e-6, help="latency of one collective call, s")
    args = p.parse_args()
    graphs = [
        # name, edges per epoch, negatives, row bytes (Lorentz dim 10: 11 doubles)
        ("WordNet nouns (82,115 nodes)", 743_241, 50, 88),
        ("10 M-node graph, 100 M edges", 100_000_000, 50, 88),
    ]
    batch = 50
    for name, E, k, w in graphs:
        V = E * (k + 2) * (w + 8)
        shared = 2 + k / batch  # rows per edge when a batch shares its k negatives
        print(f"\n{name}: V = {V / 1e9:.2f} GB of row gradients per epoch "
              f"({E * shared * (w + 8) / 1e9:.2f} GB with batch-shared negatives), "
              f"{args.cores} cores per node, seconds per epoch\n")
        print("|    N | 10 Gb/s all-gather | 10 Gb/s partitioned | 100 Gb/s all-gather "
              "| 100 Gb/s partitioned | 10 Gb/s partitioned, shared negatives |")
        print("|---:|---:|---:|---:|---:|---:|")
        for N in (1, 2, 4, 8, 16, 64):
            cells = []
            for gbps in (10, 100):
                g, q = epoch_seconds(N, args.cores, E, k, w, args.c_edge, args.t_step,
                                     gbps * 1e9 / 8, args.alpha, batch)
                cells += [g, q]
            _, s = epoch_seconds(N, args.cores, E, k, w, args.c_edge, args.t_step, 10e9 / 8,
                                 args.alpha, batch, rows_per_edge=shared)
            cells.append(s)
            print(f"| {N:>4} | " + " | ".join(f"{c:.2f}" for c in cells) + " |")


if __name__ == "__main__":
    main()
