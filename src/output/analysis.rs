//! The files of the analyses: the audit's tables and correlation chart, the uncertainty
//! analysis's rank intervals and chart, the sensitivity indices. Each function returns the
//! files (path in the output directory, bytes) for `write_atomically`.

use crate::audit::Audit;
use crate::chart::{Chart, Intervals};
use crate::pipeline::Results;
use crate::report::correlation_chart;
use crate::report::i18n::words;
use crate::uncertainty::{MonteCarlo, Sensitivity};

use super::OutputError;

/// A file to write: its path in the output directory and its bytes.
pub type File = (String, Vec<u8>);

/// The audit's tables and the correlation chart of `year` (a panel position).
pub fn audit_files(
    results: &Results,
    audit: &Audit,
    year: usize,
    lang: &str,
) -> Result<Vec<File>, OutputError> {
    let mut files = audit_tables(audit).map_err(|e| OutputError::Render {
        what: "the audit tables".into(),
        message: e.to_string(),
    })?;
    let chart = correlation_chart(results, year, lang, words(lang).correlations).render()?;
    let name = format!("charts/correlations-{}", results.panel.years[year]);
    files.push((format!("{name}.svg"), chart.svg.into_bytes()));
    files.push((format!("{name}.png"), chart.png));
    Ok(files)
}

/// The rank intervals of every region and year as CSV and JSON, and the chart of `year` (a
/// panel position).
pub fn uncertainty_files(
    results: &Results,
    mc: &MonteCarlo,
    year: usize,
    lang: &str,
) -> Result<Vec<File>, OutputError> {
    let panel = &results.panel;
    let year = panel.years[year];
    let words = words(lang);
    let mut csv = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| OutputError::Render {
        what: "uncertainty/ranks.csv".into(),
        message: e.to_string(),
    };
    csv.write_record([
        "year",
        "region_code",
        "nominal_rank",
        "median_rank",
        "p05_rank",
        "p95_rank",
        "mean_abs_rank_shift",
        "replications_ranked",
        "replications_failed",
    ])
    .map_err(fail)?;
    for r in &mc.ranks {
        csv.write_record([
            r.year.to_string(),
            r.region.clone(),
            r.nominal.to_string(),
            r.median.to_string(),
            r.p05.to_string(),
            r.p95.to_string(),
            r.mean_abs_shift.to_string(),
            r.ranked.to_string(),
            r.failed.to_string(),
        ])
        .map_err(fail)?;
    }
    let csv = csv
        .into_inner()
        .map_err(|e| fail(csv::Error::from(e.into_error())))?;
    let mut json = serde_json::to_vec_pretty(&mc).map_err(|e| OutputError::Render {
        what: "uncertainty.json".into(),
        message: e.to_string(),
    })?;
    json.push(b'\n');
    let items: Vec<(String, u32, f64, f64, f64)> = mc
        .ranks
        .iter()
        .filter(|r| r.year == year)
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
    let chart = Chart::Intervals(Intervals {
        title: format!(
            "{}, {year}: {} × {}",
            results.spec.framework.nodes[0].name.get(lang).unwrap_or(""),
            mc.replications,
            words.rank
        ),
        items,
        median_label: format!("{} (median, 5–95%)", words.rank),
        nominal_label: format!("{} (nominal)", words.rank),
    })
    .render()?;
    let files = vec![
        ("uncertainty/ranks.csv".to_string(), csv),
        ("uncertainty/uncertainty.json".to_string(), json),
        (
            format!("charts/rank-intervals-{year}.svg"),
            chart.svg.into_bytes(),
        ),
        (format!("charts/rank-intervals-{year}.png"), chart.png),
    ];
    Ok(files)
}

