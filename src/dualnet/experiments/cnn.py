"""The convolution chapter: seed 000 (book chapter 6) and seed 001 (Do it chapter 08)."""

from dualnet import demos, models
from dualnet.experiments.recipe import Augmentation, Recipe, Reported

BOTH = ("keras", "scratch")
# The book's fit(): 25 epochs, validation_split=0.25, Adam, sparse CE, pixels / 255.
BOOK = dict(chapter="cnn", kind="train", engines=BOTH, data="fashion", split="last-fraction", validation_split=0.25,
            optimizer="Adam", loss="sparse_categorical_crossentropy", epochs=25, batch_size=32)
# Do it: stratified 80/20 split (random_state=42), one-hot labels, Adam, 20 epochs.
DOIT = dict(chapter="cnn", kind="train", engines=BOTH, data="fashion", split="doit-stratified",
            optimizer="Adam", loss="categorical_crossentropy", epochs=20, batch_size=32)

RECIPES = [
    Recipe("conv-demo", "cnn", "Conv2D, MaxPool2D and Dropout layers, and a convolution by hand",
           "6.1-6.3, fig 6.2", "demo", demo=demos.conv_demo, notes="output shapes; fig 6.2 gives -1"),
    Recipe("image-channels", "cnn", "A colour photo split into its R, G, B channels", "6.8", "demo",
           demo=demos.image_channels, notes="1x4 figure"),
    Recipe("edges", "cnn", "Hand-crafted filters: Canny and 3x3 kernels", "fig 6.1, 6.3", "demo",
           demo=demos.edges, notes="figures"),
    Recipe("fashion-samples", "cnn", "The first 16 training images with their class names", "seed 000, data section",
           "demo", data="fashion", demo=demos.fashion_samples, notes="4x4 grid"),
    Recipe("fashion-dense", title="Dense baseline", listing="book 5.22", model=models.fashion_dense,
           params=101_770, reported=Reported("test_accuracy", 0.885, "book 5.22"), **BOOK),
    Recipe("fashion-cnn-sample", "cnn", "One convolution and one pooling layer", "seed [7]", "summary",
           model=models.fashion_cnn_sample, params=54_410, engines=BOTH),
    Recipe("fashion-cnn", title="Three convolutions, no pooling (overfits)", listing="6.7, 6.9",
           model=models.fashion_cnn, params=3_989_642,
           reported=Reported("test_accuracy", 0.8579, "6.9", book=0.8521), **BOOK),
    Recipe("fashion-cnn-pool", title="Convolutions with pooling and dropout", listing="6.10, 6.11",
           model=models.fashion_cnn_pool, params=241_546,
           reported=Reported("test_accuracy", 0.8881, "6.11", book=0.8909), **BOOK),
    Recipe("fashion-vgg", title="VGG-style network", listing="6.12, 6.13", model=models.fashion_vgg,
           params=5_240_842, reported=Reported("test_accuracy", 0.9276, "6.13", book=0.9252), **BOOK),
    Recipe("fashion-vgg-aug", title="VGG-style network with 30,000 augmented images", listing="6.14-6.16",
           model=models.fashion_vgg, params=5_240_842, augmentation=Augmentation(),
           reported=Reported("test_accuracy", 0.9199, "6.16", book=0.9288), **BOOK),
    Recipe("doit-conv-scratch", title="The CNN of Do it 08-4, backward passes written by hand",
           listing="Do it 08-4", model=models.doit_conv_scratch, params=197_210,
           reported=Reported("val_accuracy", 0.8746, "Do it 08-4"),
           **{**DOIT, "optimizer": "SGD", "optimizer_args": {"learning_rate": 0.01}, "from_logits": True,
              "batch_size": 128, "engines": ("scratch", "keras")}),
    Recipe("doit-conv1", title="Keras CNN of Do it 08", listing="Do it 08", model=models.doit_conv1,
           params=197_210, reported=Reported("val_accuracy", 0.9163, "Do it 08"), **DOIT),
    Recipe("doit-conv2", title="Keras CNN of Do it 08 with dropout", listing="Do it 08",
           model=models.doit_conv2, params=197_210, reported=Reported("val_accuracy", 0.9207, "Do it 08"),
           **DOIT),
]
