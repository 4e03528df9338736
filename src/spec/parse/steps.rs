//! A node's steps as the spec writes them: `round` on any node and in `[defaults]`, a group's
//! `formula`, `normalisation` and `parent_takes`; a formula's names checked against the
//! group's children once the tree is known.

use super::methods::{self, normalisation};
use super::{Checker, Code, HashMap, Node, Range, RawMethod, Spanned};
use crate::spec::{NodeFormula, Passes, Steps};

/// A group's (or the index's) steps before the tree is assembled; `formula_span` locates the
/// formula's text for the check of its names.
pub(super) struct PendingSteps {
    pub(super) steps: Steps,
    /// Whether the node declares its own `round` (else `[defaults] round` applies).
    pub(super) own_round: bool,
    pub(super) formula_span: Option<Range<usize>>,
}

/// `round`: a whole number of decimals from 0 to 15.
pub(super) fn round(check: &mut Checker, raw: &Option<Spanned<i64>>, what: &str) -> Option<u32> {
    let r = raw.as_ref()?;
    match u32::try_from(*r.get_ref()) {
        Ok(d) if d <= 15 => Some(d),
        _ => {
            check.at(
                Code::BadParameter,
                r.span(),
                format!(
                    "round of {what} must be a whole number of decimals from 0 to 15, not {}",
                    r.get_ref()
                ),
                "e.g. round = 4 rounds 0.123456 to 0.1235",
            );
            None
        }
    }
}

/// The steps an indicator declares: its rounding.
pub(super) fn indicator_steps(
    check: &mut Checker,
    raw: &Option<Spanned<i64>>,
    id: &str,
) -> PendingSteps {
    PendingSteps {
        steps: Steps {
            round: round(check, raw, &format!("\"{id}\"")),
            ..Steps::default()
        },
        own_round: raw.is_some(),
        formula_span: None,
    }
}

/// What a group (or the index) declares besides its aggregation.
pub(super) struct RawGroupSteps<'a> {
    pub(super) id: &'a str,
    pub(super) formula: &'a Option<Spanned<String>>,
    pub(super) aggregation: &'a Option<Spanned<RawMethod>>,
    pub(super) normalisation: &'a Option<Spanned<RawMethod>>,
    pub(super) parent_takes: Option<&'a Spanned<String>>,
    pub(super) round: &'a Option<Spanned<i64>>,
}

pub(super) fn group_steps(
    check: &mut Checker,
    raw: RawGroupSteps,
    scale: (f64, f64),
) -> PendingSteps {
    let id = raw.id;
    let formula = raw.formula.as_ref().and_then(|f| {
        if let Some(a) = raw.aggregation {
            check.at(
                Code::BadParameter,
                a.span(),
                format!("\"{id}\" declares both a formula and an aggregation"),
                "a group is scored by its formula or by its aggregation: remove one of them",
            );
        }
        formula(
            check,
            f,
            id,
            "write arithmetic and functions of the children's ids, e.g. survival * exp(school) or hdi_f / hdi_m",
        )
        .map(|expr| NodeFormula {
            text: f.get_ref().clone(),
            expr,
        })
    });
    let normalisation = raw
        .normalisation
        .as_ref()
        .and_then(|n| normalisation(check, n, scale));
    let parent_takes = match raw.parent_takes {
        None => Passes::Score,
        Some(p) => {
            let takes = methods::choice::<Passes>(check, &Some(p.clone()), "parent_takes")
                .unwrap_or_default();
            if raw.normalisation.is_none() {
                check.at(
                    Code::BadParameter,
                    p.span(),
                    format!(
                        "\"{id}\" has parent_takes but no normalisation: its score is its aggregate"
                    ),
                    "give the group a normalisation, or remove parent_takes",
                );
            }
            takes
        }
    };
    PendingSteps {
        steps: Steps {
            formula,
            normalisation,
            parent_takes,
            round: round(check, raw.round, &format!("\"{id}\"")),
        },
        own_round: raw.round.is_some(),
        formula_span: raw.formula.as_ref().map(Spanned::span),
    }
}

/// Where a TOML string's text starts: after its quote, or after `"""` (or `\'\'\'`) and the
/// newline that may follow them.
pub(super) fn text_start(check: &Checker, span: &Range<usize>) -> usize {
    let rest = check.text.get(span.start..).unwrap_or("");
    if rest.starts_with("\"\"\"") || rest.starts_with("\'\'\'") {
        let after = span.start + 3;
        match check.text.get(after..) {
            Some(t) if t.starts_with("\r\n") => after + 2,
            Some(t) if t.starts_with('\n') => after + 1,
            _ => after,
        }
    } else {
        span.start + 1
    }
}

/// A formula parsed, or refused at the place in the spec where it goes wrong.
pub(super) fn formula(
    check: &mut Checker,
    f: &Spanned<String>,
    id: &str,
    hint: &str,
) -> Option<crate::formula::Expr> {
    match crate::formula::parse(f.get_ref()) {
        Ok(expr) => Some(expr),
        Err(e) => {
            let at = text_start(check, &f.span()) + e.at;
            check.at(
                Code::BadParameter,
                at..at,
                format!("formula of \"{id}\": {}", e.message),
                hint,
            );
            None
        }
    }
}

/// Every name of a group's formula is one of its children: not itself (a cycle), not a node
/// elsewhere in the tree, not an unknown id. Located at the name in the formula's text.
pub(super) fn check_formula_names(
    check: &mut Checker,
    nodes: &[Node],
    spans: &HashMap<String, Range<usize>>,
) {
    for node in nodes {
        let Some(f) = &node.steps.formula else {
            continue;
        };
        let children: Vec<&str> = node
            .children
            .iter()
            .map(|&c| nodes[c].id.as_str())
            .collect();
        for name in f.expr.columns() {
            if children.contains(&name.as_str()) {
                continue;
            }
            let at = spans.get(&node.id).map_or(0..0, |span| {
                let offset = word_offset(&f.text, &name).unwrap_or(0);
                let at = text_start(check, span) + offset;
                at..at + name.len()
            });
            let why = if name == node.id {
                "its own score (a cycle)".to_string()
            } else if nodes.iter().any(|n| n.id == name) {
                format!("\"{name}\", which is not one of its children")
            } else {
                format!("\"{name}\", which is no node of the spec")
            };
            check.at(
                Code::BadParameter,
                at,
                format!("the formula of \"{}\" reads {why}", node.id),
                format!(
                    "a group's formula reads its children's scores: {}",
                    children.join(", ")
                ),
            );
        }
    }
}

/// Where `name` first stands as a whole word in `text`.
fn word_offset(text: &str, name: &str) -> Option<usize> {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).map(|(k, _)| k).find(|&k| {
        let before = text[..k].chars().next_back();
        let after = text[k + name.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(is_word)
    })
}
