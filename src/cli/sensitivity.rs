//! `cwi sensitivity`: which uncertain choice moves the ranks most.

use std::path::PathBuf;

use super::progress::Progress;
use super::uncertainty::Choices;
use crate::error::Error;
use crate::output::{OutputError, write_atomically};
use crate::uncertainty::{RESAMPLES, sensitivity};

/// Variance-based sensitivity indices of the ranks to each uncertain choice.
///
/// First-order (Saltelli 2010) and total-effect (Jansen) indices of every region's rank in
/// every year, and of the mean absolute rank shift ("all"), with 95% bootstrap intervals, from
/// N base samples of a scrambled Sobol sequence (N x (factors + 2) runs of the index). The
/// factors are the choices the spec's [uncertainty] table (or the options) make vary. Writes
/// sensitivity/indices.csv and sensitivity/sensitivity.json.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    inputs: super::inputs::Inputs,
    /// Output directory; created if needed.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    #[command(flatten)]
    choices: Choices,
    /// Base samples N.
    #[arg(long, value_name = "N")]
    samples: Option<usize>,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

pub fn run(args: Args) -> Result<(), Error> {
    let spec = args.inputs.spec()?;
    let mut settings = args
        .choices
        .apply(spec.uncertainty.clone(), spec.index.scale);
    if let Some(n) = args.samples {
        settings.samples = n;
    }
    crate::uncertainty::check_settings(&settings)?;
    let results = args.inputs.compute(spec)?;
    let progress = Progress::new(args.quiet, 0);
    let s = sensitivity(&results, &settings, &|| progress.step("model runs"))?;
    progress.finish();
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
    write_atomically(&args.out, &files)?;
    if !args.quiet {
        eprintln!(
            "{} base samples, {} runs, {} bootstrap resamples per interval; wrote {}",
            s.samples,
            s.model_runs,
            RESAMPLES,
            args.out.display()
        );
    }
    Ok(())
}
