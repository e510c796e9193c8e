#!/usr/bin/env python3
"""The PyTorch peers of gossip-mpi's time-to-target runs (bench/peers/run.sh starts one process per host).

Modes, all on the MLP 784-H-10 of gossip-mpi's `--model mlp` (Glorot-uniform weights, zero biases, mean
cross-entropy), Fashion-MNIST pixels / 255, iid shards (a seeded permutation cut into contiguous parts), each
rank's minibatches epochs of a seeded permutation of its shard, plain SGD at a constant learning rate:

  ddp        torch.nn.parallel.DistributedDataParallel over gloo (its gradient buckets all-reduced during
             the backward pass)
  allreduce  the flat gradient all-reduced by gloo after the backward pass, then the step
  choco      CHOCO-SGD (Koloskova, Stich, Jaggi 2019, Algorithm 1) with top-k on a ring, Metropolis-Hastings
             weights (1/3 each), over isend/irecv:
                 x^{t+1/2} = x^t - lr g;  q = topk(x^{t+1/2} - xhat);  send q to both neighbours, receive theirs
                 xhat += q;  s += w_ii q + sum_j w_ij q_j;  x^{t+1} = x^{t+1/2} + gamma (s - xhat)

Every EVAL_EVERY steps the averaged model's training loss is taken on all training rows (each rank its part, the
sums all-reduced), outside the training time; the run stops at the target loss or after STEPS steps. Rank 0 writes
summary.json and history.csv in gossip-mpi's format, so `gossip-mpi report` reads them beside gossip-mpi's runs.
The random streams are NumPy's and PyTorch's, not gossip-mpi's: the same distributions, not the same draws.
"""
import argparse
import gzip
import json
import math
import os
import time

import numpy as np
import torch
import torch.distributed as dist
import torch.nn.functional as F


def idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load(data_dir):
    x = idx(os.path.join(data_dir, "train-images-idx3-ubyte.gz")).reshape(-1, 784).astype(np.float32) / 255.0
    y = idx(os.path.join(data_dir, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    return torch.from_numpy(x), torch.from_numpy(y)


class Flat:
    """The MLP's parameters as one flat vector x, in gossip-mpi's order: W1 (H x D), b1, W2 (C x H), b2."""

    def __init__(self, d, h, c, seed):
        g = torch.Generator().manual_seed(seed)
        self.shapes = [(h, d), (h,), (c, h), (c,)]
        self.x = torch.zeros(h * d + h + c * h + c)
        a1, a2 = math.sqrt(6.0 / (d + h)), math.sqrt(6.0 / (h + c))
        w1, _, w2, _ = self.views(self.x)
        w1.uniform_(-a1, a1, generator=g)
        w2.uniform_(-a2, a2, generator=g)

    def views(self, v):
        out, at = [], 0
        for s in self.shapes:
            n = int(np.prod(s))
            out.append(v[at:at + n].view(*s))
            at += n
        return out

    def loss(self, v, xb, yb, reduction="mean"):
        w1, b1, w2, b2 = self.views(v)
        return F.cross_entropy(F.relu(xb @ w1.t() + b1) @ w2.t() + b2, yb, reduction=reduction)


class Module(torch.nn.Module):
    def __init__(self, flat):
        super().__init__()
        w1, b1, w2, b2 = (t.clone() for t in flat.views(flat.x))
        self.l1 = torch.nn.Linear(w1.shape[1], w1.shape[0])
        self.l2 = torch.nn.Linear(w2.shape[1], w2.shape[0])
        with torch.no_grad():
            self.l1.weight.copy_(w1), self.l1.bias.copy_(b1), self.l2.weight.copy_(w2), self.l2.bias.copy_(b2)

    def forward(self, xb):
        return self.l2(F.relu(self.l1(xb)))

    def flat(self):
        return torch.cat([self.l1.weight.reshape(-1), self.l1.bias, self.l2.weight.reshape(-1), self.l2.bias])


def batches(rows, batch, seed):
    rng = np.random.default_rng(seed)
    while True:
        order = rows[rng.permutation(len(rows))]
        for i in range(0, len(order) - batch + 1, batch):
            yield torch.from_numpy(order[i:i + batch])


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", choices=["ddp", "allreduce", "choco"], required=True)
    p.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    p.add_argument("--hidden", type=int, default=1280)
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--gamma", type=float, default=0.05)
    p.add_argument("--topk", type=float, default=0.01)
    p.add_argument("--steps", type=int, default=600)
    p.add_argument("--eval-every", type=int, default=25)
    p.add_argument("--target-loss", type=float, default=float("nan"))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    rank, n = dist.get_rank(), dist.get_world_size()
    x_all, y_all = load(a.data)
    m = len(y_all)
    shard = np.random.default_rng(a.seed).permutation(m)[m * rank // n:m * (rank + 1) // n]
    part = slice(m * rank // n, m * (rank + 1) // n)  # this rank's part of the loss on all rows
    flat = Flat(784, a.hidden, 10, a.seed)
    d = flat.x.numel()
    draw = batches(shard, a.batch, a.seed * 1000 + rank)

    if a.mode == "ddp":
        net = torch.nn.parallel.DistributedDataParallel(Module(flat))
        opt = torch.optim.SGD(net.parameters(), lr=a.lr)

        def step():
            b = next(draw)
            opt.zero_grad(set_to_none=False)
            F.cross_entropy(net(x_all[b]), y_all[b]).backward()
            opt.step()
            return 2 * (n - 1) / n * 4 * d

        def model():
            return net.module.flat().detach()
    else:
        x = flat.x.clone().requires_grad_(True)
        if a.mode == "allreduce":
            def step():
                b = next(draw)
                x.grad = None
                flat.loss(x, x_all[b], y_all[b]).backward()
                g = x.grad
                dist.all_reduce(g)
                with torch.no_grad():
                    x.sub_(g, alpha=a.lr / n)
                return 2 * (n - 1) / n * 4 * d
        else:
            if n < 3:
                raise SystemExit("choco: a ring of at least 3 ranks")
            k = max(1, int(a.topk * d))
            xhat, s = torch.zeros(d), torch.zeros(d)
            left, right = (rank - 1) % n, (rank + 1) % n
            w = 1.0 / 3  # Metropolis-Hastings on a ring: 1 / (1 + max degree), w_ii the same
            inbox = [(torch.empty(k, dtype=torch.int64), torch.empty(k)) for _ in range(2)]

            def step():
                b = next(draw)
                x.grad = None
                flat.loss(x, x_all[b], y_all[b]).backward()
                with torch.no_grad():
                    x.sub_(x.grad, alpha=a.lr)
                    diff = x - xhat
                    i = torch.topk(diff.abs(), k, sorted=False).indices
                    q = diff[i]
                    reqs = []
                    for peer in (left, right):
                        reqs += [dist.isend(i, peer, tag=1), dist.isend(q, peer, tag=2)]
                    for (ji, jq), peer in zip(inbox, (left, right)):
                        reqs += [dist.irecv(ji, peer, tag=1), dist.irecv(jq, peer, tag=2)]
                    for r in reqs:
                        r.wait()
                    xhat.index_add_(0, i, q)
                    s.index_add_(0, i, q, alpha=w)
                    for ji, jq in inbox:
                        s.index_add_(0, ji, jq, alpha=w)
                    x.add_(s - xhat, alpha=a.gamma)
                return 2 * k * (8 + 4)  # int64 indices and float32 values to each neighbour

        def model():
            return x.detach()

    def evaluate():
        mean = model().clone()
        dist.all_reduce(mean)
        mean /= n
        with torch.no_grad():
            total = flat.loss(mean, x_all[part], y_all[part], reduction="sum").reshape(1)
        dist.all_reduce(total)
        return total.item() / m

    history, sent, train, t = [], 0.0, 0.0, 0
    wall0 = time.perf_counter()
    reached, to_target = False, float("nan")
    loss = evaluate()
    history.append((0, loss, 0.0, 0.0))
    while t < a.steps and not reached:
        dist.barrier()
        t0 = time.perf_counter()
        for _ in range(min(a.eval_every, a.steps - t)):
            sent += step()
            t += 1
        train += time.perf_counter() - t0
        loss = evaluate()
        history.append((t, loss, time.perf_counter() - wall0, train))
        if not math.isnan(loss) and loss <= a.target_loss:
            reached, to_target = True, train
    if rank == 0:
        os.makedirs(a.out, exist_ok=True)
        summary = {"algorithm": "pytorch-" + a.mode, "compressor": "topk:%g" % a.topk if a.mode == "choco" else "none",
                   "topology": "ring" if a.mode == "choco" else "all", "ranks": n, "model": "mlp", "hidden": a.hidden,
                   "data": "fashion-mnist", "steps": t, "final_train_loss": loss, "bytes_sent_total": sent * n,
                   "bytes_sent_counted": a.mode == "choco", "wall_seconds": time.perf_counter() - wall0,
                   "train_seconds": train, "train_loss_on": "all %d training rows" % m, "target_loss": a.target_loss,
                   "reached_target": reached, "seconds_to_target": to_target if reached else None,
                   "gamma": a.gamma if a.mode == "choco" else 1, "lr": str(a.lr), "batch": a.batch, "seed": a.seed,
                   "eval_every": a.eval_every, "step_mean_ms": 1000 * train / max(t, 1),
                   "peer": "PyTorch %s (gloo), %d thread per rank" % (torch.__version__, torch.get_num_threads())}
        with open(os.path.join(a.out, "summary.json"), "w") as f:
            json.dump(summary, f)
        with open(os.path.join(a.out, "history.csv"), "w") as f:
            f.write("step,train_loss,train_accuracy,test_accuracy,consensus,bytes_total,paper_bits_total,seconds,"
                    "train_seconds\n")
            for step, l, seconds, tr in history:
                f.write("%d,%r,NaN,NaN,NaN,%r,NaN,%r,%r\n" % (step, l, sent * n * step / max(t, 1), seconds, tr))
    # Every rank leaves together, without tearing the process group down: a rank in gloo's teardown was seen
    # spinning on after the others had gone.
    dist.barrier()
    os._exit(0)


if __name__ == "__main__":
    main()
