"""The large panel's job as one DuckDB query: the peer cwi's `compute` is measured against.

    python3 benches/peers/duckdb_job.py target/bench-data/large.csv OUT.parquet

The same job as polars_job.py (see there): min-max per indicator and year, means of the
available children when they are at least half, ranks per node and year, one Parquet table.
"""

import sys

import duckdb


def job(source: str, out: str) -> None:
    read = "read_csv" if source.endswith(".csv") else "read_parquet"
    con = duckdb.connect()
    con.execute(
        f"""
        COPY (
          WITH data AS (
            SELECT year, region, indicator, value,
                   CAST(substr(indicator, 2) AS INTEGER) AS number
            FROM {read}('{source}')
          ),
          bounds AS (
            SELECT *, min(value) OVER w AS lo, max(value) OVER w AS hi
            FROM data WINDOW w AS (PARTITION BY indicator, year)
          ),
          indicators AS (
            SELECT year, region, indicator AS node,
                   'g' || lpad(CAST(number % 10 AS VARCHAR), 2, '0') AS parent,
                   CASE WHEN number % 4 = 0 THEN (hi - value) / (hi - lo) * 100
                        ELSE (value - lo) / (hi - lo) * 100 END AS score
            FROM bounds
          ),
          groups AS (
            SELECT year, region, parent AS node,
                   CASE WHEN count(score) >= 0.5 * count(*) THEN avg(score) END AS score
            FROM indicators GROUP BY year, region, parent
          ),
          idx AS (
            SELECT year, region, 'large' AS node,
                   CASE WHEN count(score) >= 0.5 * count(*) THEN avg(score) END AS score
            FROM groups GROUP BY year, region
          ),
          nodes AS (
            SELECT year, region, node, score FROM indicators
            UNION ALL SELECT * FROM groups
            UNION ALL SELECT * FROM idx
          )
          SELECT year, region, node, score,
                 CASE WHEN score IS NOT NULL THEN
                   CAST(rank() OVER (PARTITION BY node, year ORDER BY score DESC NULLS LAST)
                        AS BIGINT) END AS rank
          FROM nodes
        ) TO '{out}' (FORMAT parquet)
        """
    )


if __name__ == "__main__":
    job(sys.argv[1], sys.argv[2])