/// The sensitivity indices as CSV and JSON.
pub fn sensitivity_files(s: &Sensitivity) -> Result<Vec<File>, OutputError> {
    let fail = |e: csv::Error| OutputError::Render {
        what: "sensitivity/indices.csv".into(),
        message: e.to_string(),
    };
    let mut csv = csv::Writer::from_writer(Vec::new());
    csv.write_record([
        "year",
        "region_code",
        "factor",
        "first_order",
        "first_order_low",
        "first_order_high",
        "total_effect",
        "total_effect_low",
        "total_effect_high",
    ])
    .map_err(fail)?;
    for r in &s.rows {
        let factor = serde_json::to_value(r.factor)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default();
        csv.write_record([
            if r.region == "all" {
                String::new()
            } else {
                r.year.to_string()
            },
            r.region.clone(),
            factor,
            r.first_order.value.to_string(),
            r.first_order.low.to_string(),
            r.first_order.high.to_string(),
            r.total_effect.value.to_string(),
            r.total_effect.low.to_string(),
            r.total_effect.high.to_string(),
        ])
        .map_err(fail)?;
    }
    let csv = csv
        .into_inner()
        .map_err(|e| fail(csv::Error::from(e.into_error())))?;
    let mut json = serde_json::to_vec_pretty(&s).map_err(|e| OutputError::Render {
        what: "sensitivity.json".into(),
        message: e.to_string(),
    })?;
    json.push(b'\n');
    let files = vec![
        ("sensitivity/indices.csv".to_string(), csv),
        ("sensitivity/sensitivity.json".to_string(), json),
    ];
    Ok(files)
}

/// The audit's tables as CSV files and one JSON document, ready to write.
fn audit_tables(audit: &Audit) -> Result<Vec<(String, Vec<u8>)>, csv::Error> {
    let f = |v: Option<f64>| v.map_or(String::new(), |v| v.to_string());
    let join = |v: &[f64]| {
        v.iter()
            .map(|x| x.to_string())
            .collect::<Vec<_>>()
            .join(";")
    };
    let mut stats = csv::Writer::from_writer(Vec::new());
    stats.write_record([
        "indicator",
        "year",
        "availability",
        "n",
        "mean",
        "sd",
        "min",
        "max",
        "skewness",
        "kurtosis",
        "outlier",
    ])?;
    for s in &audit.statistics {
        stats.write_record([
            s.indicator.clone(),
            s.year.to_string(),
            s.availability.to_string(),
            s.n.to_string(),
            f(s.mean),
            f(s.sd),
            f(s.min),
            f(s.max),
            f(s.skewness),
            f(s.kurtosis),
            s.outlier.to_string(),
        ])?;
    }
    let mut corr = csv::Writer::from_writer(Vec::new());
    corr.write_record([
        "year",
        "group",
        "a",
        "b",
        "relation",
        "n",
        "pearson",
        "spearman",
        "p_value",
        "negative",
        "weak",
        "redundant",
    ])?;
    for c in &audit.correlations {
        corr.write_record([
            c.year.to_string(),
            c.group.clone(),
            c.a.clone(),
            c.b.clone(),
            c.relation.to_string(),
            c.n.to_string(),
            f(c.pearson),
            f(c.spearman),
            f(c.p_value),
            c.negative.to_string(),
            c.weak.to_string(),
            c.redundant.to_string(),
        ])?;
    }
    let mut groups = csv::Writer::from_writer(Vec::new());
    groups.write_record([
        "year",
        "group",
        "children",
        "n",
        "cronbach_alpha",
        "first_share",
        "eigenvalues",
        "loadings",
    ])?;
    for g in &audit.groups {
        groups.write_record([
            g.year.to_string(),
            g.group.clone(),
            g.children.join(";"),
            g.n.to_string(),
            f(g.cronbach_alpha),
            f(g.first_share),
            join(&g.eigenvalues),
            join(&g.loadings),
        ])?;
    }
    let inner =
        |w: csv::Writer<Vec<u8>>| w.into_inner().map_err(|e| csv::Error::from(e.into_error()));
    let mut json =
        serde_json::to_vec_pretty(audit).map_err(|e| csv::Error::from(std::io::Error::other(e)))?;
    json.push(b'\n');
    Ok(vec![
        ("audit/statistics.csv".into(), inner(stats)?),
        ("audit/correlations.csv".into(), inner(corr)?),
        ("audit/groups.csv".into(), inner(groups)?),
        ("audit/audit.json".into(), json),
    ])
}
