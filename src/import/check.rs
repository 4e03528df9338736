//! The check of an import from COINr's workbook: the imported spec computed by cwi's engine,
//! and every data set the coin built compared, value by value, with what cwi computes at the
//! same stage; then the index's ranks. The first difference names the stage, the unit, the
//! indicator or aggregate, both values and the COINr parameter that most likely explains it.

use std::collections::HashMap;

use super::ImportError;
use super::workbook::{Stage, close};
use crate::diagnostic::{Code, Diagnostic};
use crate::pipeline::Results;

/// What the check compared.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Per data set, the values compared.
    pub stages: Vec<(String, usize)>,
    /// The units whose index rank was compared.
    pub ranks: usize,
}

/// The COINr parameter a difference at a stage most likely comes from.
fn parameter(stage: &str) -> &'static str {
    match stage {
        "Raw" | "Denominated" => {
            "Denominate: the Denominator column of Meta.Ind and the denominators of Meta.Unit"
        }
        "Imputed" => "Impute: f_i and use_group (--impute, --group)",
        "Screened" => "Screen: dat_thresh and unit_screen (--screen)",
        "Treated" => "Treat: winmax and the skewness and kurtosis thresholds (--treat)",
        "Normalised" => "Normalise: f_n and f_n_para (min-max onto the range of Data.Normalised)",
        _ => "Aggregate: f_ag (a_amean, weighted arithmetic means) and the weights of Meta.Ind",
    }
}

/// Computes the imported spec on its data and compares every stage of the workbook.
pub fn check(
    workbook: &str,
    spec: &str,
    data: &str,
    stages: &[Stage],
) -> Result<Checked, ImportError> {
    let fail = |message: String, hint: &str| ImportError::Invalid {
        problems: vec![Diagnostic::new(Code::BadParameter, workbook, message).hint(hint)],
    };
    let dir = scratch().map_err(|e| {
        fail(
            format!("cannot make a scratch directory: {e}"),
            "check TMPDIR",
        )
    })?;
    let (spec_path, data_path) = (dir.0.join("spec.toml"), dir.0.join("data.csv"));
    std::fs::write(&spec_path, spec)
        .and_then(|()| std::fs::write(&data_path, data))
        .map_err(|e| {
            fail(
                format!("cannot write the scratch files: {e}"),
                "check TMPDIR",
            )
        })?;
    let parsed = crate::spec::load(&spec_path).map_err(|e| {
        fail(
            format!("the imported spec does not read: {e}"),
            "report this: the import wrote a spec cwi refuses",
        )
    })?;
    let results = crate::pipeline::run(parsed, &[&data_path]).map_err(|e| {
        fail(
            format!("the imported spec does not compute on the workbook's data: {e}"),
            "import with --no-check to write the spec and data as they are, and see `cwi validate`",
        )
    })?;
    compare(workbook, &results, stages)
}

/// A directory removed when dropped.
struct Scratch(std::path::PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn scratch() -> std::io::Result<Scratch> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!("cwi-import-{}-{stamp}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(Scratch(dir))
}

/// The first difference between the workbook's data sets and cwi's, at its sheet, unit and
/// column, or what agreed: data set by data set (`Cwi::same_units`, `Cwi::same_values`), then
/// the index's ranks (`Cwi::same_ranks`).
fn compare(workbook: &str, r: &Results, stages: &[Stage]) -> Result<Checked, ImportError> {
    let cwi = Cwi::new(workbook, r);
    let mut checked = Checked {
        stages: Vec::new(),
        ranks: 0,
    };
    // Raw is the data the import writes; Denominated and later are cwi's stages.
    let denominated = stages.iter().any(|s| s.name == "Denominated");
    for stage in stages {
        if stage.name == "Raw" && denominated {
            continue;
        }
        cwi.same_units(stage)?;
        let n = cwi.same_values(stage)?;
        checked.stages.push((stage.name.clone(), n));
    }
    checked.ranks = cwi.same_ranks(stages.last().expect("a build has stages"))?;
    Ok(checked)
}

/// cwi's results, looked up as the workbook's data sets name them.
struct Cwi<'a> {
    workbook: &'a str,
    r: &'a Results,
    units: HashMap<&'a str, usize>,
    indicator: HashMap<&'a str, usize>,
    /// Imputed values, from the log.
    imputed: HashMap<(usize, usize), f64>,
    /// The units screening left out, from the log.
    screened: Vec<usize>,
    after_imputation: bool,
}

impl<'a> Cwi<'a> {
    fn new(workbook: &'a str, r: &'a Results) -> Self {
        let panel = &r.panel;
        let units: HashMap<&str, usize> = (0..panel.units.len())
            .map(|u| (panel.units.get(u).code.as_str(), u))
            .collect();
        let indicator: HashMap<&str, usize> = panel
            .indicators
            .iter()
            .enumerate()
            .map(|(i, id)| (id.as_str(), i))
            .collect();
        let mut imputed: HashMap<(usize, usize), f64> = HashMap::new();
        for c in &r.log.imputed {
            imputed.insert(
                (units[c.region.as_str()], indicator[c.indicator.as_str()]),
                c.after,
            );
        }
        let screened: Vec<usize> = r
            .log
            .screened
            .iter()
            .map(|s| units[s.region.as_str()])
            .collect();
        let after_imputation = r
            .recipe
            .screening
            .is_some_and(|s| s.when == crate::spec::ScreenWhen::AfterImputation);
        Cwi {
            workbook,
            r,
            units,
            indicator,
            imputed,
            screened,
            after_imputation,
        }
    }

