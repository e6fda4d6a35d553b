"""Imported by the fork server of the parallel searches: loads the compiled routes search
once, so that its worker processes start with it (``search._context``)."""

from routing.visits.improve import warm_up

warm_up()
