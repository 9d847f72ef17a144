"""A plain-Python event (napari's EventedModel idea, in a few lines): views connect callbacks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Signal:
    """Callbacks run in connection order, on the emitting thread (the flow is driven from the UI thread)."""

    def __init__(self) -> None:
        self._callbacks: list[Callable[..., Any]] = []

    def connect(self, callback: Callable[..., Any]) -> None:
        self._callbacks.append(callback)

    def disconnect(self, callback: Callable[..., Any]) -> None:
        if callback in self._callbacks:
            self._callbacks.remove(callback)

    def emit(self, *args: Any) -> None:
        for callback in list(self._callbacks):
            callback(*args)
