"""The seed curriculum's dated rows (/work/shared/curriculum-seed.md) turned into plan days.

Plan days count from the seed's first date, 6 Aug = day 1, to 5 Sep = day 31; 6 Sep, the
interview, is day 32. Weekend rows ("10-11 Aug") span two days. Nothing here depends on
weekdays or on the learner's calendar: a learner's start date only anchors fit checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

_MONTHS = {"Aug": 8, "Sep": 9}
_ANCHOR_YEAR = 2001  # any non-leap year: only the offset between seed dates matters

PLAN_DAYS = 31
INTERVIEW_DAY = 32


def seed_day(text: str) -> int:
    """`"16 Aug"` → 11: the plan day of one seed date."""
    day, month = text.split()
    offset = date(_ANCHOR_YEAR, _MONTHS[month], int(day)) - date(_ANCHOR_YEAR, 8, 6)
    return offset.days + 1


def seed_days(text: str) -> tuple[int, ...]:
    """`"10-11 Aug"` → (5, 6); `"7 Aug"` → (2,)."""
    span, month = text.split()
    first, _, last = span.partition("-")
    start = seed_day(f"{first} {month}")
    end = seed_day(f"{last} {month}") if last else start
    return tuple(range(start, end + 1))


@dataclass(frozen=True)
class SeedRow:
    unit: int
    dates: str
    week: int
    genai_day: bool = False

    @property
    def days(self) -> tuple[int, ...]:
        return seed_days(self.dates)


SEED_UNITS: tuple[SeedRow, ...] = (
    SeedRow(1, "6 Aug", 1),
    SeedRow(2, "7 Aug", 1),
    SeedRow(3, "8 Aug", 1),
    SeedRow(4, "9 Aug", 1, genai_day=True),  # Gen-AI F#1
    SeedRow(5, "10-11 Aug", 1),
    SeedRow(6, "12 Aug", 1),
    SeedRow(7, "13 Aug", 2),
    SeedRow(8, "14 Aug", 2),  # Voice Thursday
    SeedRow(9, "16-17 Aug", 2),
    SeedRow(10, "18 Aug", 2),
    SeedRow(11, "19 Aug", 2, genai_day=True),  # Gen-AI T#2
    SeedRow(12, "20 Aug", 3),
    SeedRow(13, "21 Aug", 3),
    SeedRow(14, "22 Aug", 3, genai_day=True),  # Gen-AI F#2
    SeedRow(15, "23-24 Aug", 3),
    SeedRow(16, "25 Aug", 3),
    SeedRow(17, "26 Aug", 4),
    SeedRow(18, "27 Aug", 4),
    SeedRow(19, "28 Aug", 4),
    SeedRow(20, "29 Aug", 4, genai_day=True),  # Gen-AI F#3
    SeedRow(21, "30-31 Aug", 4),
    SeedRow(22, "1 Sep", 5),  # final stretch
)

LIGHT_DAY = seed_day("15 Aug")  # "REST/Async: light reading + peer code reviews"
MOCK_1_DAY = seed_day("2 Sep")
BUFFER_DAY = seed_day("3 Sep")
MOCK_2_DAY = seed_day("4 Sep")
POWER_REVIEW_DAY = seed_day("5 Sep")
LIGHT_DAYS = (LIGHT_DAY, BUFFER_DAY)
"""Where remedial pods go (the seed's "next available light day")."""

QUIZ_DAYS = (4, 11, 18, 25)
"""The mid-week quiz ("Wed" in the seed) as fixed plan days, one per week; never weekdays."""

TOPIC_DAYS = tuple(d for row in SEED_UNITS for d in row.days)
