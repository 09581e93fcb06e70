"""The notes' figures and worked examples that are not trainings.

Each demo takes (run_dir, options, stream), writes its figures into run_dir,
prints what the notes print, and returns the names of the files it wrote.
"""

from __future__ import annotations

import numpy as np

# Fig 6.2: a 3x3 patch of the image and a vertical-edge filter; their sum of products is -1.
FIG_6_2_PATCH = np.array([[2, 3, 1], [3, 4, 2], [3, 4, 6]], dtype=np.float32)
FIG_6_2_FILTER = np.array([[1, 0, -1], [1, 0, -1], [1, 0, -1]], dtype=np.float32)

# Hand-set 3x3 kernels: what a person designs before a network learns its own.
HAND_KERNELS = {
    "vertical edges": FIG_6_2_FILTER,
    "horizontal edges": FIG_6_2_FILTER.T.copy(),
    "Laplacian (all edges)": np.array([[0, 1, 0], [1, -4, 1], [0, 1, 0]], dtype=np.float32),
    "sharpen": np.array([[0, -1, 0], [-1, 5, -1], [0, -1, 0]], dtype=np.float32),
}


def sliding_window_conv(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """'valid' convolution as the notes define it (a sum of products over a sliding window;
    deep-learning libraries do not flip the kernel)."""
    kh, kw = kernel.shape
    windows = np.lib.stride_tricks.sliding_window_view(image, (kh, kw))
    return np.einsum("ijkl,kl->ij", windows, kernel)


def conv_demo(run_dir, options, stream):
    from dualnet.startup import import_keras

    keras = import_keras()

    x = np.random.default_rng(options.seed).random((1, 28, 28, 1), dtype=np.float32)
    conv1 = keras.layers.Conv2D(kernel_size=(3, 3), strides=(2, 2), padding="valid", filters=16)
    pool1 = keras.layers.MaxPool2D(pool_size=(2, 2), strides=(2, 2))
    drop1 = keras.layers.Dropout(rate=0.3)
    print("A 28x28 one-channel image, batch of 1:", x.shape, file=stream)
    print("6.1 Conv2D(kernel_size=(3,3), strides=(2,2), padding='valid', filters=16):",
          tuple(conv1(x).shape), f"({conv1.count_params()} weights: 3*3*1*16 + 16)", file=stream)
    print("6.2 MaxPool2D(pool_size=(2,2), strides=(2,2)):", tuple(pool1(x).shape),
          f"(halves the size; {pool1.count_params()} weights)", file=stream)
    print("6.3 Dropout(rate=0.3):", tuple(drop1(x, training=True).shape),
          f"(shape unchanged; {drop1.count_params()} weights)", file=stream)

    by_hand = float((FIG_6_2_PATCH * FIG_6_2_FILTER).sum())
    layer = keras.layers.Conv2D(1, (3, 3), use_bias=False)
    layer.build((1, 3, 3, 1))
    layer.set_weights([FIG_6_2_FILTER[:, :, None, None]])
    by_layer = float(keras.ops.convert_to_numpy(layer(FIG_6_2_PATCH[None, :, :, None])).squeeze())
    print("Fig 6.2: patch", FIG_6_2_PATCH.astype(int).tolist(), "filter", FIG_6_2_FILTER.astype(int).tolist(),
          file=stream)
    print(f"  sum of products by hand: {by_hand:g}; by a sliding window: "
          f"{float(sliding_window_conv(FIG_6_2_PATCH, FIG_6_2_FILTER).squeeze()):g}; "
          f"by Conv2D: {by_layer:g}", file=stream)
    return []


def image_channels(run_dir, options, stream):
    import matplotlib.pyplot as plt
    from skimage import data

    from dualnet.plots import save

    image = data.chelsea()
    fig, axes = plt.subplots(1, 4, figsize=(16, 4))
    axes[0].imshow(image)
    axes[0].set_title(f"colour {image.shape}")
    for c, (ax, name) in enumerate(zip(axes[1:], "RGB")):
        only = np.zeros_like(image)
        only[:, :, c] = image[:, :, c]
        ax.imshow(only)
        ax.set_title(f"{name} channel")
    for ax in axes:
        ax.axis("off")
    save(fig, run_dir / "channels.png")
    print(f"wrote {run_dir / 'channels.png'}: the photo {image.shape} and its R, G, B channels", file=stream)
    return ["channels.png"]


def edges(run_dir, options, stream):
    import matplotlib.pyplot as plt
    from skimage import color, data, feature

    from dualnet.plots import save

    gray = color.rgb2gray(data.chelsea()).astype(np.float32)
    panels = [("photo (grey)", gray), ("Canny", feature.canny(gray, sigma=2.0))]
    panels += [(name, np.abs(sliding_window_conv(gray, k))) for name, k in HAND_KERNELS.items()]
    fig, axes = plt.subplots(2, 3, figsize=(15, 8))
    for ax, (name, picture) in zip(axes.flat, panels):
        ax.imshow(picture, cmap="gray")
        ax.set_title(name)
        ax.axis("off")
    save(fig, run_dir / "edges.png")
    print(f"wrote {run_dir / 'edges.png'}: Canny and {len(HAND_KERNELS)} hand-set 3x3 kernels", file=stream)
    return ["edges.png"]


def fashion_samples(run_dir, options, stream):
    from dualnet.data import CLASS_NAMES, load_fashion_mnist
    from dualnet.plots import image_grid

    (x_train, y_train), _ = load_fashion_mnist(options.data_dir, verify=options.verify)
    image_grid(x_train[:16], run_dir / "samples.png", 4, 4, labels=[CLASS_NAMES[y] for y in y_train[:16]], size=2)
    print("first 16 training labels:", y_train[:16].tolist(), file=stream)
    print(f"wrote {run_dir / 'samples.png'}", file=stream)
    return ["samples.png"]


def augmentation_grid(first_image: np.ndarray, aug, rng, path) -> None:
    """The notes' 10x10 grid: 100 augmentations of one image."""
    from dualnet.augment import augment
    from dualnet.plots import image_grid

    copies = np.repeat(first_image[None], 100, axis=0)
    image_grid(augment(copies, aug, rng), path, 10, 10)
