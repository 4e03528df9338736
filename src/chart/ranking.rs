//! Ranking bar chart: regions sorted by a node's score, national average marked, values printed.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    BAR, DrawResult, GRID, INK, MUTED, NATIONAL, clip, dashed, fmt_score, line, rect, style, text,
};

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
        let values = bars.iter().filter_map(|b| b.1);
        let lo = values.clone().fold(self.scale.0, f64::min);
        let hi = values.fold(self.scale.1, f64::max);
        let x = |v: f64| LEFT + ((v - lo) / (hi - lo) * (RIGHT - LEFT) as f64).round() as i32;
        let bottom = TOP + ROW * bars.len() as i32;
        text(
            area,
            &self.title,
            (20, 26),
            &style(20, INK, HPos::Left, VPos::Center),
        )?;
        for k in 0..=4 {
            let v = lo + (hi - lo) * k as f64 / 4.0;
            line(area, vec![(x(v), TOP - 6), (x(v), bottom)], GRID, 1)?;
            text(
                area,
                &format!("{v:.0}"),
                (x(v), bottom + 14),
                &style(12, MUTED, HPos::Center, VPos::Center),
            )?;
        }
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
                &clip(label, 38),
                (LEFT - 8, y + ROW / 2),
                &style(14, INK, HPos::Right, VPos::Center),
            )?;
            match score {
                Some(v) => {
                    rect(area, (LEFT, y + 3), (x(*v).max(LEFT + 1), y + ROW - 3), BAR)?;
                    text(
                        area,
                        &fmt_score(Some(*v)),
                        (x(*v) + 6, y + ROW / 2),
                        &style(13, INK, HPos::Left, VPos::Center),
                    )?;
                }
                None => text(
                    area,
                    &self.no_data,
                    (LEFT + 6, y + ROW / 2),
                    &style(13, MUTED, HPos::Left, VPos::Center),
                )?,
            }
        }
        Ok(())
    }
}
