//! The framework tree: groups and indicators checked one by one, then linked to their
//! parents, checked as a tree, assembled in pre-order with their methods resolved (node, then
//! level, then defaults), and weighted by AHP matrices where the spec gives them.

use super::indicator;
use super::methods::{aggregation, impute, missing_rule, treatment};
use super::units::LabelFn;
use super::{
    Aggregation, BTreeMap, Checker, Code, Direction, Framework, HashMap, ID_HINT, Impute,
    IndexMeta, Indicator, Labels, MissingRule, Node, NodeKind, Normalisation, Range, Spanned,
    Treatment, line_col, nearest, share_above_zero, valid_id,
};

pub(super) struct FrameworkDefaults<'a> {
    pub(super) level_treatments: &'a [(Option<Option<Impute>>, Option<Option<Treatment>>)],
    pub(super) normalisation: Option<Option<Normalisation>>,
    pub(super) imputation: Option<Option<Impute>>,
    pub(super) treatment: Option<Option<Treatment>>,
    pub(super) aggregation: Option<Aggregation>,
    pub(super) missing: Option<MissingRule>,
    pub(super) levels: &'a [(Option<Option<Aggregation>>, Option<Option<MissingRule>>)],
    pub(super) scale: (f64, f64),
    /// The index's direction: an indicator going the other way is flipped.
    pub(super) direction: Direction,
    /// `[defaults] round`: the decimals of every node that declares none.
    pub(super) round: Option<u32>,
}

/// A node before the tree is assembled.
pub(super) struct Pending {
    id: String,
    id_span: Range<usize>,
    parent: Option<(String, Range<usize>)>,
    name: Labels,
    weight: f64,
    kind: PendingKind,
    steps: super::steps::PendingSteps,
}

pub(super) enum PendingKind {
    Group {
        aggregation: Option<Option<Aggregation>>,
        missing: Option<Option<MissingRule>>,
    },
    Indicator(Option<Indicator>),
}

pub(super) fn weight(check: &mut Checker, raw: &Option<Spanned<f64>>, id: &str) -> f64 {
    match raw {
        None => 1.0,
        Some(w) => {
            let v = *w.get_ref();
            if !v.is_finite() || v < 0.0 {
                check.at(
 Code::BadWeight,
                    w.span(),
                    format!("weight of \"{id}\" must be a finite number >= 0, not {v}"),
                    "weights are relative within a parent, e.g. 1, 2 or 0.25; leave weight out for 1",
                );
                0.0
            } else {
                v
            }
        }
    }
}
pub(super) fn framework(
    check: &mut Checker,
    meta: &IndexMeta,
    index: &crate::spec::raw::RawIndex,
    groups: &[Spanned<crate::spec::raw::RawGroup>],
    indicators: &[Spanned<crate::spec::raw::RawIndicator>],
    labels: &LabelFn,
    defaults: FrameworkDefaults,
) -> Option<Framework> {
    let mut declared = Declared::default();
    let mut pending: Vec<Pending> = vec![Pending {
        id: meta.id.clone(),
        id_span: 0..0,
        parent: None,
        name: meta.name.clone(),
        weight: 1.0,
        // The index takes every key a group takes.
        kind: PendingKind::Group {
            aggregation: index.aggregation.as_ref().map(|a| aggregation(check, a)),
            missing: index.missing.as_ref().map(|m| missing_rule(check, m)),
        },
        steps: super::steps::group_steps(
            check,
            super::steps::RawGroupSteps {
                id: &meta.id,
                formula: &index.formula,
                aggregation: &index.aggregation,
                normalisation: &index.normalisation,
                parent_takes: None,
                round: &index.round,
            },
            defaults.scale,
        ),
    }];
    for g in groups {
        pending.push(pending_group(
            check,
            g.get_ref(),
            labels,
            &mut declared,
            defaults.scale,
        ));
    }
    for i in indicators {
        pending.push(pending_indicator(
            check,
            i.get_ref(),
            labels,
            &defaults,
            &mut declared,
        ));
    }
    let by_id = unique_ids(check, &pending)?;
    let (children, parent_of) = link_parents(check, &pending, &by_id)?;
    let (depth, order) = check_tree(check, &pending, &children)?;
    let tree = Tree {
        children,
        parent_of,
        depth,
        order,
    };
    let formula_spans: HashMap<String, Range<usize>> = pending
        .iter()
        .filter_map(|p| Some((p.id.clone(), p.steps.formula_span.clone()?)))
        .collect();
    let (mut nodes, indicator_positions) = assemble(pending, &tree, &defaults, &declared)?;
    super::steps::check_formula_names(check, &nodes, &formula_spans);
    none_against_the_index(check, &nodes, &declared, defaults.direction);
    let weighted: Vec<Weighted> = std::iter::once(Weighted {
        id: &index.id,
        ahp: index.ahp.as_ref(),
        allow_inconsistent: index.ahp_allow_inconsistent.unwrap_or(false),
        weighting: index.weighting.as_ref(),
    })
    .chain(groups.iter().map(|g| {
        let g = g.get_ref();
        Weighted {
            id: &g.id,
            ahp: g.ahp.as_ref(),
            allow_inconsistent: g.ahp_allow_inconsistent.unwrap_or(false),
            weighting: g.weighting.as_ref(),
        }
    }))
    .collect();
    let consistency = ahp(check, &weighted, &mut nodes, &declared)?;
    let pca = pca_groups(check, &weighted, &nodes)?;
    Some(Framework {
        nodes,
        indicators: indicator_positions,
        consistency,
        pca,
    })
}

