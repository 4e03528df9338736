//! Sobol indices of every output from the model runs of a sensitivity design: per output
//! (a region-year's rank, and the mean absolute rank shift), how often it moves, its indices
//! with bootstrap intervals when it moves enough to estimate them, and their sum.

use rayon::prelude::*;

use super::{
    Factor, MIN_MOVED, RESAMPLES, Sensitivity, SensitivityRow, UncertaintyError, nominal_ranks,
    sobol,
};
use crate::pipeline::Results;
use crate::spec::Uncertainty;

/// The indices from every model run's ranks, in the design's row order.
pub(super) fn sensitivity_indices(
    results: &Results,
    settings: &Uncertainty,
    factors: &[Factor],
    runs: Vec<Vec<u32>>,
) -> Result<Sensitivity, UncertaintyError> {
    let d = factors.len();
    let n = settings.samples;
    if runs.len() != n * (d + 2) {
        return Err(UncertaintyError::Shards(format!(
            "{} model runs where the design has {}",
            runs.len(),
            n * (d + 2)
        )));
    }
    let nominal = nominal_ranks(results, &[0]);
    let panel = &results.panel;
    let n_units = panel.units.len();
    let outputs: Vec<usize> = (0..nominal.len()).filter(|&o| nominal[o] > 0).collect();
    // Output -> f(A), f(B), f(AB_k); an unranked run counts as the last rank + 1. Runs hold
    // ranks in halves (see `model::Run`).
    let value = |run: &Vec<u32>, o: usize| {
        if run[o] == 0 {
            (n_units + 1) as f64
        } else {
            f64::from(run[o]) / 2.0
        }
    };
    let shift = |run: &Vec<u32>| {
        outputs
            .iter()
            .map(|&o| (value(run, o) - f64::from(nominal[o]) / 2.0).abs())
            .sum::<f64>()
            / outputs.len() as f64
    };
    let mut targets: Vec<(i32, String, Box<dyn Fn(&Vec<u32>) -> f64 + Sync + '_>)> = outputs
        .iter()
        .map(|&o| {
            let (y, u) = (o / n_units, o % n_units);
            let f: Box<dyn Fn(&Vec<u32>) -> f64 + Sync> =
                Box::new(move |run: &Vec<u32>| value(run, o));
            (panel.years[y], panel.units.get(u).code.clone(), f)
        })
        .collect();
    targets.push((0, "all".to_string(), Box::new(shift)));
    let rows: Vec<Vec<SensitivityRow>> = targets
        .par_iter()
        .enumerate()
        .map(|(t, (year, region, f))| {
            let fa: Vec<f64> = runs[..n].iter().map(f).collect();
            let fb: Vec<f64> = runs[n..2 * n].iter().map(f).collect();
            let fab: Vec<Vec<f64>> = (0..d)
                .map(|k| runs[(k + 2) * n..(k + 3) * n].iter().map(f).collect())
                .collect();
            // How often the output leaves its nominal value, over every run.
            let nominal_value = if *region == "all" {
                0.0
            } else {
                let o = outputs[t];
                f64::from(nominal[o]) / 2.0
            };
            let moved_runs = runs.iter().filter(|r| f(r) != nominal_value).count();
            let moved = moved_runs as f64 / runs.len() as f64;
            let estimated = moved >= MIN_MOVED;
            let s = estimated
                .then(|| sobol::indices(&fa, &fb, &fab, RESAMPLES, settings.seed ^ t as u64));
            let first_order_sum = s.as_ref().map(|s| s.first.iter().map(|e| e.value).sum());
            let note = (!estimated).then(|| {
                format!(
                    "not estimated: the output moves in {moved_runs} of {} runs (under {}%) and has too little variance to estimate",
                    runs.len(),
                    MIN_MOVED * 100.0
                )
            });
            factors
                .iter()
                .enumerate()
                .map(|(k, &factor)| SensitivityRow {
                    year: *year,
                    region: region.clone(),
                    factor,
                    first_order: s.as_ref().map(|s| s.first[k]),
                    total_effect: s.as_ref().map(|s| s.total[k]),
                    moved,
                    first_order_sum,
                    note: note.clone(),
                })
                .collect()
        })
        .collect();
    Ok(Sensitivity {
        samples: n,
        model_runs: n * (d + 2),
        seed: settings.seed,
        factors: factors.to_vec(),
        settings: settings.clone(),
        rows: rows.into_iter().flatten().collect(),
    })
}
