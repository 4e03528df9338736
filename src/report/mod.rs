//! The yearly report: charts, a self-contained HTML page and an Excel workbook, all in one
//! language, built from computed results.

mod appendix;
mod html;
mod markup;
pub mod methods;
mod sensitivity;
mod xlsx;

use crate::chart::{Chart, Heatmap, Profile, Ranking, Rendered, Slope, TileMap, Trends};
use crate::i18n;
use crate::pipeline::Results;
use crate::spec::NodeKind;

pub use html::render as render_html;
pub use xlsx::render as render_xlsx;

#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("the data have no year {year}; they cover {available:?}")]
    NoYear { year: i32, available: Vec<i32> },
    #[error("no region has an index score in {0}: nothing to report")]
    EmptyYear(i32),
    #[error("node \"{node}\" is not in the framework; did you mean \"{suggestion}\"?")]
    NoNode { node: String, suggestion: String },
    #[error("{0}")]
    Chart(#[from] crate::chart::ChartError),
    #[error("cannot write the workbook: {0}")]
    Workbook(String),
}

/// The position of `year` in the panel, or of the latest year when none is asked for.
pub fn year_position(panel: &crate::panel::Panel, year: Option<i32>) -> Result<usize, ReportError> {
    match year {
        None => Ok(panel.years.len() - 1),
        Some(wanted) => panel.year_position(wanted).ok_or(ReportError::NoYear {
            year: wanted,
            available: panel.years.clone(),
        }),
    }
}

/// What a report is about: the results, the language and the year.
pub struct Context<'a> {
    pub results: &'a Results,
    pub lang: String,
    /// Position of the report's year in the panel.
    pub year: usize,
    /// Position of the previous year in the panel, if the data have one.
    pub previous: Option<usize>,
    /// The node the ranking, map, trends and rank changes show (default: the index).
    pub node: usize,
}

impl<'a> Context<'a> {
    /// The report's year: `year`, or the latest in the data; its node: `node`, or the index.
    pub fn new(
        results: &'a Results,
        lang: &str,
        year: Option<i32>,
        node: Option<&str>,
    ) -> Result<Self, ReportError> {
        let fw = &results.spec.framework;
        let node = match node {
            None => 0,
            Some(id) => fw.position(id).ok_or_else(|| ReportError::NoNode {
                node: id.to_string(),
                suggestion: crate::diagnostic::nearest(id, fw.nodes.iter().map(|n| n.id.as_str()))
                    .unwrap_or(&fw.nodes[0].id)
                    .to_string(),
            })?,
        };
        let years = &results.panel.years;
        let y = year_position(&results.panel, year)?;
        if (0..results.panel.units.len()).all(|u| results.scores.get(0, y, u).is_none()) {
            return Err(ReportError::EmptyYear(years[y]));
        }
        Ok(Context {
            results,
            lang: lang.to_string(),
            year: y,
            previous: y.checked_sub(1),
            node,
        })
    }

