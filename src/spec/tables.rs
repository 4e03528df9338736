//! The method tables of docs/spec.md, made from the method kinds themselves (`kinds!` in
//! method.rs), so that the documentation lists every method and parameter there is:
//! `cwi schema --methods` prints them, and a test fails when docs/spec.md differs.

use super::{AggregationKind, ImputeKind, NormalisationKind, TreatmentKind};
use crate::named::Named;

/// One family's table: method, parameters, what it does.
fn table<K: Named + Copy>(
    title: &str,
    key: &str,
    params: impl Fn(K) -> &'static [&'static str],
) -> String {
    let mut out = format!(
        "{title} (`{key} = {{ method = \"...\" }}`):\n\n| method | parameters | what it does |\n|---|---|---|\n"
    );
    for &kind in K::ALL {
        let p: Vec<String> = params(kind).iter().map(|p| format!("`{p}`")).collect();
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            kind.name(),
            p.join(", "),
            kind.about()
        ));
    }
    out
}

/// Every method family as Markdown tables, in the order a spec applies them.
pub fn methods_markdown() -> String {
    [
        table::<ImputeKind>("Imputation", "imputation", ImputeKind::params),
        table::<TreatmentKind>("Outlier treatment", "treatment", TreatmentKind::params),
        table::<NormalisationKind>("Normalisation", "normalisation", NormalisationKind::params),
        table::<AggregationKind>("Aggregation", "aggregation", AggregationKind::params),
    ]
    .join("\n")
}