/// What the nodes declare for themselves, which levels and AHP matrices must not override.
#[derive(Default)]
struct Declared {
    /// Per indicator id: whether it declares its own imputation and treatment.
    own_methods: HashMap<String, (bool, bool)>,
    /// Nodes with an explicit weight key.
    explicit_weight: Vec<String>,
    /// Indicators with normalisation "none" going against the index's direction: where
    /// their direction is written, and it.
    none_against: HashMap<String, (Range<usize>, Direction)>,
}

/// A node that may weight its children by an AHP matrix or a PCA: the index or a group.
struct Weighted<'a> {
    id: &'a Spanned<String>,
    ahp: Option<&'a Spanned<Vec<Vec<f64>>>>,
    allow_inconsistent: bool,
    weighting: Option<&'a Spanned<String>>,
}

/// The links of the checked tree, by position in the pending list.
struct Tree {
    children: Vec<Vec<usize>>,
    parent_of: Vec<Option<usize>>,
    depth: Vec<Option<usize>>,
    /// Pre-order from the root.
    order: Vec<usize>,
}

fn pending_group(
    check: &mut Checker,
    g: &crate::spec::raw::RawGroup,
    labels: &LabelFn,
    declared: &mut Declared,
    scale: (f64, f64),
) -> Pending {
    let id = g.id.get_ref().clone();
    Pending {
        steps: super::steps::group_steps(
            check,
            super::steps::RawGroupSteps {
                id: &id,
                formula: &g.formula,
                aggregation: &g.aggregation,
                normalisation: &g.normalisation,
                parent_takes: g.parent_takes.as_ref(),
                round: &g.round,
            },
            scale,
        ),
        name: labels(check, &format!("group \"{id}\" name"), &g.name),
        weight: {
            if g.weight.is_some() {
                declared.explicit_weight.push(id.clone());
            }
            weight(check, &g.weight, &id)
        },
        kind: PendingKind::Group {
            aggregation: g.aggregation.as_ref().map(|a| aggregation(check, a)),
            missing: g.missing.as_ref().map(|m| missing_rule(check, m)),
        },
        id_span: g.id.span(),
        parent: Some((g.parent.get_ref().clone(), g.parent.span())),
        id,
    }
}

