"""A portfolio of differently configured searches on both cores; the best solution wins."""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import multiprocessing.context
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import Any, Final

from routing.budget import Budget
from routing.progress import Progress, tell
from routing.visits.improve import models, run_routes, warm_up
from routing.visits.model import RoutingProblem, Solution, run_search
from routing.visits.options import (
    ROUTES_PORTFOLIO,
    ROUTING_PORTFOLIO,
    TOUR_PORTFOLIO,
    SearchConfig,
)

# Progress is reported at most this often (seconds) while the searches run.
_PROGRESS_EVERY_S: Final = 0.5


@dataclass(frozen=True)
class SearchOutcome:
    """The best solution and every search's own result (for metrics)."""

    best: Solution
    runs: tuple[Solution, ...]


def solve(
    problem: RoutingProblem,
    *,
    budget: Budget,
    seed: int = 0,
    workers: int = 2,
    portfolio: Sequence[SearchConfig] | None = None,
    progress: Progress | None = None,
) -> SearchOutcome:
    """Run ``workers`` searches in parallel until the budget is spent and keep the best.

    Search ``i`` uses ``portfolio[i % len(portfolio)]`` and seed ``seed + i``. The
    first runs in this process, the others in worker processes (see ``_context``); all
    stop at the same wall-clock deadline, so the call takes about the budget's time
    (plus, the first time in a process, loading the compiled search: ``improve.warm_up``,
    about a second, or a minute when it must be compiled on a new machine).

    Parameters
    ----------
    problem : RoutingProblem
        What to solve.
    budget : Budget
        Time of the whole call and each search's solutions (``max_solutions``, see
        ``model.run_search``).
    seed : int
        Base seed; the result is repeatable for a seed when ``max_solutions`` bounds
        the searches (or they settle before the clock stops them).
    workers : int
        Parallel searches (processes), at least 1.
    portfolio : sequence of SearchConfig, optional
        The search configurations to cycle through; default ``portfolio_for(problem)``.
    progress : callable, optional
        ``progress(fraction, message)``.

    Returns
    -------
    SearchOutcome
        Lowest objective first, ties to the lower search number.
    """
    time_limit_s = budget.left_s()
    if not time_limit_s > 0:
        raise ValueError(f"the budget has no time left (deadline {budget.deadline!r})")
    portfolio = portfolio_for(problem) if portfolio is None else portfolio
    if workers < 1 or not portfolio:
        raise ValueError("need workers >= 1 and a non-empty portfolio")
    tasks = [(portfolio[i % len(portfolio)], seed + i) for i in range(workers)]
    compiled = [config.improvement == "lahc" or config.polish > 0 for config, _ in tasks]
    if any(compiled):
        # Outside the time limit: compiling happens once per machine (cached on disk),
        # loading once per process; forked workers inherit the compiled search.
        warm_up()
    began = time.time()
    budget = budget.until(began + time_limit_s)  # the time left, counted after the warm-up
    names = ", ".join(config.name for config, _ in tasks)
    tell(progress, 0.0, f"searching ({names}) for {time_limit_s:g} s")
    reporter = _Reporter(progress, began, time_limit_s, tasks[0][0].name)
    bound = partial(run_one, problem, budget=budget)
    pool = _pool(len(tasks) - 1)
    try:
        futures = [pool.submit(bound, config, seed=k) for config, k in tasks[1:]]
        config, first_seed = tasks[0]
        runs = [bound(config, seed=first_seed, on_solution=reporter)]
        runs.extend(_collect(futures))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    best = min(enumerate(runs), key=lambda pair: (pair[1].objective, pair[0]))[1]
    tell(progress, 1.0, f"best of {len(runs)} searches: {best.search}, objective {best.objective}")
    return SearchOutcome(best, tuple(runs))


def run_one(
    problem: RoutingProblem,
    config: SearchConfig,
    *,
    budget: Budget,
    seed: int,
    on_solution: Callable[[int, float], None] | None = None,
) -> Solution:
    """One search of the portfolio: the routes search for ``"lahc"``, else OR-Tools'.

    Parameters are those of ``model.run_search``.

    Returns
    -------
    Solution
        The search's best routes.
    """
    run = run_routes if config.improvement == "lahc" else run_search
    return run(
        problem,
        config,
        budget=budget,
        seed=seed,
        on_solution=on_solution,
    )


