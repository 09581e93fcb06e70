"""The inside view's pictures: functions that take arrays and return matplotlib figures. Saving, showing
in a notebook and putting on a page are the callers' business.

Class names are table 6.1's, in English and Korean ("T-shirt/top · 티셔츠/상의") where a Korean font is
installed (Debian's fonts-nanum; ./install.sh installs it); without one the labels are English only,
with one warning, never boxes.
"""

from __future__ import annotations

import warnings
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import font_manager  # noqa: E402

from dualnet.data.fashion_mnist import CLASS_NAMES  # noqa: E402

KOREAN_CLASS_NAMES = ("티셔츠/상의", "바지", "풀오버", "드레스", "코트", "샌들", "셔츠", "운동화", "가방", "앵클 부츠")
KOREAN_FONTS = ("NanumGothic", "NanumBarunGothic", "Noto Sans CJK KR", "Noto Sans KR", "UnDotum")


@lru_cache(maxsize=1)
def korean_font() -> str | None:
    """The first installed font that has Hangul, set as matplotlib's font; None (and one warning) if none."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not installed & set(KOREAN_FONTS):  # installed after matplotlib cached its font list: add them now
        for path in font_manager.findSystemFonts():
            if any(key in Path(path).name.lower() for key in ("nanum", "notosanscjk", "notosanskr", "undotum")):
                font_manager.fontManager.addfont(path)
        installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in KOREAN_FONTS:
        if name in installed:
            matplotlib.rcParams["font.family"] = [name, "DejaVu Sans"]
            matplotlib.rcParams["axes.unicode_minus"] = False  # Nanum fonts lack the Unicode minus
            return name
    warnings.warn("no Korean font is installed (Debian: apt-get install fonts-nanum), so figures name classes "
                  "in English only", stacklevel=2)
    return None


def class_label(index: int, names=CLASS_NAMES) -> str:
    """"T-shirt/top · 티셔츠/상의" where Hangul can be drawn, else "T-shirt/top"."""
    if names is CLASS_NAMES and korean_font():
        return f"{names[index]} · {KOREAN_CLASS_NAMES[index]}"
    return str(names[index])


def confusion(counts: np.ndarray, names=CLASS_NAMES, title: str = ""):
    labels = [class_label(i, names) for i in range(len(counts))]
    fig, ax = plt.subplots(figsize=(9, 8))
    shown = ax.imshow(counts, cmap="Blues")
    for (i, j), n in np.ndenumerate(counts):
        ax.text(j, i, str(n), ha="center", va="center", fontsize=7,
                color="white" if n > counts.max() / 2 else "black")
    ax.set_xticks(range(len(labels)), labels, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title or f"confusion matrix ({counts.sum():,} test samples)")
    fig.colorbar(shown, ax=ax, shrink=0.8)
    return fig


def mistakes(images, true, predicted, confidence, names=CLASS_NAMES, title: str = "most confident mistakes"):
    n = len(images)
    cols = min(4, max(n, 1))
    rows = max(1, -(-n // cols))
    fig, axes = plt.subplots(rows, cols, figsize=(cols * 3, rows * 3.3), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for ax, image, t, p, c in zip(axes.flat, images, true, predicted, confidence):
        ax.imshow(np.squeeze(image), cmap="gray")
        ax.set_title(f"true: {class_label(t, names)}\npredicted: {class_label(p, names)} ({c:.0%})", fontsize=7)
    fig.suptitle(title)
    return fig


def kernels(learned: np.ndarray, hand_made: dict[str, np.ndarray]):
    """Fig 6.3's contrast: the first convolution's learned 3×3 kernels (first input channel) above the
    hand-set filters of the edges experiment."""
    filters = learned.shape[-1]
    cols = max(filters if filters <= 16 else 16, len(hand_made))
    fig, axes = plt.subplots(2, cols, figsize=(cols * 1.1, 3.0), squeeze=False)
    for ax in axes.flat:
        ax.axis("off")
    for k in range(min(filters, cols)):
        axes[0][k].imshow(learned[:, :, 0, k], cmap="gray")
        axes[0][k].set_title(str(k), fontsize=7)
    for ax, (name, kernel) in zip(axes[1], hand_made.items()):
        ax.imshow(kernel, cmap="gray")
        ax.set_title(name, fontsize=6)
    shown = min(filters, cols)
    count = f"{shown}" if shown == filters else f"the first {shown} of {filters}"
    fig.suptitle(f"learned 3×3 kernels of the first convolution ({count}; top) and hand-made filters (bottom)")
    return fig


def feature_maps(images, maps: list[tuple[str, np.ndarray]], labels, channels: int = 6):
    """Fig 6.9 / CNN Explainer: for each image (a row), the image and the first channels of every
    convolution and pooling layer's output, side by side. Each channel is scaled to its own range, as
    if drawn alone; one axes per layer keeps a VGG's figure to seconds rather than hundreds of axes."""
    rows = len(images)
    widths = [1] + [min(channels, out.shape[-1]) for _, out in maps]
    fig, axes = plt.subplots(rows, len(widths), figsize=(sum(widths) * 0.9, rows * 1.05), squeeze=False,
                             gridspec_kw={"width_ratios": widths, "wspace": 0.08})
    cmap = plt.get_cmap("viridis").with_extremes(bad="white")  # NaN: the gap between channels
    for r in range(rows):
        axes[r][0].imshow(np.squeeze(images[r]), cmap="gray")
        axes[r][0].set_title(labels[r], fontsize=5)
        for m, (name, out) in enumerate(maps):
            axes[r][1 + m].imshow(side_by_side(out[r], widths[1 + m]), cmap=cmap, interpolation="nearest")
            if r == 0:
                axes[r][1 + m].set_title(f"{name}: channels 0–{widths[1 + m] - 1}", fontsize=5)
    for ax in axes.flat:
        ax.axis("off")
    fig.suptitle("feature maps of every convolution and pooling layer (first channels), one test image per class")
    return fig