/// An indicator kept as it is (`none`) going against the index's direction is refused, unless
/// its parent is scored by a formula, which says how it enters.
fn none_against_the_index(
    check: &mut Checker,
    nodes: &[Node],
    declared: &Declared,
    index: Direction,
) {
    for node in nodes {
        let Some((span, d)) = declared.none_against.get(&node.id) else {
            continue;
        };
        if node
            .parent
            .is_some_and(|p| nodes[p].steps.formula.is_some())
        {
            continue;
        }
        let this = match d {
            Direction::Lower => "lower-is-better",
            Direction::Higher => "higher-is-better",
        };
        let other = match index {
            Direction::Lower => "lower-is-better",
            Direction::Higher => "higher-is-better",
        };
        check.at(
            Code::BadParameter,
            span.clone(),
            format!(
                "indicator \"{}\" is {this} in a {other} index, but normalisation \"none\" keeps its values as they are",
                node.id
            ),
            format!(
                "write the formula so that it goes the index's way (e.g. 100 - x), declare [index] direction = \"{}\" if the whole index is {this}, give its parent a formula that says how it enters, or choose a normalisation",
                d_name(*d)
            ),
        );
    }
}

fn d_name(d: Direction) -> &'static str {
    match d {
        Direction::Higher => "higher",
        Direction::Lower => "lower",
    }
}

/// An indicator as declared, before the tree is known.
fn pending_indicator(
    check: &mut Checker,
    i: &crate::spec::raw::RawIndicator,
    labels: &LabelFn,
    defaults: &FrameworkDefaults,
    declared: &mut Declared,
) -> Pending {
    let id = i.id.get_ref().clone();
    let direction = indicator::direction(check, i, &id);
    let norm = indicator::normalisation(check, i, &defaults.normalisation, defaults.scale, &id);
    // "none" keeps the value as it is: there is no scale to flip for an indicator going
    // against the index's direction, unless a formula of its parent says how it enters
    // (checked once the tree is known: `none_against_the_index`).
    if let (Some(Normalisation::None), Some(d)) = (&norm, direction)
        && d != defaults.direction
    {
        declared
            .none_against
            .insert(id.clone(), (i.direction.span(), d));
    }
    let valid = indicator::valid_range(check, &i.valid);
    declared
        .own_methods
        .insert(id.clone(), (i.imputation.is_some(), i.treatment.is_some()));
    let imputation = match (&i.imputation, &defaults.imputation) {
        (Some(m), _) => impute(check, m),
        (None, Some(d)) => *d,
        (None, None) => Some(Impute::None),
    };
    let treat = match (&i.treatment, &defaults.treatment) {
        (Some(m), _) => treatment(check, m),
        (None, Some(d)) => *d,
        (None, None) => Some(Treatment::None),
    };
    let formula = match &i.formula {
        None => Some(None),
        Some(f) => super::steps::formula(
            check,
            f,
            &id,
            "write arithmetic of column names and numbers, e.g. offences / child_population * 10000",
        )
        .map(Some),
    };
    let max_change = match &i.max_change {
        None => Some(None),
        Some(m) => share_above_zero(check, m, &format!("max_change of \"{id}\"")).map(Some),
    };
    let definition = i
        .definition
        .as_ref()
        .map(|d| labels(check, &format!("indicator \"{id}\" definition"), d));
    let text = |check: &mut Checker, what: &str, v: &toml::Value| {
        indicator::text_or_labels(check, labels, i, &format!("indicator \"{id}\" {what}"), v)
    };
    let (unit, unit_labels) = text(check, "unit", &i.unit);
    let (source, source_labels) = text(check, "source", &i.source);
    let indicator = match (
        direction, norm, valid, imputation, treat, formula, max_change,
    ) {
        (
            Some(direction),
            Some(normalisation),
            Some(valid),
            Some(imputation),
            Some(treatment),
            Some(formula),
            Some(max_change),
        ) => Some(Indicator {
            formula,
            unit,
            direction,
            source,
            unit_labels,
            source_labels,
            definition,
            survey: i.survey.unwrap_or(false),
            max_change,
            valid,
            normalisation,
            imputation,
            treatment,
        }),
        _ => None,
    };
    Pending {
        steps: super::steps::indicator_steps(check, &i.round, &id),
        name: labels(check, &format!("indicator \"{id}\" name"), &i.name),
        weight: {
            if i.weight.is_some() {
                declared.explicit_weight.push(id.clone());
            }
            weight(check, &i.weight, &id)
        },
        kind: PendingKind::Indicator(indicator),
        id_span: i.id.span(),
        parent: Some((i.parent.get_ref().clone(), i.parent.span())),
        id,
    }
}

