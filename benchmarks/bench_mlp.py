"""Neural-network speed: our Numba passes next to torch doing the same work, in one run
(this machine is noisy: read the ratios).

    python benchmarks/bench_mlp.py            # all workloads
    python benchmarks/bench_mlp.py --quick    # fewer repetitions

Workloads (issue #10):
  (e) train the default 2-16-16-1 tanh net with Adam, 1,000 steps of batch 32 on 200
      moons, recording after every step the full training loss and accuracy and the
      test loss and accuracy (200 held-out points), as `optimizers.train` does.
      Target < 200 ms warm; torch does the same (same batches, float64, CPU).
  (f) a 101x101 loss slice of that net on 256 points (10,201 losses), and torch's
      batched evaluation of the same losses (`torch.func.vmap` over the grid of
      parameter vectors, in chunks). Target < 500 ms warm and >= 2x torch.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_engine import best_of  # noqa: E402  (warm-up call, then the best of n)

import landscapes  # noqa: E402
import optimizers  # noqa: E402
from landscapes import datasets  # noqa: E402


def torch_net(torch, model):
    sizes = [2, *model.hidden, 1]
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1], dtype=torch.float64))
        if i < len(sizes) - 2:
            layers.append(torch.nn.Tanh())
    return torch.nn.Sequential(*layers)


def torch_training(torch, model, data, theta0, batches, steps, lr):
    """The same run in torch: Adam steps on the given batches, full-data metrics after
    every step (under no_grad), parameters copied out each step."""
    net = torch_net(torch, model)
    torch.nn.utils.vector_to_parameters(torch.tensor(theta0), net.parameters())
    optimizer = torch.optim.Adam(net.parameters(), lr=lr)
    x, y = torch.tensor(data.x), torch.tensor(data.y)
    x_test, y_test = torch.tensor(data.test.x), torch.tensor(data.test.y)
    bce = torch.nn.functional.binary_cross_entropy_with_logits
    params = np.empty((steps + 1, model.n_parameters))
    records = np.empty((steps + 1, 4))
    index = [torch.as_tensor(batches[k]) for k in range(steps)]
    for k in range(steps + 1):
        with torch.no_grad():
            params[k] = torch.nn.utils.parameters_to_vector(net.parameters()).numpy()
            s = net(x).squeeze(1)
            s_test = net(x_test).squeeze(1)
            records[k] = (
                bce(s, y).item(),
                ((s > 0) == (y > 0.5)).double().mean().item(),
                bce(s_test, y_test).item(),
                ((s_test > 0) == (y_test > 0.5)).double().mean().item(),
            )
        if k == steps:
            break
        optimizer.zero_grad()
        bce(net(x[index[k]]).squeeze(1), y[index[k]]).backward()
        optimizer.step()
    return params, records


def torch_slice(torch, model, surface, A, B, chunk=1024):
    """The slice's losses in torch: the grid's parameter vectors split into batched
    weight tensors, one batched forward pass per chunk of grid points."""
    x = torch.tensor(surface.data.x)
    y = torch.tensor(surface.data.y)
    center = torch.tensor(surface.center)
    d1, d2 = (torch.tensor(d) for d in surface.directions)
    a_all = torch.tensor(A.ravel())
    b_all = torch.tensor(B.ravel())
    out = torch.empty(a_all.numel())
    layers = model.layout()
    with torch.no_grad():
        for lo in range(0, a_all.numel(), chunk):
            a = a_all[lo : lo + chunk, None]
            b = b_all[lo : lo + chunk, None]
            theta = center + a * d1 + b * d2  # (G, P)
            h = x.expand(theta.shape[0], *x.shape)  # (G, N, 2)
            for i in range(0, len(layers), 2):
                _, (fan_out, fan_in), w_at = layers[i]
                _, _, b_at = layers[i + 1]
                weight = theta[:, w_at : w_at + fan_out * fan_in].reshape(
                    -1, fan_out, fan_in
                )
                bias = theta[:, b_at : b_at + fan_out]
                h = torch.baddbmm(bias[:, None, :], h, weight.transpose(1, 2))
                if i + 2 < len(layers):
                    h = torch.tanh(h)
            logits = h.squeeze(2)
            out[lo : lo + chunk] = torch.nn.functional.binary_cross_entropy_with_logits(
                logits, y.expand_as(logits), reduction="none"
            ).mean(dim=1)
    return out.numpy().reshape(A.shape)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    repeats = 3 if args.quick else 10
    import torch

    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(1)  # one small net: threads only add overhead here
    model = landscapes.MLP((16, 16), "tanh")
    data = datasets.make("moons", n_points=200, noise=0.1, seed=0)
    theta0 = model.init(0)
    steps, lr = 1000, 0.01

    def ours():
        return optimizers.train(
            "adam", model, data, theta0, steps=steps, batch_size=32, seed=0, lr=lr
        )

    result = ours()
    ours_s = best_of(ours, repeats)
    torch_s = best_of(
        lambda: torch_training(torch, model, data, theta0, result.batches, steps, lr),
        max(1, repeats // 3),
    )
    params, _ = torch_training(torch, model, data, theta0, result.batches, steps, lr)
    agreement = np.abs(params - result.params).max() / np.abs(params).max()
    print(f"{'workload':<58} {'ours ms':>9} {'torch ms':>9} {'ratio':>7}   target")
    print(
        f"{'(e) Adam, 2-16-16-1 tanh, 1,000 steps of batch 32':<58} "
        f"{ours_s * 1e3:9.1f} {torch_s * 1e3:9.1f} {torch_s / ours_s:6.1f}x   < 200 ms"
    )
    print(f"    same parameters as torch: max difference {agreement:.1e} (relative)")

    slice_data = datasets.make("moons", n_points=256, noise=0.1, seed=0)
    trained = optimizers.train(
        "adam", model, slice_data, theta0, steps=300, batch_size=32, lr=0.01
    )
    surface = landscapes.mlp_slice(model, slice_data, trained.final, seed=1)
    A, B = np.meshgrid(np.linspace(-1, 1, 101), np.linspace(-1, 1, 101))
    ours_slice = best_of(lambda: surface.value(A, B), repeats)
    torch.set_num_threads(2)  # the grid is batched work: let torch use both cores
    torch_slice_s = best_of(
        lambda: torch_slice(torch, model, surface, A, B), max(1, repeats // 3)
    )
    difference = np.abs(
        surface.value(A, B) - torch_slice(torch, model, surface, A, B)
    ).max()
    print(
        f"{'(f) 101x101 slice of that net on 256 points (10,201 losses)':<58} "
        f"{ours_slice * 1e3:9.1f} {torch_slice_s * 1e3:9.1f} "
        f"{torch_slice_s / ours_slice:6.1f}x   < 500 ms, >= 2x torch"
    )
    print(f"    same losses as torch: max difference {difference:.1e}")


if __name__ == "__main__":
    main()
