//! Rank uncertainty: each region's median rank over the Monte Carlo replications with its
//! 5th-95th percentile interval, and its nominal rank.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{BAR, DrawResult, GRID, INK, MUTED, NATIONAL, fit, line, style, text};
use crate::rank::Rank;

#[derive(Debug, Clone)]
pub struct Intervals {
    pub title: String,
    /// Region label, nominal rank, median, 5th and 95th percentile.
    pub items: Vec<(String, Rank, f64, f64, f64)>,
    pub median_label: String,
    pub nominal_label: String,
}

const LEFT: i32 = 300;
const RIGHT: i32 = 840;
const TOP: i32 = 70;
const ROW: i32 = 22;

impl Intervals {
    pub(super) fn size(&self) -> (u32, u32) {
        (900, (TOP + ROW * self.items.len() as i32 + 40) as u32)
    }

    pub(super) fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        text(
            area,
            &self.title,
            (20, 22),
            &style(20, INK, HPos::Left, VPos::Center),
        )?;
        area.draw(&Circle::new((26, 48), 5, BAR.filled()))?;
        text(
            area,
            &self.median_label,
            (36, 48),
            &style(13, INK, HPos::Left, VPos::Center),
        )?;
        // The second entry after the first, however long its words.
        let after = 36
            + style(13, INK, HPos::Left, VPos::Center)
                .font
                .box_size(&self.median_label)
                .map_or(280, |(w, _)| w as i32)
            + 30;
        area.draw(&Cross::new((after, 48), 5, NATIONAL.stroke_width(2)))?;
        text(
            area,
            &self.nominal_label,
            (after + 10, 48),
            &style(13, INK, HPos::Left, VPos::Center),
        )?;
        let mut items = self.items.clone();
        items.sort_by(|a, b| a.2.total_cmp(&b.2).then(a.1.cmp(&b.1)));
        let n = items.len().max(2) as f64;
        let x =
            |rank: f64| LEFT + ((rank - 1.0) / (n - 1.0) * (RIGHT - LEFT) as f64).round() as i32;
        let bottom = TOP + ROW * items.len() as i32;
        for r in 1..=items.len() {
            if r == 1 || r % 5 == 0 {
                line(
                    area,
                    vec![(x(r as f64), TOP - 6), (x(r as f64), bottom)],
                    GRID,
                    1,
                )?;
                text(
                    area,
                    &r.to_string(),
                    (x(r as f64), bottom + 14),
                    &style(12, MUTED, HPos::Center, VPos::Center),
                )?;
            }
        }
        for (i, (label, nominal, median, p05, p95)) in items.iter().enumerate() {
            let y = TOP + ROW * i as i32 + ROW / 2;
            text(
                area,
                &fit(
                    label,
                    (LEFT - 30) as u32,
                    &style(13, INK, HPos::Right, VPos::Center),
                ),
                (LEFT - 10, y),
                &style(13, INK, HPos::Right, VPos::Center),
            )?;
            line(area, vec![(x(*p05), y), (x(*p95), y)], BAR, 3)?;
            area.draw(&Circle::new((x(*median), y), 5, BAR.filled()))?;
            area.draw(&Cross::new(
                (x(nominal.value()), y),
                5,
                NATIONAL.stroke_width(2),
            ))?;
        }
        Ok(())
    }
}