/// Every id valid and used once: the positions by id.
fn unique_ids<'p>(check: &mut Checker, pending: &'p [Pending]) -> Option<HashMap<&'p str, usize>> {
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    let mut ok = true;
    for (k, p) in pending.iter().enumerate() {
        if k > 0 && !valid_id(&p.id) {
            check.at(
                Code::BadId,
                p.id_span.clone(),
                format!("\"{}\" is not a valid id", p.id),
                ID_HINT,
            );
            ok = false;
        }
        if let Some(&first) = by_id.get(p.id.as_str()) {
            let (line, _) = line_col(check.text, pending[first].id_span.start);
            let what = if first == 0 {
                "the index id".to_string()
            } else {
                format!("line {line}")
            };
            check.at(
                Code::DuplicateId,
                p.id_span.clone(),
                format!("duplicated id \"{}\" (first used by {what})", p.id),
                "every node of the framework needs its own id",
            );
            ok = false;
        } else {
            by_id.insert(&p.id, k);
        }
    }
    ok.then_some(by_id)
}

/// Every parent defined and a group: each node's children and parent.
fn link_parents(
    check: &mut Checker,
    pending: &[Pending],
    by_id: &HashMap<&str, usize>,
) -> Option<(Vec<Vec<usize>>, Vec<Option<usize>>)> {
    let mut ok = true;
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); pending.len()];
    let mut parent_of: Vec<Option<usize>> = vec![None; pending.len()];
    for (k, p) in pending.iter().enumerate() {
        let Some((parent, span)) = &p.parent else {
            continue;
        };
        match by_id.get(parent.as_str()) {
            None => {
                let hint = match nearest(parent, by_id.keys().copied()) {
                    Some(near) => format!(
                        "did you mean \"{near}\"? the parent must be the index id or a [[group]] id"
                    ),
                    None => "the parent must be the index id or a [[group]] id".into(),
                };
                check.at(
                    Code::MissingNode,
                    span.clone(),
                    format!("\"{}\" has parent \"{parent}\", which is not defined", p.id),
                    hint,
                );
                ok = false;
            }
            Some(&q) if matches!(pending[q].kind, PendingKind::Indicator(_)) => {
                check.at(
                    Code::IndicatorParent,
                    span.clone(),
                    format!(
                        "\"{}\" has parent \"{parent}\", which is an indicator",
                        p.id
                    ),
                    "only the index and [[group]] nodes can have children",
                );
                ok = false;
            }
            Some(&q) => {
                children[q].push(k);
                parent_of[k] = Some(q);
            }
        }
    }
    ok.then_some((children, parent_of))
}

/// Every node reached from the root (anything not reached sits on a cycle), no group empty,
/// no group with only zero weights: each node's depth, and the pre-order.
fn check_tree(
    check: &mut Checker,
    pending: &[Pending],
    children: &[Vec<usize>],
) -> Option<(Vec<Option<usize>>, Vec<usize>)> {
    let mut ok = true;
    let mut depth: Vec<Option<usize>> = vec![None; pending.len()];
    let mut order = Vec::new();
    let mut stack = vec![(0usize, 0usize)];
    while let Some((k, d)) = stack.pop() {
        depth[k] = Some(d);
        order.push(k);
        for &c in children[k].iter().rev() {
            stack.push((c, d + 1));
        }
    }
    for (k, p) in pending.iter().enumerate() {
        if depth[k].is_none() {
            check.at(
                Code::Cycle,
                p.id_span.clone(),
                format!(
                    "\"{}\" is part of a cycle of parents and never reaches the index",
                    p.id
                ),
                "follow the parent links from this node: one of them must lead to the index id",
            );
            ok = false;
        }
    }
    for (k, p) in pending.iter().enumerate() {
        if matches!(p.kind, PendingKind::Group { .. }) && children[k].is_empty() {
            check.at(
                Code::EmptyGroup,
                p.id_span.clone(),
                format!(
                    "group \"{}\" is empty: no group or indicator has it as parent",
                    p.id
                ),
                "add children with parent = \"...\" or remove the group",
            );
            ok = false;
        } else if !children[k].is_empty() && children[k].iter().all(|&c| pending[c].weight == 0.0) {
            check.at(
                Code::ZeroWeights,
                p.id_span.clone(),
                format!("all children of \"{}\" have weight 0", p.id),
                "give at least one child a positive weight",
            );
            ok = false;
        }
    }
    ok.then_some((depth, order))
}