    /// cwi's value of a column (an indicator, or an aggregate in Data.Aggregated) for a unit
    /// at a stage; `Err` when the column is neither.
    fn value(&self, stage: &str, u: usize, code: &str) -> Result<Option<f64>, ()> {
        let (r, panel) = (self.r, &self.r.panel);
        if let Some(&i) = self.indicator.get(code) {
            let plain = panel.get(0, u, i);
            let imputed = || plain.or(self.imputed.get(&(u, i)).copied());
            return Ok(match stage {
                "Raw" | "Denominated" => plain,
                "Imputed" => imputed(),
                "Screened" if self.after_imputation => imputed(),
                "Screened" => plain,
                "Treated" => r.treated.as_ref().unwrap_or(panel).get(0, u, i),
                _ => r.normalised.get(0, u, i),
            });
        }
        match (stage, r.spec.framework.position(code)) {
            ("Aggregated", Some(node)) => Ok(r.scores.get(node, 0, u)),
            _ => Err(()),
        }
    }

    /// The refusal of the import at a data set, with the COINr parameter likely behind it.
    fn differs(&self, stage: &Stage, message: String) -> ImportError {
        ImportError::Invalid {
            problems: vec![
                Diagnostic::new(Code::BadParameter, format!("{}, sheet Data.{}", self.workbook, stage.name), message)
                    .hint(format!(
                        "the likely parameter is {}; import with the option that says it, or --no-check to write the spec as it is",
                        parameter(&stage.name)
                    )),
            ],
        }
    }

    /// The data set has the units cwi has at that stage: all but those screening left out,
    /// from Screen on.
    fn same_units(&self, stage: &Stage) -> Result<(), ImportError> {
        let panel = &self.r.panel;
        let screened_by_now = match stage.name.as_str() {
            "Raw" | "Denominated" => false,
            "Imputed" => !self.after_imputation,
            _ => true,
        };
        for u in 0..panel.units.len() {
            let code = panel.units.get(u).code.as_str();
            let in_sheet = stage.unit(code).is_some();
            let in_cwi = !(screened_by_now && self.screened.contains(&u));
            if in_sheet != in_cwi {
                let (kept, left) = if in_sheet {
                    ("keeps", "leaves it out")
                } else {
                    ("leaves out", "keeps it")
                };
                return Err(self.differs(
                    stage,
                    format!("Data.{} {kept} unit {code}; cwi {left}", stage.name),
                ));
            }
        }
        Ok(())
    }

    /// Every value of the data set equals cwi's (`close`); how many were compared.
    fn same_values(&self, stage: &Stage) -> Result<usize, ImportError> {
        let mut n = 0;
        for (k, code) in stage.units.iter().enumerate() {
            let Some(&u) = self.units.get(code.as_str()) else {
                return Err(self.differs(
                    stage,
                    format!(
                        "unit {code} (row {}) is not a unit of the import",
                        stage.rows[k]
                    ),
                ));
            };
            for (c, column) in stage.columns.iter().enumerate() {
                let Ok(ours) = self.value(&stage.name, u, column) else {
                    return Err(self.differs(
                        stage,
                        format!(
                            "column {column} is neither an indicator nor an aggregate of the import"
                        ),
                    ));
                };
                let theirs = stage.values[k][c];
                let same = match (theirs, ours) {
                    (Some(a), Some(b)) => close(a, b),
                    (None, None) => true,
                    _ => false,
                };
                if !same {
                    let show = |v: Option<f64>| v.map_or("NA".to_string(), |v| format!("{v}"));
                    return Err(self.differs(
                        stage,
                        format!(
                            "the first difference: unit {code} (row {}), {column}: COINr {}, cwi {}",
                            stage.rows[k],
                            show(theirs),
                            show(ours)
                        ),
                    ));
                }
                n += 1;
            }
        }
        Ok(n)
    }

    /// The index's ranks in the last data set equal cwi's; how many were compared. COINr
    /// ranks the highest score first, ties sharing the best rank.
    fn same_ranks(&self, last: &Stage) -> Result<usize, ImportError> {
        let r = self.r;
        let root = r.spec.framework.root().id.clone();
        let node = r
            .spec
            .framework
            .position(&root)
            .expect("the root is a node");
        let Some(c) = last.column(&root) else {
            return Err(self.differs(last, format!("no column for the index {root}")));
        };
        let mut ranks = 0;
        for (k, code) in last.units.iter().enumerate() {
            let u = self.units[code.as_str()];
            let Some(score) = last.values[k][c] else {
                continue;
            };
            let theirs = 1 + last
                .values
                .iter()
                .filter(|v| v[c].is_some_and(|o| o > score && !close(o, score)))
                .count() as u32;
            let ours = r.rank(node, 0, u);
            if ours != Some(crate::rank::Rank::whole(theirs)) {
                return Err(self.differs(
                    last,
                    format!(
                        "unit {code}: COINr's rank of {root} is {theirs}, cwi's {}",
                        ours.map_or("none".into(), |v| v.to_string())
                    ),
                ));
            }
            ranks += 1;
        }
        Ok(ranks)
    }
}
