"""cwi's `compute` and the same job as a polars lazy query and a DuckDB query, measured side by
side in one run, on the large panel of `benches/large.rs` (3,000 regions x 200 indicators x 20
years, long CSV and Parquet), whole process each (start, read, compute, write one Parquet
table), on the same machine in the same minutes. Also checks that the three agree: the index's
scores to 1e-9 and its ranks exactly.

    cargo build --release
    cargo bench --bench large -- 'polars read CSV'   # writes target/bench-data/ once
    pip install polars duckdb
    python3 benches/peers/run.py [--repeat 5]

Prints a Markdown table (minimum and median seconds, and each peer's time over cwi's) for
docs/performance.md.
"""

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "target" / "bench-data"
CWI = ROOT / "target" / "release" / "cwi"
HERE = Path(__file__).resolve().parent


def timed(command: list[str], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    spec, csv, parquet = DATA / "large.toml", DATA / "large.csv", DATA / "large.parquet"
    for needed in (spec, csv, parquet, CWI):
        if not needed.exists():
            sys.exit(f"{needed} is missing: see this script's first lines")
    try:
        import duckdb  # noqa: F401
        import polars as pl
    except ImportError as e:
        sys.exit(f"{e}: pip install polars duckdb")

    work = Path(tempfile.mkdtemp(prefix="cwi-peers-"))
    rows = []
    try:
        for source in (csv, parquet):
            kind = source.suffix[1:].upper()
            out = work / f"cwi-{kind}"
            runs = {
                "cwi": [str(CWI), "compute", "--spec", str(spec), "--data", str(source),
                        "--out", str(out), "--formats", "parquet"],
                "polars": [sys.executable, str(HERE / "polars_job.py"), str(source),
                           str(work / f"polars-{kind}.parquet")],
                "duckdb": [sys.executable, str(HERE / "duckdb_job.py"), str(source),
                           str(work / f"duckdb-{kind}.parquet")],
            }
            times = {name: timed(command, args.repeat) for name, command in runs.items()}
            ours = pl.read_parquet(out / "scores.parquet").filter(pl.col("node_id") == "large")
            ours = ours.select(
                "year", pl.col("region_code").cast(pl.String).alias("region"),
                pl.col("score").alias("ours"), pl.col("rank").alias("our_rank"))
            for peer in ("polars", "duckdb"):
                theirs = pl.read_parquet(work / f"{peer}-{kind}.parquet").filter(
                    pl.col("node") == "large")
                joined = ours.join(theirs, on=["year", "region"])
                assert joined.height == ours.height == 3000 * 20, (peer, joined.height)
                diff = (joined["ours"] - joined["score"]).abs().max()
                assert diff < 1e-9, (peer, diff)
                assert (joined["our_rank"] == joined["rank"]).all(), peer
            base = min(times["cwi"])
            for name, t in times.items():
                rows.append((kind, name, min(t), statistics.median(t), min(t) / base))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"| input | tool | min s | median s | min / cwi's |  ({args.repeat} runs each)")
    print("|---|---|---|---|---|")
    for kind, name, low, mid, ratio in rows:
        print(f"| {kind} | {name} | {low:.2f} | {mid:.2f} | {ratio:.2f}x |")


if __name__ == "__main__":
    main()
