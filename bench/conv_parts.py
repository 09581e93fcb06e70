"""Where a scratch Conv2D's time goes, against what OpenBLAS reaches on a large product on this CPU.

    python bench/conv_parts.py --threads 1 2 --out results/profile-scratch-conv-<date>-<cpu>.md
    python bench/conv_parts.py --split --rounds 3 --out results/profile-scratch-conv-split-<date>-<cpu>.md

For each convolution of fashion-fast (and two of fashion-vgg's), at the recipe's batch size:
the forward pass (the im2col copy, the product), the backward pass (the kernel's gradient product, the
input gradient), and each product's GFLOP/s beside a 2,048 x 2,048 x 2,048 sgemm's: how close the
layer's products come to what the library can do at all, and how much is not a product.

--split instead times the input gradient four ways, alternating in rounds in one process: the engine's
(nine products on BLAS's threads, each added into its shifted slice by NumPy on one thread); each addition
split in two batch halves over two Python threads (NumPy lets go of the GIL while it adds); each batch
half's products and additions in a thread of its own with BLAS at one thread; and one product of the
gradient's own im2col matrix with the turned kernel (no additions, a copy nine times dz's size). Each
way's result is checked against the engine's before it is timed.
"""

from __future__ import annotations

import argparse
import timeit
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import dualnet  # noqa: F401  (before NumPy: it chooses OpenBLAS's kernels, see dualnet/blas.py)
import numpy as np

from dualnet.blas import kernels_in_use
from dualnet.machine import cpu_model, vector_extensions
from dualnet.scratch.layers.conv import Conv2D, windows
from dualnet.scratch.threads import blas_threads

# (name, batch, input side, input channels, filters): 3 x 3 kernels, "same" padding
SHAPES = [("fashion-fast conv2d", 128, 28, 1, 32), ("fashion-fast conv2d_1", 128, 14, 32, 64),
          ("fashion-fast conv2d_2", 128, 7, 64, 128), ("fashion-vgg conv2d_1", 32, 28, 32, 64),
          ("fashion-vgg conv2d_2", 32, 14, 64, 128), ("fashion-best conv2d_1", 128, 28, 32, 32)]


def best_ms(fn, repeats: int) -> float:
    return min(timeit.repeat(fn, number=1, repeat=repeats)) * 1e3


def reference_gflops(repeats: int) -> float:
    a = np.random.default_rng(0).standard_normal((2048, 2048)).astype(np.float32)
    return 2 * 2048 ** 3 / best_ms(lambda: a @ a, repeats) / 1e6


def layer_and_gradient(name, batch, side, channels, filters):
    """The convolution built, a random batch through it, and a random gradient of its output."""
    rng = np.random.default_rng(0)
    layer = Conv2D(filters, 3, padding="same", name=name.split()[-1])
    layer.build((side, side, channels), rng)
    x = rng.standard_normal((batch, side, side, channels)).astype(np.float32)
    dz = rng.standard_normal(layer.linear_forward(x).shape).astype(np.float32)
    return layer, x, dz


def measure(name, batch, side, channels, filters, repeats) -> dict:
    layer, x, dz = layer_and_gradient(name, batch, side, channels, filters)
    cols, kernel = layer.cols, layer.kernel.reshape(-1, filters)
    flop = 2 * cols.shape[0] * cols.shape[1] * filters / 1e9  # one of the three products, in GFLOP
    forward, product = best_ms(lambda: layer.linear_forward(x), repeats), best_ms(lambda: cols @ kernel, repeats)
    layer.input_gradient = False
    kernel_gradient = best_ms(lambda: layer.linear_backward(dz), repeats)
    layer.input_gradient = True
    backward = best_ms(lambda: layer.linear_backward(dz), repeats)
    return {"name": name, "cols": cols.shape, "cols_mb": cols.nbytes / 1e6, "forward": forward, "product": product,
            "kernel_gradient": kernel_gradient, "backward": backward, "gflop": flop}


