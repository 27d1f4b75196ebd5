"""The 送文化下乡 season planner: troupes to villages for a season, optimised with CP-SAT (OR-Tools).

model     sites, troupes, offerings, orders, the season; a plan and its score
travel    travel minutes from coordinates (road factor, speed) or an uploaded CSV matrix
rules     the hard rules (candidates, ``PlanState``, ``violations``)
scoring   orders fulfilled, villages covered, festivals hit, travel, busiest troupe
greedy    the baseline: earliest order first, nearest free troupe
solver    ``plan_season``: the CP-SAT model, time-limited, with the optimality gap

Objective — weighted, one solve (not lexicographic): maximise
    100 000 × orders fulfilled
  + (20 000 + 50 × weeks the village has gone unserved, ≤ 52) × (village, coverage period) reaching the target
  +   2 000 × festival orders played on the festival day
  −       1 × every minute of each show's round trip from its troupe's base
  −       5 × shows of the busiest troupe (fair share)
One unit of each tier outweighs one unit of every tier below it (an order is worth more than any one
village's coverage, a village more than a festival hit, …), but many units of a lower tier can
outweigh one of a higher tier (five villages covered beat one order). Weights keep one solve within
the time limit, where a strictly lexicographic cascade would split it into five. One lexicographic
guard on top: never fewer orders than the greedy baseline (whose plan is the solver's starting hint).
"""

from .greedy import greedy_shows
from .model import (
    DayRange,
    FestivalDate,
    Half,
    Offering,
    PlanOrder,
    PlanProblem,
    PlanScore,
    Point,
    Season,
    SeasonPlan,
    Show,
    Site,
    SolveReport,
    Troupe,
    Unplanned,
    UnplannedReason,
)
from .rules import violations
from .scoring import score
from .solver import plan_season
from .travel import TravelTimes, parse_matrix_csv

__all__ = [
    "DayRange",
    "FestivalDate",
    "Half",
    "Offering",
    "PlanOrder",
    "PlanProblem",
    "PlanScore",
    "Point",
    "Season",
    "SeasonPlan",
    "Show",
    "Site",
    "SolveReport",
    "Troupe",
    "Unplanned",
    "UnplannedReason",
    "greedy_shows",
    "violations",
    "score",
    "plan_season",
    "TravelTimes",
    "parse_matrix_csv",
]
