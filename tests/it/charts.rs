//! Every chart of the report can be read: each label inside the canvas, no line through a
//! label, no two name labels the same text. The label boxes are measured with the embedded
//! font where the chart draws them (`Chart::layout`), for the Kazakhstan sample in each
//! language, and for regions whose long names share a long beginning.

use crate::common::root;

fn results(spec: &std::path::Path, data: &[std::path::PathBuf]) -> cwi::pipeline::Results {
    let spec = cwi::spec::load(spec).unwrap();
    cwi::pipeline::run(spec, data).unwrap()
}

/// Every problem of every chart of a report, as "chart: problem".
fn problems(r: &cwi::pipeline::Results, lang: &str, node: Option<&str>) -> Vec<String> {
    let ctx = cwi::report::Context::new(r, lang, None, node).unwrap();
    let mut out = Vec::new();
    let charts = ctx.charts().unwrap();
    assert!(charts.len() > 20);
    for (name, chart) in &charts {
        let layout = chart.layout().unwrap();
        assert!(!layout.labels.is_empty(), "{name} has no labels");
        // The lines are recorded too (the charts with grid, marker or series lines), or
        // none could be found running through a label.
        if ["ranking-", "profile-", "trends-", "slope-"]
            .iter()
            .any(|k| name.starts_with(k))
        {
            assert!(!layout.segments.is_empty(), "{name} has no lines");
        }
        out.extend(
            layout
                .problems()
                .into_iter()
                .map(|p| format!("{lang} {name}: {p}")),
        );
    }
    out
}

#[test]
fn every_chart_of_the_sample_report_can_be_read() {
    let data: Vec<_> = ["statistics.csv", "surveys.csv", "before-2022.csv"]
        .iter()
        .map(|f| root().join("data-samples/kz").join(f))
        .collect();
    let r = results(&root().join("indicators/kz-cwi.toml"), &data);
    let mut all = Vec::new();
    for lang in ["kk", "ru", "en"] {
        all.extend(problems(&r, lang, None));
    }
    all.extend(problems(&r, "ru", Some("family")));
    assert!(
        all.is_empty(),
        "{} problem(s):\n{}",
        all.len(),
        all.join("\n")
    );
}

/// Names sharing a long beginning stay apart in every chart that lists regions: the ranking,
/// the heatmap and the rank intervals shorten them in the middle, to the width they have.
#[test]
fn long_names_that_share_a_beginning_stay_apart() {
    use cwi::chart::{Chart, Heatmap, Intervals, Ranking};
    let names: Vec<String> = ["North", "South", "East", "West"]
        .iter()
        .map(|d| format!("Special administrative territory of the federal district, {d} part"))
        .collect();
    let charts = [
        Chart::Ranking(Ranking {
            title: "Index, 2024".into(),
            bars: names
                .iter()
                .enumerate()
                .map(|(k, n)| (n.clone(), Some(40.0 + 10.0 * k as f64)))
                .collect(),
            average: Some(55.0),
            average_label: "national average".into(),
            no_data: "no data".into(),
            scale: (0.0, 100.0),
        }),
        Chart::Heatmap(Heatmap {
            title: "Directions, 2024".into(),
            columns: vec!["Health".into(), "Education".into()],
            rows: names
                .iter()
                .map(|n| (n.clone(), vec![Some(50.0), None]))
                .collect(),
            scale: (0.0, 100.0),
            cell_width: 124,
            decimals: 1,
        }),
        Chart::Intervals(Intervals {
            title: "Index, 2024: ranks in 1000 runs".into(),
            items: names
                .iter()
                .enumerate()
                .map(|(k, n)| {
                    let nominal = cwi::rank::Rank::whole(k as u32 + 1);
                    (n.clone(), nominal, k as f64 + 1.0, 1.0, 4.0)
                })
                .collect(),
            median_label: "median rank, with the range of 90% of runs".into(),
            nominal_label: "rank as computed".into(),
        }),
    ];
    for chart in &charts {
        let layout = chart.layout().unwrap();
        assert!(
            layout.problems().is_empty(),
            "{}: {:?}",
            chart.name(),
            layout.problems()
        );
        // Each region's label is there, shortened, ending as its name ends.
        for (name, d) in names.iter().zip(["North", "South", "East", "West"]) {
            let shown: Vec<&str> = layout
                .labels
                .iter()
                .map(|l| l.text.as_str())
                .filter(|t| t.starts_with("Special") && t.contains(d))
                .collect();
            assert_eq!(shown.len(), 1, "{}: {d}: {shown:?}", chart.name());
            assert!(
                shown[0].len() < name.len() && shown[0].contains('…'),
                "{}",
                shown[0]
            );
        }
    }
}
