"""What a benchmark reports: one figure, with the baseline's figure from the same run."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    benchmark: str
    name: str
    value: float
    unit: str
    baseline: float | None = None
    #: what the baseline is, e.g. "plain tesseract + regex"
    baseline_label: str = ""
    #: the target, printed for the reader ("<= 0.5")
    target: str = ""

    def line(self) -> str:
        text = f"{self.benchmark}.{self.name} {_fmt(self.value)} {self.unit}"
        if self.baseline is not None:
            ratio = (self.value / self.baseline) if self.baseline else float("inf")
            label = f" ({self.baseline_label})" if self.baseline_label else ""
            text += f"  baseline{label} {_fmt(self.baseline)} {self.unit}  ratio {ratio:.3f}"
        if self.target:
            text += f"  target {self.target}"
        return text


def _fmt(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return f"{value:.4g}"
