//! The files of the analyses: the audit's tables and correlation chart, the uncertainty
//! analysis's rank intervals and chart, the sensitivity indices. Each function returns the
//! files (path in the output directory, bytes) for `write_atomically`.

use crate::audit::Audit;
use crate::audit::correlation_chart;
use crate::chart::{Chart, Intervals};
use crate::i18n::words;
use crate::named::Named;
use crate::pipeline::Results;
use crate::rank::Rank;
use crate::uncertainty::{MonteCarlo, Sensitivity};

use super::table::{Table, Values};
use super::{Format, OutputError};

pub use super::table::File;

/// An analysis's tables and its JSON document in the formats asked for, in a fixed order:
/// each table in `Format::ALL`'s order, then the document (`path`, rendered only when JSON
/// is asked for). Every format is matched, here and in `Table::file`: a new format does not
/// compile until it says what it writes, instead of silently writing nothing.
fn tables_and_document<T: serde::Serialize>(
    tables: &[&Table],
    path: &str,
    document: &T,
    formats: &[Format],
) -> Result<Vec<File>, OutputError> {
    let asked = || Format::ALL.iter().copied().filter(|f| formats.contains(f));
    let mut files = Vec::new();
    for table in tables {
        for format in asked() {
            files.extend(table.file(format)?);
        }
    }
    for format in asked() {
        match format {
            Format::Json => {
                let mut json =
                    serde_json::to_vec_pretty(document).map_err(|e| OutputError::Render {
                        what: path.to_string(),
                        message: e.to_string(),
                    })?;
                json.push(b'\n');
                files.push((path.to_string(), json));
            }
            // The tables' files are written above.
            Format::Csv | Format::Parquet => {}
            // The report's formats are not an analysis's: refused (the command line refuses
            // them first), never written as nothing.
            Format::Html | Format::Xlsx => {
                return Err(OutputError::Render {
                    what: path.to_string(),
                    message: format!(
                        "{} is a file of cwi report; an analysis writes csv, json or parquet",
                        format.name()
                    ),
                });
            }
        }
    }
    Ok(files)
}

/// The audit's tables and the correlation chart of `year` (a panel position).
pub fn audit_files(
    results: &Results,
    audit: &Audit,
    year: usize,
    lang: &str,
    formats: &[Format],
) -> Result<Vec<File>, OutputError> {
    let mut files = audit_tables(audit, formats)?;
    let chart = correlation_chart(results, year, lang, words(lang).correlations).render()?;
    let name = format!("charts/correlations-{}", results.panel.years[year]);
    files.push((format!("{name}.svg"), chart.svg.into_bytes()));
    files.push((format!("{name}.png"), chart.png));
    Ok(files)
}

/// The rank intervals of every region and year as CSV and JSON, and the chart of `year` (a
/// panel position).
/// The most regions the rank-interval chart draws; more are sampled evenly by rank.
pub const CHART_REGIONS: usize = 100;

