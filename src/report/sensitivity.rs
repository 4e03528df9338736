//! The report's section on how far the ranks depend on the methods: the variance-based
//! sensitivity indices of `cwi sensitivity`, computed on the report's own results, for the
//! mean rank shift of every region and year and for each region's rank in the report's year.
//! An index that cannot be estimated (a rank that moves in under 1% of the runs) is left
//! blank, with the reason.

use std::fmt::Write as _;

use super::Context;
use super::markup::escape;
use crate::uncertainty::{Factor, Sensitivity};

/// A factor in the report's language.
fn factor(f: Factor, lang: &str) -> &'static str {
    let (en, ru, kk) = match f {
        Factor::Weights => ("weights", "веса", "салмақтар"),
        Factor::Weighting => ("weighting scheme", "схема весов", "салмақтау тәсілі"),
        Factor::Normalisation => ("normalisation", "нормализация", "нормалау"),
        Factor::Aggregation => ("aggregation", "агрегирование", "біріктіру"),
        Factor::Imputation => ("imputation", "заполнение пропусков", "бос мәндерді толтыру"),
        Factor::Treatment => (
            "outlier treatment",
            "обработка выбросов",
            "шектен тыс мәндерді өңдеу",
        ),
        Factor::Exclusion => (
            "leaving an indicator out",
            "исключение показателя",
            "көрсеткішті алып тастау",
        ),
        Factor::Sampling => (
            "survey sampling error",
            "выборочная ошибка опросов",
            "сауалнама іріктеу қатесі",
        ),
    };
    match lang {
        "ru" => ru,
        "kk" => kk,
        _ => en,
    }
}

/// The section.
pub fn section(h: &mut String, ctx: &Context, s: &Sensitivity) {
    let w = ctx.words();
    let year = ctx.year_value();
    let _ = write!(
        h,
        "<section id=\"sensitivity\"><h2>{}</h2><p class=\"meta\">{}</p>",
        w.sensitivity,
        w.sensitivity_about
            .replace("{n}", &s.samples.to_string())
            .replace("{runs}", &s.model_runs.to_string())
            .replace("{seed}", &s.seed.to_string())
    );
    let est = |e: Option<crate::uncertainty::sobol::Estimate>| {
        e.map_or("–".to_string(), |e| {
            format!(
                "{:.2} <span class=\"meta\">[{:.2}; {:.2}]</span>",
                e.value, e.low, e.high
            )
        })
    };
    // The mean absolute rank shift over every region and year.
    let all: Vec<_> = s.rows.iter().filter(|r| r.region == "all").collect();
    let _ = write!(
        h,
        "<table><caption>{}</caption><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        w.mean_rank_shift, w.factor, w.first_order, w.total_effect
    );
    for r in &all {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            factor(r.factor, &ctx.lang),
            est(r.first_order),
            est(r.total_effect)
        );
    }
    h.push_str("</tbody></table>");
    if let Some(sum) = all.first().and_then(|r| r.first_order_sum) {
        // Outside [0, 1.1] the sum says more about the estimates than about the index.
        let words = if (0.0..=1.1).contains(&sum) {
            w.first_order_sum
        } else {
            w.first_order_noisy
        };
        let _ = write!(
            h,
            "<p class=\"meta\">{}</p>",
            words.replace("{sum}", &format!("{sum:.2}"))
        );
    }
    // Each region's rank in the report's year: total effects, or the reason they are blank.
    let _ = write!(
        h,
        "<table class=\"small\"><caption>{}, {year}</caption><thead><tr><th>{}</th>",
        w.total_effect_by_region, w.region
    );
    for &f in &s.factors {
        let _ = write!(h, "<th class=\"n\">{}</th>", factor(f, &ctx.lang));
    }
    let _ = write!(
        h,
        "<th class=\"n\">{}</th></tr></thead><tbody>",
        w.runs_moved
    );
    for u in ctx.units() {
        let code = &ctx.results.panel.units.get(u).code;
        let rows: Vec<_> = s
            .rows
            .iter()
            .filter(|r| r.year == year && &r.region == code)
            .collect();
        let Some(first) = rows.first() else { continue };
        let _ = write!(h, "<tr><td>{}</td>", escape(&ctx.region_name(u)));
        if first.note.is_some() {
            let _ = write!(
                h,
                "<td colspan=\"{}\" class=\"meta\">{}</td>",
                s.factors.len(),
                w.not_estimated
            );
        } else {
            for r in &rows {
                let _ = write!(
                    h,
                    "<td class=\"n\">{}</td>",
                    r.total_effect
                        .map_or("–".into(), |e| format!("{:.2}", e.value))
                );
            }
        }
        let _ = write!(h, "<td class=\"n\">{:.0}%</td></tr>", first.moved * 100.0);
    }
    h.push_str("</tbody></table></section>\n");
}
