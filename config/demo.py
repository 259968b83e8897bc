"""The demo city is built in steps that apps contribute, in order.

``grids`` lays out the city and its people; later apps (hazards, points, volunteers) add
their own step in ``AppConfig.ready`` so the demo grows with the product while this
module imports no app.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    """What one step leaves for the next: the random source and what was created."""

    seed: int
    residents: int
    rng: random.Random
    password_hash: str
    progress: Callable[..., Any]
    write: Callable[[str], None]
    created: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    key: str
    run: Callable[[DemoContext], None]
    order: int = 100


_steps: dict[str, DemoStep] = {}


def register_demo_step(step: DemoStep) -> None:
    _steps[step.key] = step


def demo_steps() -> list[DemoStep]:
    return sorted(_steps.values(), key=lambda step: (step.order, step.key))
