"""One rank's minibatch gradient in PyTorch, for bench/kernels.sh: the MLP of the training benchmarks
(784-HIDDEN-10, gossip-mpi's initialisation distribution, bench/peers/peer.py's Module) on Fashion-MNIST
batches drawn as peer.py draws them, forward and backward on one thread, as `bench kernels` times
gossip-mpi's: ROUNDS rounds of at least SECONDS seconds after 20 warm-up batches. Prints one CSV line a round:
round,batch,iterations,us_per_batch. Needs Debian's python3-torch and libopenblas0-pthread
(bench/peers/run.sh installs them)."""

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

from peer import Flat, Module, batches, load


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--hidden", type=int, default=1280)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--seconds", type=float, default=6)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    torch.set_num_threads(1)
    x_all, y_all = load(a.data)
    net = Module(Flat(784, a.hidden, 10, a.seed))
    draw = batches(np.arange(len(y_all)), a.batch, a.seed)

    def gradient():
        rows = next(draw)
        net.zero_grad()
        F.cross_entropy(net(x_all[rows]), y_all[rows]).backward()

    for _ in range(20):
        gradient()
    for r in range(1, a.rounds + 1):
        n, t0 = 0, time.perf_counter()
        while True:
            gradient()
            n += 1
            elapsed = time.perf_counter() - t0
            if elapsed >= a.seconds:
                break
        print(f"{r},{a.batch},{n},{elapsed / n * 1e6:.1f}", flush=True)


if __name__ == "__main__":
    main()
