//! Ranking bar chart: regions sorted by a node's score, national average marked, values printed.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Axis, DrawResult, INK, NATIONAL, dashed, fit, fmt_score, style, text};

#[derive(Debug, Clone)]
pub struct Ranking {
    pub title: String,
    /// Region label and score; sorted best first when drawn, gaps last.
    pub bars: Vec<(String, Option<f64>)>,
    pub average: Option<f64>,
    pub average_label: String,
    pub no_data: String,
    pub scale: (f64, f64),
}

const LEFT: i32 = 300;
const RIGHT: i32 = 800;
const TOP: i32 = 64;
const ROW: i32 = 24;

impl Ranking {
    pub(super) fn size(&self) -> (u32, u32) {
        (900, (TOP + ROW * self.bars.len() as i32 + 50) as u32)
    }

    pub(super) fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        let mut bars = self.bars.clone();
        bars.sort_by(|a, b| match (a.1, b.1) {
            (Some(x), Some(y)) => y.total_cmp(&x),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
        let axis = Axis::new(LEFT, RIGHT, self.scale, bars.iter().filter_map(|b| b.1));
        let x = |v: f64| axis.x(v);
        let bottom = TOP + ROW * bars.len() as i32;
        text(
            area,
            &self.title,
            (20, 26),
            &style(20, INK, HPos::Left, VPos::Center),
        )?;
        axis.grid(area, TOP - 6, bottom)?;
        if let Some(avg) = self.average {
            dashed(area, (x(avg), TOP - 14), (x(avg), bottom), NATIONAL)?;
            let label = format!("{} {}", self.average_label, fmt_score(Some(avg)));
            text(
                area,
                &label,
                (x(avg), TOP - 20),
                &style(13, NATIONAL, HPos::Center, VPos::Bottom),
            )?;
        }
        for (i, (label, score)) in bars.iter().enumerate() {
            let y = TOP + ROW * i as i32;
            text(
                area,
                &fit(
                    label,
                    (LEFT - 28) as u32,
                    &style(14, INK, HPos::Right, VPos::Center),
                ),
                (LEFT - 8, y + ROW / 2),
                &style(14, INK, HPos::Right, VPos::Center),
            )?;
            axis.bar(
                area,
                (y + 3, y + ROW - 3),
                *score,
                &self.no_data,
                self.average,
            )?;
        }
        Ok(())
    }
}
