//! Region profile: one region's scores on each direction and component, with the national
//! average of each marked.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{Axis, BAR, DrawResult, INK, NATIONAL, fit, line, rect, style, text};

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
        let axis = Axis::new(
            LEFT,
            RIGHT,
            self.scale,
            self.items.iter().flat_map(|i| [i.2, i.3]).flatten(),
        );
        let bottom = TOP + ROW * self.items.len() as i32;
        axis.grid(area, TOP - 4, bottom)?;
        for (i, (label, depth, score, national)) in self.items.iter().enumerate() {
            let y = TOP + ROW * i as i32;
            let indent = 16 * depth.saturating_sub(1) as i32;
            let size = if *depth <= 1 { 15 } else { 13 };
            text(
                area,
                &fit(
                    label,
                    (LEFT - 28 - indent) as u32,
                    &style(size, INK, HPos::Left, VPos::Center),
                ),
                (20 + indent, y + ROW / 2),
                &style(size, INK, HPos::Left, VPos::Center),
            )?;
            // The national marker first; the value's label goes after it when it would
            // cover it.
            if let Some(n) = national {
                line(
                    area,
                    vec![(axis.x(*n), y + 2), (axis.x(*n), y + ROW - 2)],
                    NATIONAL,
                    3,
                )?;
            }
            axis.bar(area, (y + 5, y + ROW - 5), *score, &self.no_data, *national)?;
        }
        Ok(())
    }
}
