"""Generate and write the synthetic sub-district of issue 15 and print what it holds.

Run from the repository root:
``.venv/bin/python bench/subdistrict_data.py --out DIR [--communities 39] [--seed N]``.
Writes ``boundaries.geojson``, ``buildings.geojson``, ``paths.geojson``,
``households.csv`` and ``volunteers.csv`` (what ``redvest import --subdistrict`` will
read) and prints markdown tables: communities by kind, the files against the per-file
limits of ``routing/sources/limits.py``, and the time to generate and to write them.
Households (200,000) and volunteers (23,000) scale with ``--communities``. Times are
wall-clock on a shared machine: the load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from routing.sources.limits import LIMITS, MIB  # noqa: E402
from routing.synthetic_subdistrict import (  # noqa: E402
    SubdistrictOptions,
    SyntheticSubdistrict,
    synthetic_subdistrict,
    write_subdistrict,
)

FULL = SubdistrictOptions()
# Which limits of routing/sources/limits.py each file is read under.
FILE_KINDS = {
    "boundaries.geojson": "boundary",
    "buildings.geojson": "buildings",
    "paths.geojson": "paths",
    "households.csv": "households",
    "volunteers.csv": "volunteers",
}


def options(communities: int, seed: int) -> SubdistrictOptions:
    """Issue 15's sub-district, or as many communities with the same mean sizes."""
    share = communities / FULL.communities
    return SubdistrictOptions(
        communities=communities,
        households=round(FULL.households * share),
        volunteers=round(FULL.volunteers * share),
        seed=seed,
    )


def by_kind(subdistrict: SyntheticSubdistrict) -> pd.DataFrame:
    """Communities, households, volunteers, teams, buildings and path segments per kind."""
    c = subdistrict.communities.set_index("community")
    segments = subdistrict.paths.groupby("community").size()
    table = (
        c.assign(segments=segments.reindex(c.index).to_numpy())
        .groupby("kind")
        .agg(
            communities=("kind", "size"),
            households=("households", "sum"),
            min_households=("households", "min"),
            max_households=("households", "max"),
            volunteers=("volunteers", "sum"),
            teams=("teams", "sum"),
            buildings=("buildings", "sum"),
            path_segments=("segments", "sum"),
        )
    )
    total = table.sum()
    total["min_households"] = table["min_households"].min()
    total["max_households"] = table["max_households"].max()
    table.loc["all"] = total
    return table


def files(written: list[Path], subdistrict: SyntheticSubdistrict) -> pd.DataFrame:
    """Each file's size and rows against the limits it is read under."""
    rows = {
        "boundaries.geojson": len(subdistrict.boundaries),
        "buildings.geojson": len(subdistrict.buildings),
        "paths.geojson": len(subdistrict.paths),
        "households.csv": len(subdistrict.households),
        "volunteers.csv": len(subdistrict.volunteers),
    }
    records = []
    for path in written:
        limits = LIMITS[FILE_KINDS[path.name]]
        size = path.stat().st_size
        records.append(
            {
                "file": path.name,
                "MiB": round(size / MIB, 2),
                "limit MiB": limits.max_bytes // MIB,
                "rows": rows[path.name],
                "limit rows": limits.max_rows,
                "within limits": size <= limits.max_bytes and rows[path.name] <= limits.max_rows,
            }
        )
    return pd.DataFrame(records)


def markdown(frame: pd.DataFrame) -> str:
    """A frame as a markdown table (numbers with thousands separators)."""

    def cell(value: object) -> str:
        if isinstance(value, float):
            return f"{value:,.2f}"
        if isinstance(value, int) and not isinstance(value, bool):
            return f"{value:,}"
        return str(value)

    lines = ["| " + " | ".join(map(str, frame.columns)) + " |"]
    lines.append("|" + "---|" * len(frame.columns))
    for record in frame.itertuples(index=False):
        lines.append("| " + " | ".join(cell(v.item() if hasattr(v, "item") else v)
                                       for v in record) + " |")  # fmt: skip
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="directory for the files")
    parser.add_argument("--communities", type=int, default=FULL.communities)
    parser.add_argument("--seed", type=int, default=FULL.seed)
    args = parser.parse_args()
    load_before = os.getloadavg()
    started = time.perf_counter()
    subdistrict = synthetic_subdistrict(options(args.communities, args.seed))
    generated = time.perf_counter()
    written = write_subdistrict(args.out, subdistrict)
    done = time.perf_counter()
    load_after = os.getloadavg()

    print(f"## Synthetic sub-district, seed {args.seed}, written to {args.out}\n")
    print(subdistrict.summary() + "\n")
    print(markdown(by_kind(subdistrict).reset_index()) + "\n")
    print(markdown(files(written, subdistrict)) + "\n")
    timing = pd.DataFrame(
        {
            "step": ["generate", "write", "total"],
            "seconds": [generated - started, done - generated, done - started],
        }
    )
    print(markdown(timing) + "\n")
    print(
        "load average (1, 5, 15 min): before "
        + ", ".join(f"{x:.2f}" for x in load_before)
        + "; after "
        + ", ".join(f"{x:.2f}" for x in load_after)
        + f" on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