pub fn uncertainty_files(
    results: &Results,
    mc: &MonteCarlo,
    year: usize,
    lang: &str,
    formats: &[Format],
) -> Result<Vec<File>, OutputError> {
    let panel = &results.panel;
    let year = panel.years[year];
    let words = words(lang);
    let int = |f: &dyn Fn(&crate::uncertainty::RankSummary) -> i64| {
        Values::Int(mc.ranks.iter().map(|r| Some(f(r))).collect())
    };
    let halves = results.recipe.ranking.ties.is_average();
    let rank = |f: &dyn Fn(&crate::uncertainty::RankSummary) -> Rank| Values::Ranks {
        ranks: mc.ranks.iter().map(|r| Some(f(r))).collect(),
        halves,
    };
    let float = |f: &dyn Fn(&crate::uncertainty::RankSummary) -> f64| {
        Values::Float(mc.ranks.iter().map(|r| Some(f(r))).collect())
    };
    let table = Table {
        name: "uncertainty/ranks",
        columns: vec![
            ("year", int(&|r| i64::from(r.year))),
            (
                "node_id",
                Values::Code(mc.ranks.iter().map(|r| r.node.clone()).collect()),
            ),
            (
                "region_code",
                Values::Code(mc.ranks.iter().map(|r| r.region.clone()).collect()),
            ),
            ("nominal_rank", rank(&|r| r.nominal)),
            ("median_rank", float(&|r| r.median)),
            ("p05_rank", float(&|r| r.p05)),
            ("p95_rank", float(&|r| r.p95)),
            ("mean_abs_rank_shift", float(&|r| r.mean_abs_shift)),
            ("replications_ranked", int(&|r| r.ranked as i64)),
            ("replications_failed", int(&|r| r.failed as i64)),
        ],
    };
    let mut files = tables_and_document(&[&table], "uncertainty/uncertainty.json", mc, formats)?;
    let mut items: Vec<(String, Rank, f64, f64, f64)> = mc
        .ranks
        .iter()
        .filter(|r| r.year == year && r.node == results.spec.framework.nodes[0].id)
        .map(|r| {
            let u = panel
                .units
                .find(&r.region)
                .expect("ranked regions are units");
            let name = panel
                .units
                .get(u)
                .name
                .get(lang)
                .unwrap_or(&r.region)
                .to_string();
            (name, r.nominal, r.median, r.p05, r.p95)
        })
        .collect();
    if items.is_empty() {
        return Err(OutputError::Render {
            what: format!("charts/rank-intervals-{year}"),
            message: format!("no region has a rank in {year}"),
        });
    }
    // A chart of every census tract would be a bitmap of gigabytes that no one can read:
    // above CHART_REGIONS regions it shows that many, evenly spaced by nominal rank (the
    // first and the last among them), and says so. The table keeps every region.
    let all = items.len();
    let mut sampled = String::new();
    if all > CHART_REGIONS {
        items.sort_by_key(|i| i.1);
        items = (0..CHART_REGIONS)
            .map(|k| items[k * (all - 1) / (CHART_REGIONS - 1)].clone())
            .collect();
        sampled = format!(
            " ({})",
            words
                .regions_sampled
                .replace("{shown}", &CHART_REGIONS.to_string())
                .replace("{all}", &all.to_string())
        );
    }
    let chart = Chart::Intervals(Intervals {
        title: format!(
            "{}, {year}: {}{sampled}",
            results.spec.framework.nodes[0].name.get(lang).unwrap_or(""),
            words
                .ranks_over_replications
                .replace("{n}", &mc.replications.to_string())
        ),
        items,
        median_label: words.median_rank.to_string(),
        nominal_label: words.nominal_rank.to_string(),
    })
    .render()?;
    files.push((
        format!("charts/rank-intervals-{year}.svg"),
        chart.svg.into_bytes(),
    ));
    files.push((format!("charts/rank-intervals-{year}.png"), chart.png));
    Ok(files)
}

/// The sensitivity indices as CSV and JSON.
pub fn sensitivity_files(s: &Sensitivity, formats: &[Format]) -> Result<Vec<File>, OutputError> {
    let float = |f: &dyn Fn(&crate::uncertainty::SensitivityRow) -> Option<f64>| {
        Values::Float(s.rows.iter().map(f).collect())
    };
    let table = Table {
        name: "sensitivity/indices",
        columns: vec![
            (
                "year",
                // The indices over all regions and years have no year.
                Values::Int(
                    s.rows
                        .iter()
                        .map(|r| (r.region != "all").then_some(i64::from(r.year)))
                        .collect(),
                ),
            ),
            (
                "region_code",
                Values::Code(s.rows.iter().map(|r| r.region.clone()).collect()),
            ),
            (
                "factor",
                Values::Code(
                    s.rows
                        .iter()
                        .map(|r| {
                            serde_json::to_value(r.factor)
                                .ok()
                                .and_then(|v| v.as_str().map(str::to_string))
                                .unwrap_or_default()
                        })
                        .collect(),
                ),
            ),
            ("first_order", float(&|r| r.first_order.map(|e| e.value))),
            ("first_order_low", float(&|r| r.first_order.map(|e| e.low))),
            (
                "first_order_high",
                float(&|r| r.first_order.map(|e| e.high)),
            ),
            ("total_effect", float(&|r| r.total_effect.map(|e| e.value))),
            (
                "total_effect_low",
                float(&|r| r.total_effect.map(|e| e.low)),
            ),
            (
                "total_effect_high",
                float(&|r| r.total_effect.map(|e| e.high)),
            ),
            ("moved", float(&|r| Some(r.moved))),
            ("first_order_sum", float(&|r| r.first_order_sum)),
            (
                "note",
                Values::Text(
                    s.rows
                        .iter()
                        .map(|r| r.note.clone().unwrap_or_default())
                        .collect(),
                ),
            ),
        ],
    };
    tables_and_document(&[&table], "sensitivity/sensitivity.json", s, formats)
}

/// The audit's tables in the formats asked for, and its JSON document.
fn audit_tables(audit: &Audit, formats: &[Format]) -> Result<Vec<File>, OutputError> {
    tables_and_document(
        &[
            &statistics_table(audit),
            &correlations_table(audit),
            &groups_table(audit),
        ],
        "audit/audit.json",
        audit,
        formats,
    )
}

