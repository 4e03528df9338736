//! Trends: a node's score per region over the years, with the national line.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{DrawResult, GRID, INK, MUTED, NATIONAL, clip, line, style, text};

#[derive(Debug, Clone)]
pub struct Trends {
    pub title: String,
    pub years: Vec<i32>,
    /// Region label and its score in each year.
    pub series: Vec<(String, Vec<Option<f64>>)>,
    pub national: Vec<Option<f64>>,
    pub national_label: String,
}

const LEFT: i32 = 70;
const RIGHT: i32 = 620;
const TOP: i32 = 60;
const BOTTOM: i32 = 560;
const REGION: RGBColor = RGBColor(120, 150, 180);

impl Trends {
    pub(super) fn size(&self) -> (u32, u32) {
        (900, 610)
    }

    pub(super) fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        text(
            area,
            &self.title,
            (20, 26),
            &style(20, INK, HPos::Left, VPos::Center),
        )?;
        let all = self
            .series
            .iter()
            .flat_map(|s| s.1.iter())
            .chain(&self.national)
            .filter_map(|v| *v);
        let (mut lo, mut hi) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
        if !lo.is_finite() {
            (lo, hi) = (0.0, 1.0);
        }
        let pad = ((hi - lo) * 0.05).max(0.5);
        let (lo, hi) = (lo - pad, hi + pad);
        let n = self.years.len().max(1);
        let x = |i: usize| {
            if n == 1 {
                (LEFT + RIGHT) / 2
            } else {
                LEFT + ((RIGHT - LEFT) as f64 * i as f64 / (n - 1) as f64) as i32
            }
        };
        let y = |v: f64| BOTTOM - ((v - lo) / (hi - lo) * (BOTTOM - TOP) as f64).round() as i32;
        for k in 0..=5 {
            let v = lo + (hi - lo) * k as f64 / 5.0;
            line(area, vec![(LEFT, y(v)), (RIGHT, y(v))], GRID, 1)?;
            text(
                area,
                &format!("{v:.0}"),
                (LEFT - 8, y(v)),
                &style(12, MUTED, HPos::Right, VPos::Center),
            )?;
        }
        for (i, year) in self.years.iter().enumerate() {
            text(
                area,
                &year.to_string(),
                (x(i), BOTTOM + 18),
                &style(13, INK, HPos::Center, VPos::Center),
            )?;
        }
        let mut labels: Vec<(i32, String, RGBColor)> = Vec::new();
        let mut draw_series =
            |values: &[Option<f64>], colour: RGBColor, width: u32, label: &str| -> DrawResult<DB> {
                let points: Vec<(i32, i32)> = values
                    .iter()
                    .enumerate()
                    .filter_map(|(i, v)| v.map(|v| (x(i), y(v))))
                    .collect();
                if points.len() > 1 {
                    line(area, points.clone(), colour, width)?;
                }
                for p in &points {
                    area.draw(&Circle::new(*p, width as i32 + 1, colour.filled()))?;
                }
                if let Some(last) = points.last() {
                    labels.push((last.1, label.to_string(), colour));
                }
                Ok(())
            };
        for (label, values) in &self.series {
            draw_series(values, REGION, 1, label)?;
        }
        draw_series(&self.national, NATIONAL, 3, &self.national_label)?;
        // Labels at the right, pushed apart so they do not overlap.
        labels.sort_by_key(|l| l.0);
        let mut next = TOP - 10;
        for (ly, label, colour) in labels {
            let at = ly.max(next);
            next = at + 13;
            let size = if colour == NATIONAL { 13 } else { 11 };
            text(
                area,
                &clip(&label, 30),
                (RIGHT + 14, at),
                &style(
                    size,
                    if colour == NATIONAL { NATIONAL } else { INK },
                    HPos::Left,
                    VPos::Center,
                ),
            )?;
        }
        Ok(())
    }
}
