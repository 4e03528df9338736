//! Region profile: one region's scores on each direction and component, with the national
//! average of each marked.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    BAR, DrawResult, GRID, INK, MUTED, NATIONAL, clip, fmt_score, line, rect, style, text,
};

#[derive(Debug, Clone)]
pub struct Profile {
    pub title: String,
    /// Node label, depth below the index (1 = direction), region score, national average.
    pub items: Vec<(String, usize, Option<f64>, Option<f64>)>,
    pub scale: (f64, f64),
    pub region_label: String,
    pub national_label: String,
    pub no_data: String,
}

const LEFT: i32 = 330;
const RIGHT: i32 = 790;
const TOP: i32 = 80;
const ROW: i32 = 28;

impl Profile {
    pub(super) fn size(&self) -> (u32, u32) {
        (900, (TOP + ROW * self.items.len() as i32 + 44) as u32)
    }

    pub(super) fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        text(
            area,
            &self.title,
            (20, 26),
            &style(20, INK, HPos::Left, VPos::Center),
        )?;
        // Legend.
        rect(area, (20, 48), (34, 60), BAR)?;
        text(
            area,
            &self.region_label,
            (40, 54),
            &style(13, INK, HPos::Left, VPos::Center),
        )?;
        line(area, vec![(320, 46), (320, 62)], NATIONAL, 3)?;
        text(
            area,
            &self.national_label,
            (328, 54),
            &style(13, INK, HPos::Left, VPos::Center),
        )?;
        let values = self.items.iter().flat_map(|i| [i.2, i.3]).flatten();
        let lo = values.clone().fold(self.scale.0, f64::min);
        let hi = values.fold(self.scale.1, f64::max);
        let x = |v: f64| LEFT + ((v - lo) / (hi - lo) * (RIGHT - LEFT) as f64).round() as i32;
        let bottom = TOP + ROW * self.items.len() as i32;
        for k in 0..=4 {
            let v = lo + (hi - lo) * k as f64 / 4.0;
            line(area, vec![(x(v), TOP - 4), (x(v), bottom)], GRID, 1)?;
            text(
                area,
                &format!("{v:.0}"),
                (x(v), bottom + 14),
                &style(12, MUTED, HPos::Center, VPos::Center),
            )?;
        }
        for (i, (label, depth, score, national)) in self.items.iter().enumerate() {
            let y = TOP + ROW * i as i32;
            let indent = 16 * depth.saturating_sub(1) as i32;
            let size = if *depth <= 1 { 15 } else { 13 };
            text(
                area,
                &clip(label, 36),
                (20 + indent, y + ROW / 2),
                &style(size, INK, HPos::Left, VPos::Center),
            )?;
            match score {
                Some(v) => {
                    rect(area, (LEFT, y + 5), (x(*v).max(LEFT + 1), y + ROW - 5), BAR)?;
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
            if let Some(n) = national {
                line(
                    area,
                    vec![(x(*n), y + 2), (x(*n), y + ROW - 2)],
                    NATIONAL,
                    3,
                )?;
            }
        }
        Ok(())
    }
}
