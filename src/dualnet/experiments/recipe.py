"""A recipe: everything an experiment of the course needs, in one value."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from fractions import Fraction
from typing import Callable


def qualified_name(fn) -> str:
    """A function's full dotted name, as a run's config.json records the model it trained."""
    return f"{fn.__module__}.{fn.__qualname__}"


@dataclass(frozen=True)
class Reported:
    """The figure the notes report, and where."""

    metric: str                  # a key of metrics.json: "test_accuracy", "val_accuracy", ...
    value: float                 # the seed notes' figure
    source: str                  # listing or page
    book: float | None = None    # the book's own notebook, where it differs
    band: float = 0.007          # run-to-run spread of the book's numbers (COURSE.md: about ±0.7 points)

    def describe(self) -> str:
        book = f" (book {self.book:.2%})" if self.book is not None else ""
        return f"{self.metric.replace('_', ' ')} {self.value:.2%}{book}"


@dataclass(frozen=True)
class Augmentation:
    """Augmented copies appended to the training set, ImageDataGenerator's ranges."""

    fraction: float = 0.5            # 30,000 copies of random training images for 60,000
    rotation_range: float = 10.0     # degrees
    zoom_range: float = 0.10
    shear_range: float = 0.5         # degrees, as ImageDataGenerator reads it
    width_shift_range: float = 0.10
    height_shift_range: float = 0.10
    horizontal_flip: bool = True


@dataclass(frozen=True)
class CosineSchedule:
    """The learning rate over a whole run: up in a straight line from 0 to optimizer_args' learning_rate
    over the first `warmup` share of the steps, or held at it for the first `hold` share, then half a
    cosine down to `alpha` times it at the last step (keras.optimizers.schedules.CosineDecay on both
    engines; a hold is its warm-up from the peak to the peak)."""

    warmup: float = 0.0
    alpha: float = 0.0
    hold: float = 0.0

    def __post_init__(self):
        if self.warmup and self.hold:
            raise ValueError("CosineSchedule: a warm-up or a hold, not both (CosineDecay has one first phase)")

    def make(self, schedules, peak: float, total_steps: int):
        first_steps = int(round((self.warmup or self.hold) * total_steps))
        decay_steps = max(1, total_steps - first_steps)
        if first_steps:
            start = peak if self.hold else 0.0
            return schedules.CosineDecay(start, decay_steps, alpha=self.alpha, warmup_target=peak,
                                         warmup_steps=first_steps)
        return schedules.CosineDecay(peak, decay_steps, alpha=self.alpha)


@dataclass(frozen=True)
class Goal:
    """What a recipe beyond the notes must reach: at least `at_least` of `metric`, in at most `time_share`
    of the training time of the notes' recipe `improves`, on the same machine."""

    metric: str
    at_least: float
    improves: str        # the notes' experiment id whose time it is measured against
    time_share: float    # e.g. 1/20

    def describe(self) -> str:
        share = Fraction(self.time_share).limit_denominator(100)  # 1/20, 2/3
        return (f"{self.metric.replace('_', ' ')} >= {self.at_least:.1%} in <= {share} "
                f"of {self.improves}'s time")


@dataclass(frozen=True)
class Recipe:
    id: str
    chapter: str                       # "cnn" or "rnn"
    title: str
    listing: str                       # where in the notes
    kind: str                          # "train", "summary" (model shown, not trained) or "demo"
    model: Callable | None = None      # a function of a layers namespace (dualnet.models)
    params: int | None = None          # the notes' parameter count
    data: str | None = None            # a key of dualnet.experiments.inputs.PREPARERS
    split: str = "last-fraction"       # "last-fraction" (Keras's validation_split) or "doit-stratified"
    validation_split: float = 0.0
    optimizer: str = "Adam"            # a class name in keras.optimizers and the scratch engine
    optimizer_args: dict = field(default_factory=dict)
    schedule: CosineSchedule | None = None  # None: optimizer_args' learning rate throughout
    loss: str = "sparse_categorical_crossentropy"
    from_logits: bool = False          # the model ends without softmax; the loss applies it
    label_smoothing: float = 0.0       # categorical_crossentropy only: targets t (1 - e) + e / classes
    metrics: tuple[str, ...] = ("accuracy",)
    epochs: int = 1
    batch_size: int = 32               # Keras's default, which the notes' fit() calls use
    augmentation: Augmentation | None = None
    flip: bool = False                 # each epoch, a new random half of the training images mirrored
    shift: int = 0                     # each epoch, each training image moved by up to this many pixels
    cutout: int = 0                    # each epoch, a random square of this side blanked in each image
    data_args: dict = field(default_factory=dict)  # for the data preparer, e.g. IMDB's num_words
    index_inputs: bool = False         # the notes one-hot word indices; the first layer looks rows up instead
    bptt_steps: int | None = None      # scratch engine: backpropagate through the last N time steps only
    notes_gradient: bool = False       # scratch: the Do it! book's recurrent backward, without the transpose
    reported: Reported | None = None
    goal: Goal | None = None           # for the recipes beyond the notes
    backend: str | None = None         # the Keras backend when none is asked for ("auto": the fastest measured)
    precision: str | None = None       # Keras's precision when none is asked for (None: float32; "auto": bfloat16
                                       # where the benchmark measured it faster for this model on this CPU)
    demo: Callable | None = None       # for kind "demo": demo(run_dir, options, stream) -> files written
    report: Callable | None = None     # after training: report(engine, model, splits, stream) -> extra metrics
    engines: tuple[str, ...] = ("keras",)  # the first is the default
    notes: str = ""

    def to_json(self) -> dict:
        """The recipe as plain data, for config.json."""
        d = asdict(self)
        for key in ("model", "demo", "report"):
            fn = getattr(self, key)
            d[key] = qualified_name(fn) if fn else None
        return d

    def make_loss(self, losses_module):
        """The loss for an engine's losses module: its name, or its class when from_logits or label
        smoothing is set."""
        if self.label_smoothing and self.loss != "categorical_crossentropy":
            raise ValueError(f"{self.id}: label smoothing needs one-hot labels and categorical_crossentropy, "
                             f"not {self.loss} (Keras's sparse cross-entropy has no label_smoothing)")
        if not (self.from_logits or self.label_smoothing):
            return self.loss
        class_name = "".join(part.capitalize() for part in self.loss.split("_"))  # categorical_crossentropy
        extra = {"label_smoothing": self.label_smoothing} if self.label_smoothing else {}
        return getattr(losses_module, class_name)(from_logits=self.from_logits, **extra)

    def figure(self) -> str:
        if self.reported:
            return self.reported.describe()
        if self.goal:
            return self.goal.describe()
        if self.params:
            return f"{self.params:,} params"
        return self.notes or "figures"
