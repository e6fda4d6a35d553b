"""CP-SAT models of the rota: who patrols in which slot, then which route, with named rules."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
from numpy.typing import NDArray
from ortools.sat.python import cp_model

from routing.budget import Budget
from routing.patrols.demand import RouteDemand
from routing.patrols.options import RotaOptions

# Rules a rota can break, in the order conflicts are reported.
RULES: Final = ("coverage", "availability", "one_per_day", "rest", "fairness", "rotation")
Key = tuple[str, int | None]  # (rule, 1-based week or None for the whole rota)


@dataclass(frozen=True, eq=False)
class RotaProblem:
    """The rota's index sets: patrol days, slots, routes, teams, and who is unavailable."""

    routes: tuple[str, ...]
    teams: tuple[str, ...]
    start: dt.date
    options: RotaOptions
    days: tuple[dt.date, ...]  # patrol days, in order
    off: NDArray[np.bool_]  # (teams, days): unavailable
    walks: NDArray[np.bool_]  # (days, slots, routes): the route is walked then
    demands: Mapping[str, RouteDemand] = field(default_factory=dict)

    @property
    def need(self) -> NDArray[np.int64]:
        """Teams needed per (day, slot)."""
        return self.walks.sum(axis=2)

    @property
    def most_per_day(self) -> int:
        """Patrols on the busiest day."""
        return int(self.need.sum(axis=1).max(initial=0))

    def week(self, day: dt.date) -> int:
        """1-based week of a day."""
        return (day - self.start).days // 7 + 1

    @property
    def weeks(self) -> list[int]:
        """Weeks that hold patrol days."""
        return sorted({self.week(d) for d in self.days})

    @property
    def patrols(self) -> int:
        """Patrols in the whole rota."""
        return int(self.walks.sum())

    def fair_range(self) -> tuple[int, int]:
        """Smallest and largest patrol count of a team under the fairness rule."""
        mean = self.patrols / len(self.teams)
        spread = self.options.fair_spread
        return max(0, math.ceil(mean) - spread), math.floor(mean) + spread

    def rotation_cap(self) -> int:
        """Most walks of one route by one team, for a route walked in every slot."""
        return self.options.rotation_cap(self.fair_range()[1], len(self.routes))

    def rotation_caps(self) -> NDArray[np.int64]:
        """Per route, most walks by one team: its share of a team's patrols, rounded up,
        plus the slack (routes walked in every slot: ``rotation_cap``)."""
        walked = self.walks.sum(axis=(0, 1))
        share = self.fair_range()[1] * walked / max(self.patrols, 1)
        return np.ceil(share - 1e-9).astype(np.int64) + self.options.rotation_slack


def _sum(variables: NDArray[np.object_]) -> cp_model.LinearExprT:
    """The sum of an array of CP-SAT variables."""
    return cp_model.LinearExpr.sum(variables.ravel().tolist())


def solver(options: RotaOptions, budget: Budget) -> cp_model.CpSolver:
    """A CP-SAT solver with one worker, stopping at the budget's deadline: the same seed
    gives the same rota."""
    out = cp_model.CpSolver()
    out.parameters.max_time_in_seconds = budget.left_s()
    out.parameters.random_seed = options.seed
    out.parameters.num_workers = 1
    return out