/// The nodes in pre-order, positions renumbered, methods resolved: the node's own, then its
/// level's, then the defaults. Also the positions of the indicators.
fn assemble(
    pending: Vec<Pending>,
    tree: &Tree,
    defaults: &FrameworkDefaults,
    declared: &Declared,
) -> Option<(Vec<Node>, Vec<usize>)> {
    let mut new_pos = vec![0usize; pending.len()];
    for (pos, &k) in tree.order.iter().enumerate() {
        new_pos[k] = pos;
    }
    let mut nodes = Vec::with_capacity(tree.order.len());
    let mut indicator_positions = Vec::new();
    let mut pending: Vec<Option<Pending>> = pending.into_iter().map(Some).collect();
    for (pos, &k) in tree.order.iter().enumerate() {
        let p = pending[k].take()?;
        let level = tree.depth[k]?;
        let kind = match p.kind {
            PendingKind::Group {
                aggregation,
                missing,
            } => {
                let (level_agg, level_miss) =
                    defaults.levels.get(level).cloned().unwrap_or((None, None));
                let aggregation = aggregation.or(level_agg).unwrap_or(defaults.aggregation)?;
                let missing = missing.or(level_miss).unwrap_or(defaults.missing)?;
                NodeKind::Group {
                    aggregation,
                    missing,
                }
            }
            PendingKind::Indicator(indicator) => {
                indicator_positions.push(pos);
                let mut indicator = indicator?;
                // A level's imputation and treatment apply to the indicators at its depth
                // that declare none of their own.
                let (own_impute, own_treat) = declared
                    .own_methods
                    .get(&p.id)
                    .copied()
                    .unwrap_or((false, false));
                if let Some((imp, treat)) = defaults.level_treatments.get(level) {
                    if !own_impute && let Some(imp) = imp {
                        indicator.imputation = (*imp)?;
                    }
                    if !own_treat && let Some(treat) = treat {
                        indicator.treatment = (*treat)?;
                    }
                }
                NodeKind::Indicator(indicator)
            }
        };
        nodes.push(Node {
            id: p.id,
            name: p.name,
            weight: p.weight,
            parent: tree.parent_of[k].map(|q| new_pos[q]),
            children: tree.children[k].iter().map(|&c| new_pos[c]).collect(),
            level,
            kind,
            steps: {
                let mut steps = p.steps.steps;
                if !p.steps.own_round {
                    steps.round = defaults.round;
                }
                steps
            },
        });
    }
    Some((nodes, indicator_positions))
}

/// Weights from AHP pairwise comparisons, in the children's order of declaration: the
/// consistency ratio of each group.
fn ahp(
    check: &mut Checker,
    weighted: &[Weighted],
    nodes: &mut [Node],
    declared: &Declared,
) -> Option<BTreeMap<String, f64>> {
    let mut consistency = BTreeMap::new();
    for g in weighted {
        let Some(matrix) = g.ahp else { continue };
        let pos = nodes.iter().position(|n| n.id == *g.id.get_ref())?;
        let children = nodes[pos].children.clone();
        if let Some(&c) = children
            .iter()
            .find(|&&c| declared.explicit_weight.contains(&nodes[c].id))
        {
            check.at(
                Code::BadParameter,
                matrix.span(),
                format!(
                    "\"{}\" has both ahp weights and its own weight on \"{}\"",
                    g.id.get_ref(),
                    nodes[c].id
                ),
                "remove the children's weight keys, or the ahp matrix",
            );
            return None;
        }
        match ahp_weights(matrix.get_ref(), children.len()) {
            Err(message) => {
                check.at(Code::BadParameter, matrix.span(), format!("ahp of \"{}\": {message}", g.id.get_ref()), "a pairwise matrix is square (one row per child), positive, with a_ji = 1 / a_ij and 1 on the diagonal");
                return None;
            }
            Ok((weights, cr)) => {
                if cr > 0.1 && !g.allow_inconsistent {
                    check.at(Code::BadParameter, matrix.span(), format!("ahp of \"{}\": consistency ratio {cr:.3} is above 0.1", g.id.get_ref()), "revise the comparisons, or set ahp_allow_inconsistent = true to accept them");
                    return None;
                }
                for (&c, w) in children.iter().zip(weights) {
                    nodes[c].weight = w;
                }
                consistency.insert(g.id.get_ref().clone(), cr);
            }
        }
    }
    Some(consistency)
}

