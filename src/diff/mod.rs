//! What a change does to the index: two results (two specs on the same data, or one spec on
//! two data sets) compared per year, region and node: old and new score and rank and their
//! changes, and per node a summary (ranks moved, the largest moves, Spearman's correlation of
//! the old and new ranks); nodes added or removed.

use serde::Serialize;

use crate::pipeline::Results;
use crate::rank::{Move, Rank};

/// One year, region and node present in both results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub year: i32,
    pub region_code: String,
    pub region_name: String,
    pub node_id: String,
    pub node_name: String,
    pub level: usize,
    pub old_score: Option<f64>,
    pub new_score: Option<f64>,
    pub score_change: Option<f64>,
    pub old_rank: Option<Rank>,
    pub new_rank: Option<Rank>,
    /// Places moved up (positive = better), as `rank_change` in scores.csv.
    pub rank_change: Option<Move>,
}

/// A node's ranks in one year, old against new.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NodeSummary {
    pub year: i32,
    pub node_id: String,
    pub node_name: String,
    pub level: usize,
    /// Regions ranked in both.
    pub ranked: usize,
    /// Regions whose rank changed.
    pub moved: usize,
    pub largest_move: Move,
    /// Spearman's correlation of the old and new ranks (`None` below 2 regions, or when a
    /// side has all ranks tied).
    pub spearman: Option<f64>,
    /// Regions ranked in one result only.
    pub ranked_once: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Diff {
    pub old: String,
    pub new: String,
    pub years: Vec<i32>,
    pub nodes_added: Vec<String>,
    pub nodes_removed: Vec<String>,
    /// Regions (codes) in one version's data only.
    pub regions_added: Vec<String>,
    pub regions_removed: Vec<String>,
    /// Years in one version's data only (not compared).
    pub years_added: Vec<i32>,
    pub years_removed: Vec<i32>,
    pub summaries: Vec<NodeSummary>,
    pub rows: Vec<Row>,
}

impl Diff {
    /// The largest move of any region on any node.
    pub fn largest_move(&self) -> Move {
        self.summaries
            .iter()
            .map(|s| s.largest_move)
            .max()
            .unwrap_or_default()
    }

    /// Rows of one node and year, by new rank (unranked last), then region code.
    pub fn table(&self, node: &str, year: i32) -> Vec<&Row> {
        let mut rows: Vec<&Row> = self
            .rows
            .iter()
            .filter(|r| r.node_id == node && r.year == year)
            .collect();
        rows.sort_by(|a, b| {
            (a.new_rank.is_none(), a.new_rank, &a.region_code).cmp(&(
                b.new_rank.is_none(),
                b.new_rank,
                &b.region_code,
            ))
        });
        rows
    }
}

/// Compares `old` with `new` on the years, regions and nodes they share (regions by code,
/// nodes by id); names come from the new results in `lang`.
pub fn diff(old: &Results, new: &Results, old_label: &str, new_label: &str, lang: &str) -> Diff {
    let (fo, fnew) = (&old.spec.framework, &new.spec.framework);
    let node_ids = |a: &Results, b: &Results| -> Vec<String> {
        let other = &b.spec.framework;
        a.spec
            .framework
            .nodes
            .iter()
            .filter(|n| other.position(&n.id).is_none())
            .map(|n| n.id.clone())
            .collect()
    };
    let region_codes = |a: &Results, b: &Results| -> Vec<String> {
        a.panel
            .units
            .iter()
            .filter(|u| b.panel.units.find(&u.code).is_none())
            .map(|u| u.code.clone())
            .collect()
    };
    let years_of = |a: &Results, b: &Results, shared: bool| -> Vec<i32> {
        a.panel
            .years
            .iter()
            .copied()
            .filter(|y| b.panel.years.contains(y) == shared)
            .collect()
    };
    let years = years_of(new, old, true);
    let mut rows = Vec::new();
    let mut summaries = Vec::new();
    for &year in &years {
        let (yo, yn) = (
            old.panel.year_position(year).expect("a shared year"),
            new.panel.year_position(year).expect("a shared year"),
        );
        for (n_new, node) in fnew.nodes.iter().enumerate() {
            let Some(n_old) = fo.position(&node.id) else {
                continue;
            };
            let both = Both {
                old,
                new,
                year: (yo, yn),
                node: (n_old, n_new),
            };
            summaries.push(both.compare(year, lang, &mut rows));
        }
    }
    Diff {
        old: old_label.to_string(),
        new: new_label.to_string(),
        nodes_added: node_ids(new, old),
        nodes_removed: node_ids(old, new),
        regions_added: region_codes(new, old),
        regions_removed: region_codes(old, new),
        years_added: years_of(new, old, false),
        years_removed: years_of(old, new, false),
        years,
        summaries,
        rows,
    }
}