def portfolio_for(problem: RoutingProblem) -> tuple[SearchConfig, ...]:
    """``TOUR_PORTFOLIO`` for one tour of mandatory visits without windows or loads;
    ``ROUTES_PORTFOLIO`` (redvest's routes search) for what it models (one window per
    visit at most, ``improve.models``); else OR-Tools' ``ROUTING_PORTFOLIO``.

    Parameters
    ----------
    problem : RoutingProblem
        The instance.

    Returns
    -------
    tuple of SearchConfig
        The searches to run.
    """
    windows = any(problem.windows)
    optional = (
        problem.penalty is not None
        and bool(problem.visits)
        and bool((problem.penalty[problem.visits] < _mandatory_penalty(problem)).any())
    )
    tour = problem.vehicles == 1 and not windows and problem.demand is None and not optional
    if tour:
        return TOUR_PORTFOLIO
    return ROUTES_PORTFOLIO if models(problem) else ROUTING_PORTFOLIO


def _mandatory_penalty(problem: RoutingProblem) -> int:
    """A penalty above any tour: dropping such a visit never pays."""
    return int(problem.travel.max(initial=0)) * (problem.size + 1) + 1


class _Reporter:
    """Turns improving solutions of the in-process search into throttled progress."""

    def __init__(self, progress: Progress | None, began: float, limit: float, name: str):
        self.progress, self.began, self.limit, self.name = progress, began, limit, name
        self.last = 0.0

    def __call__(self, objective: int, _elapsed: float) -> None:
        now = time.time()
        if self.progress is None or now - self.last < _PROGRESS_EVERY_S:
            return
        self.last = now
        fraction = min((now - self.began) / self.limit, 0.99)
        self.progress(fraction, f"{self.name}: objective {objective}")


def _pool(size: int) -> Executor:
    """Worker processes for the other searches (none needed: a no-op executor).

    The workers are daemons and die with the process that made them, even when it is
    killed (``_die_with_parent``): a search must never outlive its server.
    """
    if size <= 0:
        return _NoWorkers()
    context = _daemonic(_context())
    parent = os.getpid() if context.get_start_method() != "forkserver" else None
    return ProcessPoolExecutor(
        max_workers=size, mp_context=context, initializer=_die_with_parent, initargs=(parent,)
    )


# linux/prctl.h: deliver a signal to this process when its parent thread exits.
_PR_SET_PDEATHSIG: Final = 1


def _die_with_parent(parent: int | None) -> None:
    """Worker initializer: be killed (SIGKILL) when the parent dies, on Linux.

    ``parent`` is the process that started the worker when it is its direct parent. A
    fork server's workers are the fork server's children instead, and the fork server
    ends when its client (the process that made the pool) ends, unless a worker still
    holds the client's end of the pipe that tells it so: the fork server hands that end
    to every child, so the worker closes it.
    """
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_SET_PDEATHSIG) failed")
    if parent is None:
        _release_fork_server()
    # The parent may have died before prctl: nothing would signal us then.
    elif os.getppid() != parent:
        os._exit(1)


def _release_fork_server() -> None:
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(fd, int):
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]


def _daemonic(context: multiprocessing.context.BaseContext) -> Any:
    """A copy of ``context`` whose processes are daemons: the parent's normal exit ends
    them (ProcessPoolExecutor starts non-daemonic workers and has no option for it)."""
    base = type(context)
    daemonic = type(f"Daemonic{base.__name__}", (base,), {"Process": _DAEMON_PROCESS[base]})
    return daemonic()


class _NoWorkers(Executor):
    """An executor that is never given work: the only search runs in this process."""


def _context() -> multiprocessing.context.BaseContext:
    """Fork from a single-threaded process, else a fork server, else spawn.

    Forking copies the loaded solver at no cost and is safe without other threads.
    A fork server or spawn re-imports the caller's main module in each worker, so a
    script calling from a threaded process needs the ``if __name__ == "__main__"``
    guard.
    """
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        # The server imports the solver once; every worker then starts without imports.
        context.set_forkserver_preload(["routing.visits.improve"])
        return context
    return multiprocessing.get_context("spawn")


class _DaemonForkProcess(multiprocessing.context.ForkProcess):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.daemon = True


class _DaemonSpawnProcess(multiprocessing.context.SpawnProcess):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.daemon = True


class _DaemonForkServerProcess(multiprocessing.context.ForkServerProcess):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.daemon = True


_DAEMON_PROCESS: Final[dict[type, type]] = {
    multiprocessing.context.ForkContext: _DaemonForkProcess,
    multiprocessing.context.SpawnContext: _DaemonSpawnProcess,
    multiprocessing.context.ForkServerContext: _DaemonForkServerProcess,
}


def _collect(futures: list[Future[Solution]]) -> list[Solution]:
    """Results of the worker searches; a worker that failed is left out."""
    out = []
    for future in futures:
        try:
            out.append(future.result())
        except Exception:  # the in-process search still gives an answer
            continue
    return out