/// `audit/statistics`: each indicator's statistics per year.
fn statistics_table(audit: &Audit) -> Table {
    let st = &audit.statistics;
    Table {
        name: "audit/statistics",
        columns: vec![
            (
                "indicator",
                Values::Code(st.iter().map(|s| s.indicator.clone()).collect()),
            ),
            (
                "year",
                Values::Int(st.iter().map(|s| Some(i64::from(s.year))).collect()),
            ),
            (
                "availability",
                Values::Float(st.iter().map(|s| Some(s.availability)).collect()),
            ),
            (
                "n",
                Values::Int(st.iter().map(|s| Some(s.n as i64)).collect()),
            ),
            ("mean", Values::Float(st.iter().map(|s| s.mean).collect())),
            ("sd", Values::Float(st.iter().map(|s| s.sd).collect())),
            ("min", Values::Float(st.iter().map(|s| s.min).collect())),
            ("max", Values::Float(st.iter().map(|s| s.max).collect())),
            (
                "skewness",
                Values::Float(st.iter().map(|s| s.skewness).collect()),
            ),
            (
                "kurtosis",
                Values::Float(st.iter().map(|s| s.kurtosis).collect()),
            ),
            (
                "outlier",
                Values::Bool(st.iter().map(|s| s.outlier).collect()),
            ),
        ],
    }
}

/// `audit/correlations`: each pair of indicators (or a node and its children) per year.
fn correlations_table(audit: &Audit) -> Table {
    let co = &audit.correlations;
    Table {
        name: "audit/correlations",
        columns: vec![
            (
                "year",
                Values::Int(co.iter().map(|c| Some(i64::from(c.year))).collect()),
            ),
            (
                "group",
                Values::Code(co.iter().map(|c| c.group.clone()).collect()),
            ),
            ("a", Values::Code(co.iter().map(|c| c.a.clone()).collect())),
            ("b", Values::Code(co.iter().map(|c| c.b.clone()).collect())),
            (
                "relation",
                Values::Code(co.iter().map(|c| c.relation.to_string()).collect()),
            ),
            (
                "n",
                Values::Int(co.iter().map(|c| Some(c.n as i64)).collect()),
            ),
            (
                "pearson",
                Values::Float(co.iter().map(|c| c.pearson).collect()),
            ),
            (
                "spearman",
                Values::Float(co.iter().map(|c| c.spearman).collect()),
            ),
            (
                "p_value",
                Values::Float(co.iter().map(|c| c.p_value).collect()),
            ),
            (
                "negative",
                Values::Bool(co.iter().map(|c| c.negative).collect()),
            ),
            ("weak", Values::Bool(co.iter().map(|c| c.weak).collect())),
            (
                "redundant",
                Values::Bool(co.iter().map(|c| c.redundant).collect()),
            ),
        ],
    }
}

/// `audit/groups`: each group's consistency and principal components per year.
fn groups_table(audit: &Audit) -> Table {
    let join = |v: &[f64]| {
        v.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(";")
    };
    let gr = &audit.groups;
    Table {
        name: "audit/groups",
        columns: vec![
            (
                "year",
                Values::Int(gr.iter().map(|g| Some(i64::from(g.year))).collect()),
            ),
            (
                "group",
                Values::Code(gr.iter().map(|g| g.group.clone()).collect()),
            ),
            (
                "children",
                Values::Text(gr.iter().map(|g| g.children.join(";")).collect()),
            ),
            (
                "n",
                Values::Int(gr.iter().map(|g| Some(g.n as i64)).collect()),
            ),
            (
                "cronbach_alpha",
                Values::Float(gr.iter().map(|g| g.cronbach_alpha).collect()),
            ),
            (
                "first_share",
                Values::Float(gr.iter().map(|g| g.first_share).collect()),
            ),
            (
                "eigenvalues",
                Values::Text(gr.iter().map(|g| join(&g.eigenvalues)).collect()),
            ),
            (
                "loadings",
                Values::Text(gr.iter().map(|g| join(&g.loadings)).collect()),
            ),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::{Format, Table, Values, tables_and_document};
    use crate::named::Named;

    /// Every format asked for writes something: each table's file, or the document. A new
    /// format that matched to nothing would fail here.
    #[test]
    fn every_format_writes_its_files() {
        let t = Table {
            name: "a/t",
            columns: vec![("year", Values::Int(vec![Some(2024)]))],
        };
        for &format in Format::ALL {
            let files =
                tables_and_document(&[&t], "a/doc.json", &serde_json::json!({"n": 1}), &[format]);
            let expected = match format {
                Format::Csv => "a/t.csv",
                Format::Json => "a/doc.json",
                Format::Parquet => "a/t.parquet",
                Format::Html | Format::Xlsx => {
                    let e = files.unwrap_err().to_string();
                    assert!(e.contains("a file of cwi report"), "{e}");
                    continue;
                }
            };
            let files = files.unwrap();
            let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
            assert_eq!(names, [expected], "{}", format.name());
        }
        let all = tables_and_document(&[&t], "a/doc.json", &1, Format::TABLES).unwrap();
        let names: Vec<&str> = all.iter().map(|f| f.0.as_str()).collect();
        assert_eq!(names, ["a/t.csv", "a/t.parquet", "a/doc.json"]);
    }
}
