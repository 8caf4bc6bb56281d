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
    total = literal(order.pseudo) + weight
    return (
        literal(order.pseudo * order.worth)
        + weight_value
        - literal(order.time) * (weight_log_hours - weight * literal(order.log_hours))
    ) / total - literal(order.doubt) / func.sqrt(cast(total, Float))


def rit_of(order: RankOrder, weight: float, weight_value: float, weight_log_hours: float) -> float:
    """The same RIT, computed here (for a row about to be inserted)."""
    total = order.pseudo + weight
    return (
        order.pseudo * order.worth
        + weight_value
        - order.time * (weight_log_hours - weight * order.log_hours)
    ) / total - order.doubt / math.sqrt(total)


#: The bound parameters a statement built once with `rit_bound` takes (`rank_parameters`).
_RANK = ("rank_pseudo", "rank_pseudo_worth", "rank_time", "rank_log_hours", "rank_doubt")


def rit_bound(weight: Any, weight_value: Any, weight_log_hours: Any) -> Any:
    """`rit_expression` with the order's terms as bound parameters, for a statement built
    once and executed with `rank_parameters(order)`."""
    pseudo, pseudo_worth, time, log_hours, doubt = (bindparam(name, type_=Float) for name in _RANK)
    total = pseudo + weight
    return (
        pseudo_worth + weight_value - time * (weight_log_hours - weight * log_hours)
    ) / total - (doubt / func.sqrt(cast(total, Float)))


def rank_parameters(order: RankOrder) -> dict[str, float]:
    """The values of `rit_bound`'s parameters for `order` (the same terms as
    `rit_expression`'s literals)."""
    values = (order.pseudo, order.pseudo * order.worth, order.time, order.log_hours, order.doubt)
    return dict(zip(_RANK, values, strict=True))