class SlotModel:
    """Which teams patrol in each (day, slot): ``y[t, d, s]``.

    Routes are interchangeable for every rule but rotation, so they are left to
    ``RouteModel``: a slot just needs as many teams as there are routes. Only the rules
    in ``rules`` are imposed (all by default), on the patrol days of ``weeks`` (all by
    default): the explanation of an infeasible rota solves such relaxations.
    """

    def __init__(
        self, p: RotaProblem, rules: frozenset[Key] | None = None, weeks: Sequence[int] = ()
    ):
        self.p = p
        self.rules = all_rules(p) if rules is None else rules
        self.day_week = [p.week(day) for day in p.days]
        self.days = [d for d, w in enumerate(self.day_week) if not weeks or w in weeks]
        self.cp = cp_model.CpModel()
        shape = (len(p.teams), len(self.days), p.options.slots_per_day)
        y = np.array([self.cp.new_bool_var("") for _ in range(math.prod(shape))], dtype=object)
        self.y = y.reshape(shape)
        self.guess: NDArray[np.bool_] | None = None
        self._coverage()
        self._availability()
        self._per_day()
        if ("fairness", None) in self.rules and len(self.days) == len(p.days):
            self._fairness()

    def _week(self, d: int) -> int:
        """Week of the model's d-th day."""
        return self.day_week[self.days[d]]

    def _coverage(self) -> None:
        need = self.p.need[self.days]
        for d, s in np.ndindex(*self.y.shape[1:]):
            self.cp.add(_sum(self.y[:, d, s]) == int(need[d, s]))

    def _availability(self) -> None:
        off = self.p.off[:, self.days]
        for t, d in zip(*np.nonzero(off), strict=True):
            if ("availability", self._week(d)) in self.rules:
                for v in self.y[t, d].tolist():
                    self.cp.add(v == 0)

    def _per_day(self) -> None:
        p, y = self.p, self.y
        for t, d in np.ndindex(*y.shape[:2]):
            if ("one_per_day", self._week(d)) in self.rules:
                self.cp.add_at_most_one(y[t, d].tolist())
        rest = p.options.rest_days
        day = [p.days[d] for d in self.days]
        for d in range(len(day)):
            near = [e for e in range(d, len(day)) if (day[e] - day[d]).days <= rest]
            if rest == 0 or len(near) < 2 or ("rest", self._week(d)) not in self.rules:
                continue
            for t in range(y.shape[0]):
                self.cp.add(_sum(y[t, near]) <= 1)

    def _fairness(self) -> None:
        lo, hi = self.p.fair_range()
        spread = self.p.options.fair_spread
        low = self.cp.new_int_var(lo, max(lo, hi - spread), "low")
        for t in range(self.y.shape[0]):
            count = _sum(self.y[t])
            self.cp.add(count >= low)
            self.cp.add(count <= low + spread)

    def spread_objective(self) -> None:
        """Penalise a team's patrols in a week above its fair share of that week."""
        y, week = self.y, np.array([self._week(d) for d in range(len(self.days))])
        need = self.p.need[self.days]
        excess = []
        for w in np.unique(week):
            days = np.flatnonzero(week == w)
            share = math.ceil(int(need[days].sum()) / y.shape[0])
            for t in range(y.shape[0]):
                over = self.cp.new_int_var(0, len(days) * y.shape[2], "")
                self.cp.add(over >= _sum(y[t, days]) - share)
                excess.append(over)
                if self.guess is not None:  # a complete hint is one CP-SAT can take as is
                    self.cp.add_hint(over, max(0, int(self.guess[t, days].sum()) - share))
        self.cp.minimize(cp_model.LinearExpr.sum(excess))

    def hint(self) -> None:
        """Round-robin: the teams that patrolled least and longest ago go next."""
        p, y = self.p, self.y
        days = [p.days[d] for d in self.days]
        self.guess = np.zeros(y.shape, dtype=bool)
        count = np.zeros(y.shape[0], dtype=int)
        last = np.full(y.shape[0], -1)
        need = p.need[self.days]
        for d, day in enumerate(days):
            gap = np.array([(day - days[x]).days if x >= 0 else 10**6 for x in last])
            free = ~p.off[:, self.days[d]] & (gap > p.options.rest_days)
            order = np.lexsort((np.arange(len(count)), -gap, count, ~free))
            ends = np.cumsum(need[d])
            for s in range(y.shape[2]):
                self.guess[order[ends[s] - need[d, s] : ends[s]], d, s] = True
            used = order[: int(ends[-1])] if len(ends) else order[:0]
            count[used] += 1
            last[used] = d
        for v, value in zip(y.ravel().tolist(), self.guess.ravel().tolist(), strict=True):
            self.cp.add_hint(v, value)

    def solve(
        self, options: RotaOptions, budget: Budget
    ) -> tuple[cp_model.CpSolverStatus, NDArray[np.bool_]]:
        """CP-SAT's status and the chosen (team, day, slot) triples (all days of the rota)."""
        search = solver(options, budget)
        status = search.solve(self.cp)
        chosen = np.zeros((len(self.p.teams), len(self.p.days), self.y.shape[2]), dtype=bool)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            chosen[:, self.days] = np.vectorize(search.boolean_value, otypes=[bool])(self.y)
        return status, chosen