def side_by_side(maps: np.ndarray, count: int) -> np.ndarray:
    """The first `count` channels of one (height, width, channels) output in a row, each scaled to
    [0, 1] on its own, with a one-pixel NaN gap between them."""
    height = maps.shape[0]
    gap = np.full((height, 1), np.nan)
    tiles = []
    for c in range(count):
        channel = maps[:, :, c].astype(np.float64)
        low, high = channel.min(), channel.max()
        tiles += [(channel - low) / (high - low) if high > low else np.zeros_like(channel), gap]
    return np.hstack(tiles[:-1])


def saliency(images, maps, labels):
    n = len(images)
    fig, axes = plt.subplots(2, n, figsize=(n * 1.3, 3.0), squeeze=False)
    for k in range(n):
        axes[0][k].imshow(np.squeeze(images[k]), cmap="gray")
        axes[0][k].set_title(labels[k], fontsize=5)
        axes[1][k].imshow(np.squeeze(maps[k]), cmap="hot")
        for ax in (axes[0][k], axes[1][k]):
            ax.axis("off")
    fig.suptitle("saliency: |d(predicted class score) / d(pixel)| (bottom)")
    return fig


def recurrent_states(view: dict, inputs=None, marks=None):
    """Heatmaps over time: the hidden state, and the gates and cell state of an LSTM, or the update and
    reset gates of a GRU (fig 7.8's quantities). `marks`: time steps to draw a line at (the
    multiplication problem's two marked numbers)."""
    panels = [("hidden state h", view["hidden"])]
    for key in ("input_gate", "forget_gate", "output_gate", "cell", "update_gate", "reset_gate"):
        if key in view:
            panels.append((key.replace("_", " "), view[key]))
    extra = 1 if inputs is not None else 0
    fig, axes = plt.subplots(len(panels) + extra, 1, figsize=(12, 1.9 * (len(panels) + extra)), squeeze=False)
    axes = axes[:, 0]
    if inputs is not None:
        lines = axes[0].plot(np.asarray(inputs))
        if np.asarray(inputs).ndim == 2 and np.asarray(inputs).shape[1] == 2:
            axes[0].legend(lines, ["mark", "number"], fontsize=7, loc="upper right")
        axes[0].set_title("input over time", fontsize=8)
        axes[0].set_xlim(-0.5, len(inputs) - 0.5)
    for ax, (name, values) in zip(axes[extra:], panels):
        gate = "gate" in name
        shown = ax.imshow(values.T, aspect="auto", cmap="viridis" if gate else "coolwarm",
                          vmin=0 if gate else None, vmax=1 if gate else None, interpolation="nearest")
        ax.set_title(f"{view['kind']} {view['layer']}: {name} (units × time)", fontsize=8)
        ax.set_ylabel("unit", fontsize=7)
        fig.colorbar(shown, ax=ax, pad=0.01)
    for ax in axes:
        for t in marks if marks is not None else ():
            ax.axvline(t, color="red", linewidth=0.8, linestyle=":", alpha=0.8)
    axes[-1].set_xlabel("time step")
    fig.tight_layout()
    return fig


def coloured_sentence(words: list[str], positive: np.ndarray, title: str = ""):
    """Each word coloured by the positive probability of the sentence up to it (red: negative, green:
    positive), with the probability under it."""
    korean_font()
    fig, ax = plt.subplots(figsize=(max(6, 1.3 * len(words)), 1.9))
    ax.axis("off")
    colours = plt.get_cmap("RdYlGn")
    for k, (word, p) in enumerate(zip(words, positive)):
        x = (k + 0.5) / len(words)
        ax.text(x, 0.62, word, ha="center", va="center", fontsize=13,
                bbox={"boxstyle": "round,pad=0.35", "facecolor": colours(float(p)), "edgecolor": "none"})
        ax.text(x, 0.18, f"{p:.0%}", ha="center", va="center", fontsize=9)
    ax.set_title(title or "positive probability as the sentence grows, word by word (7.31)", fontsize=10)
    return fig


def next_tokens(tokens: list[str], distributions: dict[float, np.ndarray], context: str = ""):
    """Bars of the most likely next tokens at several temperatures (1 is the model's own distribution)."""
    korean_font()
    temperatures = sorted(distributions)
    fig, ax = plt.subplots(figsize=(max(8, 0.7 * len(tokens)), 4))
    width = 0.8 / len(temperatures)
    positions = np.arange(len(tokens))
    for k, t in enumerate(temperatures):
        ax.bar(positions + (k - (len(temperatures) - 1) / 2) * width, distributions[t], width, label=f"T = {t:g}")
    from dualnet.data.jamo import display_letter

    shown = [repr(t)[1:-1] if t.isspace() or not t else display_letter(t) for t in tokens]
    ax.set_xticks(positions, shown, fontsize=9)
    ax.set_ylabel("probability of the next token")
    ax.legend()
    ax.set_title(f"the next token after: …{context}" if context else "the next token", fontsize=9)
    return fig