/// The groups (or the index) whose children's weights come from a PCA at compute time.
fn pca_groups(check: &mut Checker, weighted: &[Weighted], nodes: &[Node]) -> Option<Vec<String>> {
    let mut pca = Vec::new();
    for g in weighted {
        let Some(w) = g.weighting else { continue };
        let pos = nodes.iter().position(|n| n.id == *g.id.get_ref())?;
        let all_indicators = nodes[pos]
            .children
            .iter()
            .all(|&c| matches!(nodes[c].kind, NodeKind::Indicator(_)));
        if w.get_ref() != "pca"
            || !all_indicators
            || g.ahp.is_some()
            || nodes[pos].children.len() < 2
        {
            check.at(
                Code::BadParameter,
                w.span(),
                format!("weighting \"{}\" of \"{}\" cannot apply", w.get_ref(), g.id.get_ref()),
                "weighting = \"pca\" takes a group of at least two indicators, without an ahp matrix",
            );
            return None;
        }
        pca.push(g.id.get_ref().clone());
    }
    Some(pca)
}

/// Saaty's random consistency index by matrix size.
pub(super) const RANDOM_INDEX: [f64; 11] = [
    0.0, 0.0, 0.0, 0.58, 0.90, 1.12, 1.24, 1.32, 1.41, 1.45, 1.49,
];

/// AHP weights: the principal eigenvector of a positive reciprocal matrix (by power
/// iteration), summing to 1, and the consistency ratio CR = CI / RI, CI = (lambda - n)/(n - 1)
/// (Saaty 1980).
pub(super) fn ahp_weights(m: &[Vec<f64>], n: usize) -> Result<(Vec<f64>, f64), String> {
    if m.len() != n || m.iter().any(|r| r.len() != n) {
        return Err(format!(
            "the matrix must be {n} x {n}, one row and column per child"
        ));
    }
    for i in 0..n {
        for j in 0..n {
            let (a, b) = (m[i][j], m[j][i]);
            if !(a.is_finite() && a > 0.0) {
                return Err(format!(
                    "entry [{}][{}] = {a} is not a positive number",
                    i + 1,
                    j + 1
                ));
            }
            if ((a * b) - 1.0).abs() > 0.01 {
                return Err(format!(
                    "entries [{}][{}] = {a} and [{}][{}] = {b} are not reciprocal",
                    i + 1,
                    j + 1,
                    j + 1,
                    i + 1
                ));
            }
        }
    }
    let mut w = vec![1.0 / n as f64; n];
    for _ in 0..1000 {
        let next: Vec<f64> = (0..n)
            .map(|i| (0..n).map(|j| m[i][j] * w[j]).sum())
            .collect();
        let total: f64 = next.iter().sum();
        let next: Vec<f64> = next.iter().map(|v| v / total).collect();
        let done = next.iter().zip(&w).all(|(a, b)| (a - b).abs() < 1e-15);
        w = next;
        if done {
            break;
        }
    }
    let lambda = (0..n)
        .map(|i| (0..n).map(|j| m[i][j] * w[j]).sum::<f64>() / w[i])
        .sum::<f64>()
        / n as f64;
    let cr = if n <= 2 {
        0.0
    } else {
        (lambda - n as f64) / (n as f64 - 1.0) / RANDOM_INDEX[n.min(10)]
    };
    Ok((w, cr.max(0.0)))
}