    pub fn words(&self) -> &'static i18n::Words {
        i18n::words(&self.lang)
    }

    pub fn year_value(&self) -> i32 {
        self.results.panel.years[self.year]
    }

    pub fn node_name(&self, node: usize) -> String {
        let n = &self.results.spec.framework.nodes[node];
        n.name.get(&self.lang).unwrap_or(&n.id).to_string()
    }

    pub fn region_name(&self, unit: usize) -> String {
        let u = self.results.panel.units.get(unit);
        u.name.get(&self.lang).unwrap_or(&u.code).to_string()
    }

    /// A region's name by its code (the code itself when the run has no such region).
    pub fn region_name_of(&self, code: &str) -> String {
        self.results
            .panel
            .units
            .find(code)
            .map_or(code.to_string(), |u| self.region_name(u))
    }

    /// A node's name by its id (the id itself when the framework has no such node).
    pub fn node_name_of(&self, id: &str) -> String {
        self.results
            .spec
            .framework
            .position(id)
            .map_or(id.to_string(), |n| self.node_name(n))
    }

    /// Units present in the report's year.
    pub fn units(&self) -> Vec<usize> {
        self.results.panel.present_units(self.year)
    }

    /// The national value of a node: the unweighted mean of the regions' scores that year.
    pub fn national(&self, node: usize, year: usize) -> Option<f64> {
        let scores: Vec<f64> = self
            .results
            .panel
            .pooled_units(year)
            .into_iter()
            .filter_map(|u| self.results.scores.get(node, year, u))
            .collect();
        (!scores.is_empty()).then(|| scores.iter().sum::<f64>() / scores.len() as f64)
    }

    /// Whether a region's values in a year were carried across a boundary change (a
    /// reconstruction, not an observation).
    pub fn carried(&self, unit: usize, year: usize) -> bool {
        let r = self.results;
        let (code, year) = (&r.panel.units.get(unit).code, r.panel.years[year]);
        r.carried
            .iter()
            .any(|c| c.year == year && &c.region == code)
    }

    /// The change of a node's national value from year `before` to `year`, like for like: the
    /// mean over the regions with a score in both years, neither reconstructed, minus the mean
    /// of the same regions before; with how many regions that is and how many the year has.
    pub fn national_change(
        &self,
        node: usize,
        before: usize,
        year: usize,
    ) -> (Option<f64>, usize, usize) {
        let r = self.results;
        let present = r.panel.pooled_units(year);
        if r.broken(node, before) || r.broken(node, year) {
            // Built from other indicators in one of the years: no change to show.
            return (None, present.len(), present.len());
        }
        let pairs: Vec<(f64, f64)> = present
            .iter()
            .filter(|&&u| !self.carried(u, before) && !self.carried(u, year))
            .filter_map(|&u| Some((r.scores.get(node, year, u)?, r.scores.get(node, before, u)?)))
            .collect();
        let n = pairs.len() as f64;
        let change = (!pairs.is_empty()).then(|| {
            pairs.iter().map(|p| p.0).sum::<f64>() / n - pairs.iter().map(|p| p.1).sum::<f64>() / n
        });
        (change, pairs.len(), present.len())
    }

    /// Nodes one level below the index (the directions).
    pub fn directions(&self) -> Vec<usize> {
        self.results.spec.framework.nodes[0].children.clone()
    }

    /// Groups below the index in framework order, with their depth: the profile's rows.
    fn profile_nodes(&self) -> Vec<usize> {
        let fw = &self.results.spec.framework;
        (1..fw.nodes.len())
            .filter(|&n| matches!(fw.nodes[n].kind, NodeKind::Group { .. }))
            .collect()
    }

    /// The region's indicators sorted by score minus the national value, best first.
    pub fn relative_indicators(&self, unit: usize) -> Vec<(usize, f64)> {
        let fw = &self.results.spec.framework;
        let mut out: Vec<(usize, f64)> = fw
            .indicators
            .iter()
            .filter_map(|&n| {
                let own = self.results.scores.get(n, self.year, unit)?;
                Some((n, own - self.national(n, self.year)?))
            })
            .collect();
        out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        out
    }

    fn scale(&self) -> (f64, f64) {
        self.results.spec.index.scale
    }

    /// " (lower is better)" in the report's language for a lower-is-better index, whose
    /// charts would otherwise read the wrong way round; empty otherwise.
    pub fn direction_note(&self) -> String {
        match self.results.spec.index.direction {
            crate::spec::Direction::Higher => String::new(),
            crate::spec::Direction::Lower => format!(" ({})", self.words().lower_better),
        }
    }

    /// Every chart of the report, with its file name (without extension).
    pub fn charts(&self) -> Result<Vec<(String, Chart)>, ReportError> {
        let r = self.results;
        let year = self.year_value();
        let node_id = &r.spec.framework.nodes[self.node].id;
        // Every region present in some year: the trends and the rank changes show them all.
        let all_units: Vec<usize> = (0..r.panel.units.len())
            .filter(|&u| (0..r.panel.years.len()).any(|y| r.panel.is_present(y, u)))
            .collect();
        let mut out = vec![
            (format!("ranking-{node_id}-{year}"), self.ranking_chart()),
            (format!("heatmap-directions-{year}"), self.heatmap_chart()),
            (format!("trends-{node_id}"), self.trends_chart(&all_units)),
        ];
        if let Some(p) = self.previous {
            let from = r.panel.years[p];
            out.push((
                format!("slope-{node_id}-{from}-{year}"),
                self.slope_chart(p, &all_units),
            ));
        }
        if let Some(map) = self.tile_map()? {
            out.push((format!("map-{node_id}-{year}"), Chart::TileMap(map)));
        }
        out.push((
            format!("correlations-{year}"),
            crate::audit::correlation_chart(r, self.year, &self.lang, self.words().correlations),
        ));
        let groups = self.profile_nodes();
        for u in self.units() {
            let code = &r.panel.units.get(u).code;
            out.push((
                format!("profile-{code}-{year}"),
                self.profile_chart(u, &groups),
            ));
        }
        Ok(out)
    }

    /// The node's scores in the year, region by region, beside the national score.
    fn ranking_chart(&self) -> Chart {
        let w = self.words();
        let r = self.results;
        let node = self.node;
        Chart::Ranking(Ranking {
            title: format!(
                "{}, {}{}",
                self.node_name(node),
                self.year_value(),
                self.direction_note()
            ),
            bars: self
                .units()
                .into_iter()
                .map(|u| (self.region_name(u), r.scores.get(node, self.year, u)))
                .collect(),
            average: self.national(node, self.year),
            average_label: w.national_average.to_string(),
            no_data: w.no_data.to_string(),
            scale: self.scale(),
        })
    }

    /// The index and its directions, region by region, the best index score first.
    fn heatmap_chart(&self) -> Chart {
        let w = self.words();
        let r = self.results;
        let directions = self.directions();
        let mut rows: Vec<(usize, Option<f64>)> = self
            .units()
            .into_iter()
            .map(|u| (u, r.scores.get(0, self.year, u)))
            .collect();
        rows.sort_by(|a, b| {
            b.1.unwrap_or(f64::NEG_INFINITY)
                .total_cmp(&a.1.unwrap_or(f64::NEG_INFINITY))
        });
        Chart::Heatmap(Heatmap {
            title: format!("{}, {}", w.directions, self.year_value()),
            columns: std::iter::once(self.node_name(0))
                .chain(directions.iter().map(|&d| self.node_name(d)))
                .collect(),
            rows: rows
                .iter()
                .map(|&(u, _)| {
                    let scores = std::iter::once(0)
                        .chain(directions.iter().copied())
                        .map(|n| r.scores.get(n, self.year, u))
                        .collect();
                    (self.region_name(u), scores)
                })
                .collect(),
            scale: self.scale(),
            cell_width: 124,
            decimals: 1,
        })
    }

    /// The node's score of every region over the years, with the national line.
    fn trends_chart(&self, all_units: &[usize]) -> Chart {
        let w = self.words();
        let r = self.results;
        let node = self.node;
        Chart::Trends(Trends {
            title: format!(
                "{}: {}{}",
                self.node_name(node),
                w.trends.to_lowercase(),
                self.direction_note()
            ),
            years: r.panel.years.clone(),
            series: all_units
                .iter()
                .map(|&u| {
                    (
                        self.region_name(u),
                        (0..r.panel.years.len())
                            .map(|y| r.scores.get(node, y, u))
                            .collect(),
                    )
                })
                .collect(),
            national: (0..r.panel.years.len())
                .map(|y| self.national(node, y))
                .collect(),
            national_label: w.national_average.to_string(),
        })
    }

    /// The node's ranks in year `p` and in the report's year, region by region.
    fn slope_chart(&self, p: usize, all_units: &[usize]) -> Chart {
        let w = self.words();
        let r = self.results;
        let node = self.node;
        let (from, year) = (r.panel.years[p], self.year_value());
        // Like for like: ranks among the regions ranked in both years when the years rank
        // different regions.
        let common = r.common_ranks(node, p, self.year);
        let ranks = |y: usize, u: usize, side: usize| match &common {
            Some(c) => [&c.0, &c.1][side][u],
            None => r.rank(node, y, u),
        };
        Chart::Slope(Slope {
            title: format!(
                "{} — {}: {from} → {year}",
                self.node_name(node),
                w.rank_changes
            ),
            from_label: from.to_string(),
            to_label: year.to_string(),
            items: all_units
                .iter()
                .map(|&u| {
                    (
                        self.region_name(u),
                        // A reconstructed rank did not move: no line from it.
                        ranks(p, u, 0).filter(|_| {
                            !self.carried(u, p)
                                && !self.carried(u, self.year)
                                && !r.broken(node, p)
                                && !r.broken(node, self.year)
                        }),
                        ranks(self.year, u, 1),
                    )
                })
                .collect(),
        })
    }

    /// One region's profile: its scores of the profile's nodes (`groups`) beside the national
    /// ones.
    fn profile_chart(&self, u: usize, groups: &[usize]) -> Chart {
        let w = self.words();
        let r = self.results;
        Chart::Profile(Profile {
            title: format!("{}, {}", self.region_name(u), self.year_value()),
            items: groups
                .iter()
                .map(|&n| {
                    (
                        self.node_name(n),
                        r.spec.framework.nodes[n].level,
                        r.scores.get(n, self.year, u),
                        self.national(n, self.year),
                    )
                })
                .collect(),
            scale: self.scale(),
            region_label: self.region_name(u),
            national_label: w.national_average.to_string(),
            no_data: w.no_data.to_string(),
        })
    }

    /// The tile map, when the spec lays out tiles; every region present must have one.
    fn tile_map(&self) -> Result<Option<TileMap>, ReportError> {
        let r = self.results;
        let units = self.units();
        if units.iter().all(|&u| r.panel.units.get(u).tile.is_none()) {
            return Ok(None);
        }
        let missing: Vec<&str> = units
            .iter()
            .filter(|&&u| r.panel.units.get(u).tile.is_none())
            .map(|&u| r.panel.units.get(u).code.as_str())
            .collect();
        if !missing.is_empty() {
            return Err(crate::chart::ChartError::Data(format!(
                "the tile map has no place for {}: add tile_row and tile_col (or tile = [row, column]) for them in the spec's units",
                missing.join(", ")
            ))
            .into());
        }
        let mut seen = std::collections::HashMap::new();
        for &u in &units {
            let unit = r.panel.units.get(u);
            let tile = unit.tile.expect("checked above");
            if let Some(other) = seen.insert(tile, unit.code.as_str()) {
                return Err(crate::chart::ChartError::Data(format!(
                    "regions {other} and {} share the tile at row {}, column {}: give each region its own tile",
                    unit.code, tile.0, tile.1
                ))
                .into());
            }
        }
        Ok(Some(TileMap {
            title: format!(
                "{}, {}{}",
                self.node_name(self.node),
                self.year_value(),
                self.direction_note()
            ),
            tiles: units
                .iter()
                .map(|&u| {
                    (
                        self.region_name(u),
                        r.panel.units.get(u).tile.expect("checked above"),
                        r.scores.get(self.node, self.year, u),
                    )
                })
                .collect(),
            scale: self.scale(),
            no_data: self.words().no_data.to_string(),
        }))
    }
}

/// Renders every chart of the report.
pub fn render_charts(ctx: &Context) -> Result<Vec<(String, Rendered)>, ReportError> {
    ctx.charts()?
        .into_iter()
        .map(|(name, chart)| Ok((name, chart.render()?)))
        .collect()
}
