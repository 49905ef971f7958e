"""Options for flashcard scheduling and review (`[cards]` in viva.toml)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CardOptions:
    desired_retention: float = 0.90
    """The recall probability FSRS schedules for (0.7-0.99); higher means more reviews."""
    new_per_day: int = 20
    """New cards introduced per day (Anki's default)."""
    reviews_per_day: int = 200
    """Reviews of already-seen cards per day (Anki's default); learning steps are not limited."""
    learning_steps_s: tuple[int, ...] = (60, 600)
    """FSRS learning steps in seconds (Anki's 1 min and 10 min)."""
    relearning_steps_s: tuple[int, ...] = (600,)
    maximum_interval_days: int = 36500
    fuzz: bool = True
    """Spread due dates a little, as Anki does, so cards learnt together do not stay together."""
    requeue_within_s: int = 1200
    """A card rated again (or hard while learning) that falls due within this time comes back
    later in the same review session."""
    max_requeues: int = 2
    """How many times one card may come back in one session."""
    cram_size: int = 250
    """Cards in a blitz (the power-review day's "250-card blitz"), weakest first."""

    def __post_init__(self) -> None:
        if not 0.7 <= self.desired_retention <= 0.99:
            raise ValueError(f"cards.desired_retention must be between 0.7 and 0.99, not {self.desired_retention}")
        if self.new_per_day < 0 or self.reviews_per_day < 0:
            raise ValueError("cards.new_per_day and cards.reviews_per_day cannot be negative")