class RouteModel:
    """Which route each chosen (team, day, slot) walks, with the rotation cap."""

    def __init__(self, p: RotaProblem, chosen: NDArray[np.bool_]):
        self.p = p
        self.cp = cp_model.CpModel()
        self.triples = np.argwhere(chosen)  # rows (t, d, s)
        n_r = len(p.routes)
        self.z = np.array(
            [self.cp.new_bool_var("") for _ in range(len(self.triples) * n_r)], dtype=object
        ).reshape(len(self.triples), n_r)
        for row in range(len(self.triples)):
            self.cp.add_exactly_one(self.z[row].tolist())
        slot = self.triples[:, 1] * p.options.slots_per_day + self.triples[:, 2]
        for key in np.unique(slot):
            rows = np.flatnonzero(slot == key)
            walked = p.walks[key // p.options.slots_per_day, key % p.options.slots_per_day]
            for r in range(n_r):
                if walked[r]:
                    self.cp.add_exactly_one(self.z[rows, r].tolist())
                else:
                    for v in self.z[rows, r].tolist():
                        self.cp.add(v == 0)
        caps = p.rotation_caps()
        for t in np.unique(self.triples[:, 0]):
            rows = np.flatnonzero(self.triples[:, 0] == t)
            for r in range(n_r):
                self.cp.add(_sum(self.z[rows, r]) <= int(caps[r]))
            # Hint: a team's k-th patrol walks route (t + k) mod R, a plain rotation.
            for k, row in enumerate(rows.tolist()):
                for r in range(n_r):
                    self.cp.add_hint(self.z[row, r], (int(t) + k) % n_r == r)

    def read(self, solve: cp_model.CpSolver) -> list[tuple[int, int, int, int]]:
        """Rows (day, slot, route, team) of the rota."""
        value = np.vectorize(solve.boolean_value, otypes=[bool])(self.z)
        row, r = np.nonzero(value)
        t, d, s = self.triples[row].T
        return list(zip(d.tolist(), s.tolist(), r.tolist(), t.tolist(), strict=True))


def all_rules(p: RotaProblem) -> frozenset[Key]:
    """Every rule of the rota, per week where it is weekly."""
    weekly = {(rule, w) for rule in ("availability", "one_per_day", "rest") for w in p.weeks}
    return frozenset(weekly | {("fairness", None)})


def explain(p: RotaProblem, budget: Budget) -> list[list[Key]]:
    """The rules, per week, that make the rota impossible (each needed: a minimal set).

    Week by week first: a week whose own availability, one-per-day and rest rules
    cannot be met is reported with the smallest subset of them that fails. When every
    week can be met alone, the whole rota is checked without fairness, then with it,
    and the failing set is minimised by deletion. Checks that run out of time keep
    their rule, so the set stays sufficient.
    """
    weekly = ("availability", "one_per_day", "rest")
    found: list[list[Key]] = []
    for w in p.weeks:
        rules: frozenset[Key] = frozenset((r, w) for r in weekly)
        if _fails(p, rules, [w], budget, len(p.weeks)):
            found.append(_shrink(p, rules, [w], budget))
    if found:
        return found
    short = _short_of_fairness(p)
    if short:
        return [short]
    rules = all_rules(p) - {("fairness", None)}
    if _fails(p, rules, [], budget, 2):
        return [_shrink(p, rules, [], budget)]
    return [_shrink(p, all_rules(p), [], budget)]


def team_capacity(p: RotaProblem, rest: bool = True) -> NDArray[np.int64]:
    """Most patrols each team can walk: one a day on its free days, with rest days between."""
    gap = p.options.rest_days if rest else 0
    out = np.zeros(len(p.teams), dtype=np.int64)
    for t in range(len(p.teams)):
        last = None
        for d in np.flatnonzero(~p.off[t]).tolist():  # earliest first is optimal here
            if last is None or (p.days[d] - p.days[last]).days > gap:
                out[t], last = out[t] + 1, d
    return out


def _short_of_fairness(p: RotaProblem) -> list[Key]:
    """Fairness with the availability (and rest) weeks of teams that cannot reach its minimum."""
    low = p.fair_range()[0]
    short = np.flatnonzero(team_capacity(p) < low)
    if not len(short):
        return []
    off = p.off[short].any(axis=0)
    keys: list[Key] = sorted({("availability", p.week(p.days[d])) for d in np.flatnonzero(off)})
    if (team_capacity(p, rest=False)[short] >= low).any():
        free = (~p.off[short]).any(axis=0)
        keys += sorted({("rest", p.week(p.days[d])) for d in np.flatnonzero(free)})
    return sorted([*keys, ("fairness", None)], key=lambda k: (RULES.index(k[0]), k[1] or 0))


# Rules tried for deletion first: rest implies one patrol a day, so with both failing
# together the simpler rule is the one named.
_DELETE_FIRST: Final = ("rest", "fairness", "one_per_day", "availability")


def _fails(
    p: RotaProblem, rules: frozenset[Key], weeks: Sequence[int], budget: Budget, share: int
) -> bool:
    """Whether CP-SAT proves the relaxation infeasible within its share of the time left."""
    part = budget.share(1 / max(share, 1))
    if part.left_s() <= 0.05:
        return False
    model = SlotModel(p, rules, weeks)
    model.hint()  # feasible relaxations are then found at once
    status, _ = model.solve(p.options, part)
    return status == cp_model.INFEASIBLE


def _shrink(
    p: RotaProblem, rules: frozenset[Key], weeks: Sequence[int], budget: Budget
) -> list[Key]:
    """Deletion: drop each rule whose absence still leaves the others infeasible."""
    keys = sorted(rules, key=lambda k: (_DELETE_FIRST.index(k[0]), k[1] or 0))
    for key in list(keys):
        trial = [k for k in keys if k != key]
        if trial and _fails(p, frozenset(trial), weeks, budget, len(keys)):
            keys = trial
    return sorted(keys, key=lambda k: (RULES.index(k[0]), k[1] or 0))
