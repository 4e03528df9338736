"""The large panel's job as one polars lazy query: the peer cwi's `compute` is measured against.

    python3 benches/peers/polars_job.py target/bench-data/large.csv OUT.parquet

The same job as target/bench-data/large.toml asks of cwi: each indicator min-max normalised onto
[0, 100] per year (flipped for the lower-is-better indicators, every fourth), each group the
mean of its available indicators when they are at least half of them (equal weights), the index
the mean of its groups under the same rule, every node ranked per year (1 = best, tied scores
sharing the lowest rank), one Parquet table out (year, region, node, score, rank).
"""

import sys

import polars as pl


def job(source: str, out: str) -> None:
    scan = pl.scan_csv(source) if source.endswith(".csv") else pl.scan_parquet(source)
    number = pl.col("indicator").str.slice(1).cast(pl.Int32)
    value = pl.col("value")
    lo = value.min().over("indicator", "year")
    hi = value.max().over("indicator", "year")
    spread = hi - lo
    score = (
        pl.when(number % 4 == 0)
        .then((hi - value) / spread * 100.0)
        .otherwise((value - lo) / spread * 100.0)
    )
    indicators = scan.select(
        "year",
        "region",
        pl.col("indicator").alias("node"),
        pl.format("g{}", (number % 10).cast(pl.String).str.zfill(2)).alias("parent"),
        score.alias("score"),
    )

    def mean_of_half(frame: pl.LazyFrame, by: list[str]) -> pl.LazyFrame:
        s = pl.col("score")
        return frame.group_by(by).agg(
            pl.when(s.count() >= 0.5 * s.len()).then(s.mean()).alias("score")
        )

    groups = mean_of_half(indicators, ["year", "region", "parent"]).rename({"parent": "node"})
    index = mean_of_half(groups, ["year", "region"]).with_columns(node=pl.lit("large"))
    columns = ["year", "region", "node", "score"]
    table = pl.concat(
        [indicators.select(columns), groups.select(columns), index.select(columns)]
    ).with_columns(
        rank=pl.col("score")
        .rank("min", descending=True)
        .over("node", "year")
        .cast(pl.Int64)
    )
    table.sink_parquet(out)


if __name__ == "__main__":
    job(sys.argv[1], sys.argv[2])