def report(threads_list, repeats) -> list[str]:
    lines = [f"# The scratch Conv2D's parts against OpenBLAS's best ({date.today()})", "",
             f"Command: `python bench/conv_parts.py --threads {' '.join(map(str, threads_list))} --repeats {repeats}`", "",
             f"Machine: {cpu_model()} ({', '.join(vector_extensions())}); OpenBLAS kernels {kernels_in_use()}.", "",
             "Best of the repeats, ms. `product` is the forward product alone (cols @ kernel); the forward pass "
             "adds the padding, the im2col copy and the bias. The backward pass: the kernel's gradient "
             "(and the bias's), then the input gradient (nine products, one per kernel position, each added "
             "into its shifted slice). GFLOP/s of a product against a 2,048³ sgemm on as many threads.", ""]
    for threads in threads_list:
        with blas_threads(threads):
            peak = reference_gflops(repeats)
            lines += [f"## {threads} thread(s): a 2,048³ sgemm runs at {peak:.0f} GFLOP/s", "",
                      "| convolution | im2col matrix | forward ms | of it the product | product GFLOP/s (share of the sgemm's) "
                      "| backward ms | of it the kernel's gradient | the input gradient | its GFLOP/s |",
                      "|---|---|---|---|---|---|---|---|---|"]
            for shape in SHAPES:
                m = measure(*shape, repeats)
                rate = m["gflop"] / m["product"] * 1e3
                input_part = m["backward"] - m["kernel_gradient"]
                lines.append(
                    f"| {m['name']} | {m['cols'][0]:,} x {m['cols'][1]} ({m['cols_mb']:.1f} MB) | {m['forward']:.2f} "
                    f"| {m['product']:.2f} | {rate:.0f} ({rate / peak:.0%}) | {m['backward']:.2f} | {m['kernel_gradient']:.2f} "
                    f"| {input_part:.2f} | {m['gflop'] / input_part * 1e3:.0f} |")
            lines.append("")
    return lines


def shifted_slices(layer, dx, rows, n_out):
    """For each kernel position (i, j): its weights and the slice of the padded dx, images `rows`, that its
    windows came from (stride 1)."""
    (kh, kw), (oh, ow) = layer.kernel_size, n_out
    return [(layer.kernel[i, j], dx[rows, i:i + oh, j:j + ow, :]) for i in range(kh) for j in range(kw)]


def input_gradient_serial(layer, dz, pool=None):
    """The engine's way (Conv2D.linear_backward's input gradient, without the final crop)."""
    dx = np.zeros(layer.padded_shape, dtype=dz.dtype)
    dz2 = dz.reshape(-1, layer.filters)
    for weights, target in shifted_slices(layer, dx, slice(None), dz.shape[1:3]):
        target += (dz2 @ weights.T).reshape(target.shape)
    return dx


def input_gradient_split_additions(layer, dz, pool):
    """Each product on BLAS's threads, its addition in two batch halves on two Python threads."""
    dx = np.zeros(layer.padded_shape, dtype=dz.dtype)
    dz2, half = dz.reshape(-1, layer.filters), len(dz) // 2
    halves = [shifted_slices(layer, dx, part, dz.shape[1:3]) for part in (slice(None, half), slice(half, None))]
    for (weights, first), (_, second) in zip(*halves):
        product = (dz2 @ weights.T).reshape(dz.shape[:3] + (-1,))
        pending = pool.submit(np.add, first, product[:half], out=first)
        np.add(second, product[half:], out=second)
        pending.result()
    return dx


def input_gradient_split_batch(layer, dz, pool):
    """Each batch half's nine products and additions in a Python thread of its own, BLAS at one thread."""
    dx = np.zeros(layer.padded_shape, dtype=dz.dtype)
    half = len(dz) // 2

    def part(rows):
        dz_part = dz[rows].reshape(-1, layer.filters)
        for weights, target in shifted_slices(layer, dx, rows, dz.shape[1:3]):
            target += (dz_part @ weights.T).reshape(target.shape)

    with blas_threads(1):
        pending = pool.submit(part, slice(None, half))
        part(slice(half, None))
        pending.result()
    return dx


