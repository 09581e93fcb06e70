"""A Keras-style model summary table, the same text for both engines."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class LayerRow:
    name: str
    kind: str            # the layer's class name
    output_shape: tuple  # without the batch axis
    params: int
    trainable: int | None = None  # how many of params are trained (None: all); BatchNormalization's
                                  # moving statistics are counted but not trained


def format_summary(title: str, rows: list[LayerRow], notes_params: int | None = None) -> str:
    """The table, then trainable and non-trainable counts; the total comes last."""
    table = [(f"{r.name} ({r.kind})", str((None,) + tuple(r.output_shape)), f"{r.params:,}") for r in rows]
    header = ("Layer (type)", "Output Shape", "Param #")
    widths = [max(len(row[i]) for row in table + [header]) + 2 for i in range(3)]
    line = lambda cells: "".join(c.ljust(w) for c, w in zip(cells, widths)).rstrip()  # noqa: E731
    rule = "-" * sum(widths)
    total = sum(r.params for r in rows)
    trainable = sum(r.params if r.trainable is None else r.trainable for r in rows)
    out = [f'Model: "{title}"', rule, line(header), "=" * sum(widths)]
    out += [line(cells) for cells in table]
    out += ["=" * sum(widths),
            f"Trainable params: {trainable:,}",
            f"Non-trainable params: {total - trainable:,}"]
    if notes_params is not None:
        verdict = "matches" if notes_params == total else f"DIFFERS by {total - notes_params:+,}"
        out.append(f"The notes' count: {notes_params:,} ({verdict})")
    out.append(f"Total params: {total:,}")
    return "\n".join(out) + "\n"