/// One node in one year of both versions: positions of the year and the node in each, old
/// first.
struct Both<'a> {
    old: &'a Results,
    new: &'a Results,
    year: (usize, usize),
    node: (usize, usize),
}

impl Both<'_> {
    /// The node's row for every region present in either version, into `rows`, and its
    /// summary.
    fn compare(&self, year: i32, lang: &str, rows: &mut Vec<Row>) -> NodeSummary {
        let (old, new) = (self.old, self.new);
        let ((yo, yn), (n_old, n_new)) = (self.year, self.node);
        let node = &new.spec.framework.nodes[n_new];
        let name = node.name.get(lang).unwrap_or(&node.id).to_string();
        let (mut ranked, mut moved, mut largest, mut ranked_once) = (0, 0, Move::default(), 0);
        let (mut ro, mut rn) = (Vec::new(), Vec::new());
        for (un, unit) in new.panel.units.iter().enumerate() {
            let uo = old.panel.units.find(&unit.code);
            let present_new = new.panel.is_present(yn, un);
            let present_old = uo.is_some_and(|uo| old.panel.is_present(yo, uo));
            if !present_new && !present_old {
                continue;
            }
            let old_score = uo.and_then(|uo| old.scores.get(n_old, yo, uo));
            let old_rank = uo.and_then(|uo| old.rank(n_old, yo, uo));
            let new_score = new.scores.get(n_new, yn, un);
            let new_rank = new.rank(n_new, yn, un);
            let rank_change = old_rank.zip(new_rank).map(|(o, n)| Rank::moved(o, n));
            match (old_rank, new_rank) {
                (Some(o), Some(n)) => {
                    ranked += 1;
                    if o != n {
                        moved += 1;
                    }
                    largest = largest.max(Rank::moved(o, n).abs());
                    ro.push(o.value());
                    rn.push(n.value());
                }
                (None, None) => {}
                _ => ranked_once += 1,
            }
            rows.push(Row {
                year,
                region_code: unit.code.clone(),
                region_name: unit.name.get(lang).unwrap_or(&unit.code).to_string(),
                node_id: node.id.clone(),
                node_name: name.clone(),
                level: node.level,
                old_score,
                new_score,
                score_change: old_score.zip(new_score).map(|(o, n)| n - o),
                old_rank,
                new_rank,
                rank_change,
            });
        }
        NodeSummary {
            year,
            node_id: node.id.clone(),
            node_name: name,
            level: node.level,
            ranked,
            moved,
            largest_move: largest,
            spearman: if ro.len() >= 2 {
                crate::stats::spearman(&ro, &rn).filter(|r| r.is_finite())
            } else {
                None
            },
            ranked_once,
        }
    }
}

mod render;
pub mod revisions;

pub use render::{DiffFormat, View, headline, render};

/// The slope chart of the shown node and year: each region's old rank joined to its new one.
pub fn slope_chart(d: &Diff, view: &View) -> crate::chart::Chart {
    let title = headline(d, view);
    crate::chart::Chart::Slope(crate::chart::Slope {
        title,
        from_label: render::before_after(view.lang).0.to_string(),
        to_label: render::before_after(view.lang).1.to_string(),
        items: d
            .table(view.node, view.year)
            .into_iter()
            .map(|r| (r.region_name.clone(), r.old_rank, r.new_rank))
            .collect(),
    })
}