def input_gradient_one_product(layer, dz, pool=None):
    """The input gradient as a convolution of its own: the windows of dz, padded so that each input pixel
    has one, copied into rows (im2col of dz), times the kernel turned by 180 degrees with its channels and
    filters swapped. One product of nine times the depth instead of nine, and no additions (stride 1)."""
    (kh, kw), (h, w) = layer.kernel_size, layer.input_shape[:2]
    n, oh, ow, filters = dz.shape
    top, left = kh - 1 - layer.pads[1][0], kw - 1 - layer.pads[2][0]
    padded = np.pad(dz, ((0, 0), (top, h + kh - 1 - oh - top), (left, w + kw - 1 - ow - left), (0, 0)))
    rows = np.ascontiguousarray(windows(padded, (kh, kw), (1, 1), (h, w))).reshape(-1, kh * kw * filters)
    turned = layer.kernel[::-1, ::-1].transpose(0, 1, 3, 2).reshape(kh * kw * filters, -1)
    return (rows @ turned).reshape(n, h, w, -1)


SPLIT_WAYS = {"engine's": input_gradient_serial, "additions split": input_gradient_split_additions,
              "batch split": input_gradient_split_batch, "one product": input_gradient_one_product}


def check_ways_agree(layer, dz, pool) -> None:
    """Every way computes the engine's input gradient (to float32 rounding), or the timing means nothing."""
    expected = layer.linear_backward(dz)
    for way, compute in SPLIT_WAYS.items():
        result = compute(layer, dz, pool)
        if result.shape != expected.shape:  # a way that works on the padded grid, as the engine does
            result = layer.unpadded(result)
        error = np.abs(result - expected).max() / np.abs(expected).max()
        if error > 1e-5:
            raise AssertionError(f"{layer.name}: the {way} input gradient differs from the engine's by {error:.1e}")


def split_report(rounds: int, repeats: int) -> list[str]:
    others = [way for way in SPLIT_WAYS if way != "engine's"]
    lines = [f"# The scratch Conv2D's input gradient, four ways ({date.today()})", "",
             f"Command: `python bench/conv_parts.py --split --rounds {rounds} --repeats {repeats}`", "",
             f"Machine: {cpu_model()} ({', '.join(vector_extensions())}); OpenBLAS kernels {kernels_in_use()}; "
             "BLAS on its own thread count except where a way says otherwise.", "",
             f"Best ms of {rounds} rounds (each the best of {repeats} calls), the ways alternating within a round; "
             "ratio: the engine's time over the way's (above 1: faster than the engine).", "",
             "| convolution | " + " | ".join(f"{way} ms" for way in SPLIT_WAYS) + " | " +
             " | ".join(f"{way} ratio" for way in others) + " |", "|---" * (2 * len(SPLIT_WAYS)) + "|"]
    with ThreadPoolExecutor(1) as pool:
        for shape in SHAPES:
            name = shape[0]
            layer, _, dz = layer_and_gradient(*shape)
            check_ways_agree(layer, dz, pool)
            best = {way: float("inf") for way in SPLIT_WAYS}
            for _ in range(rounds):
                for way, compute in SPLIT_WAYS.items():
                    best[way] = min(best[way], best_ms(lambda: compute(layer, dz, pool), repeats))
            engine = best["engine's"]
            lines.append(f"| {name} | " + " | ".join(f"{ms:.2f}" for ms in best.values()) + " | " +
                         " | ".join(f"{engine / best[way]:.2f}" for way in others) + " |")
    return lines + [""]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--split", action="store_true", help="the input gradient four ways instead (see above)")
    parser.add_argument("--rounds", type=int, default=3, help="with --split: rounds of the ways in turn")
    parser.add_argument("--out", type=Path, help="write the markdown here as well")
    args = parser.parse_args()
    lines = split_report(args.rounds, args.repeats) if args.split else report(args.threads, args.repeats)
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
