//! Rank changes between two years (or two versions of an index): a slope chart, one line per
//! region from its first rank to its second; green when it rose, red when it fell.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{DrawResult, INK, MUTED, clip, line, style, text};
use crate::rank::Rank;

#[derive(Debug, Clone)]
pub struct Slope {
    pub title: String,
    /// The two columns' headings: the years, or the base and the changed index of `cwi diff`.
    pub from_label: String,
    pub to_label: String,
    /// Region label, rank in the first year, rank in the second.
    pub items: Vec<(String, Option<Rank>, Option<Rank>)>,
}

const LEFT: i32 = 330;
const RIGHT: i32 = 570;
const TOP: i32 = 76;
const ROW: i32 = 22;
const UP: RGBColor = RGBColor(26, 150, 65);
const DOWN: RGBColor = RGBColor(215, 48, 39);

impl Slope {
    fn rows(&self) -> i32 {
        self.items
            .iter()
            .flat_map(|i| [i.1, i.2])
            .flatten()
            .map(|r| r.halves().div_ceil(2))
            .max()
            .unwrap_or(1)
            .max(self.items.len() as u32) as i32
    }

    pub(super) fn size(&self) -> (u32, u32) {
        (900, (TOP + ROW * self.rows() + 20) as u32)
    }

    pub(super) fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        text(
            area,
            &self.title,
            (20, 26),
            &style(20, INK, HPos::Left, VPos::Center),
        )?;
        text(
            area,
            &self.from_label,
            (LEFT, TOP - 22),
            &style(15, INK, HPos::Center, VPos::Center),
        )?;
        text(
            area,
            &self.to_label,
            (RIGHT, TOP - 22),
            &style(15, INK, HPos::Center, VPos::Center),
        )?;
        // A rank's row, in halves: a shared 2.5 sits between rows 2 and 3.
        let y = |halves: u32| TOP + ROW * (halves as i32 - 2) / 2 + ROW / 2;
        let mut missing_left = self.rows();
        let mut missing_right = self.rows();
        for (label, a, b) in &self.items {
            let ya = a.map(|r| y(r.halves()));
            let yb = b.map(|r| y(r.halves()));
            if let (Some(ya), Some(yb)) = (ya, yb) {
                let colour = match (a, b) {
                    (Some(a), Some(b)) if b < a => UP,
                    (Some(a), Some(b)) if b > a => DOWN,
                    _ => MUTED,
                };
                line(area, vec![(LEFT, ya), (RIGHT, yb)], colour, 2)?;
                area.draw(&Circle::new((LEFT, ya), 3, colour.filled()))?;
                area.draw(&Circle::new((RIGHT, yb), 3, colour.filled()))?;
            }
            let la = ya.unwrap_or_else(|| {
                missing_left -= 1;
                y(2 * (missing_left as u32 + 1))
            });
            let lb = yb.unwrap_or_else(|| {
                missing_right -= 1;
                y(2 * (missing_right as u32 + 1))
            });
            let rank = |r: &Option<Rank>| r.map_or("–".to_string(), |r| r.to_string());
            text(
                area,
                &format!("{}  {}", clip(label, 32), rank(a)),
                (LEFT - 10, la),
                &style(13, INK, HPos::Right, VPos::Center),
            )?;
            text(
                area,
                &format!("{}  {}", rank(b), clip(label, 32)),
                (RIGHT + 10, lb),
                &style(13, INK, HPos::Left, VPos::Center),
            )?;
        }
        Ok(())
    }
}
