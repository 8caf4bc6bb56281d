"""The RIT as a function of a venue's sums, for ordering in SQL and for the snapshot
index (docs/ranking.md, "Kept as ratings are written")."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Float, bindparam, cast, func, literal


@dataclass(frozen=True, slots=True)
class RankOrder:
    """The RIT of a venue's sums S (weight x value), L (weight x ln hours) and W (weight):
    (pseudo * worth + S - time * (L - W * log_hours)) / (pseudo + W) - doubt / sqrt(pseudo + W)
    """

    pseudo: float
    worth: float
    time: float
    log_hours: float
    doubt: float


def rit_expression(order: RankOrder, weight: Any, weight_value: Any, weight_log_hours: Any) -> Any:
    """The RIT of `order` as an SQL expression of a venue's sums."""
    numbers = rit_parameters(order)
    return _rit(
        {name: literal(value) for name, value in numbers.items()},
        weight,
        weight_value,
        weight_log_hours,
    )


def rit_bound(weight: Any, weight_value: Any, weight_log_hours: Any) -> Any:
    """The same expression with the order's numbers as bound parameters (`rit_parameters`
    gives their values): a statement built once serves every guild's order."""
    names = ("rit_pseudo", "rit_pseudo_worth", "rit_time", "rit_log_hours", "rit_doubt")
    bound = {name: bindparam(name, type_=Float) for name in names}
    return _rit(bound, weight, weight_value, weight_log_hours)


def rit_parameters(order: RankOrder) -> dict[str, float]:
    """The values of `rit_bound`'s parameters for `order`."""
    return {
        "rit_pseudo": order.pseudo,
        "rit_pseudo_worth": order.pseudo * order.worth,
        "rit_time": order.time,
        "rit_log_hours": order.log_hours,
        "rit_doubt": order.doubt,
    }


def _rit(numbers: dict[str, Any], weight: Any, weight_value: Any, weight_log_hours: Any) -> Any:
    total = numbers["rit_pseudo"] + weight
    return (
        numbers["rit_pseudo_worth"]
        + weight_value
        - numbers["rit_time"] * (weight_log_hours - weight * numbers["rit_log_hours"])
    ) / total - numbers["rit_doubt"] / func.sqrt(cast(total, Float), type_=Float)


def rit_of(order: RankOrder, weight: float, weight_value: float, weight_log_hours: float) -> float:
    """The same RIT, computed here (for a row about to be inserted)."""
    total = order.pseudo + weight
    return (
        order.pseudo * order.worth
        + weight_value
        - order.time * (weight_log_hours - weight * order.log_hours)
    ) / total - order.doubt / math.sqrt(total)
