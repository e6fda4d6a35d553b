"""Background jobs behind one narrow interface: submit, state (progress, result), cancel."""

from web.jobs.queue import (
    JobCancelledError,
    JobLimitError,
    JobQueue,
    JobState,
    ThreadJobQueue,
    get_queue,
    init_app,
    register,
    run_job,
)

__all__ = [
    "JobCancelledError",
    "JobLimitError",
    "JobQueue",
    "JobState",
    "ThreadJobQueue",
    "get_queue",
    "init_app",
    "register",
    "run_job",
]
