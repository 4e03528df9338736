//! Tile-grid map: one tile per region at the (row, column) the spec declares, coloured by score,
//! with a legend. Any country can lay out its own grid.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{
    DrawResult, GAP, INK, MUTED, clip, fmt_score, rect, scale_colour, style, text, text_on,
};

#[derive(Debug, Clone)]
pub struct TileMap {
    pub title: String,
    /// Region label, (row, column), score.
    pub tiles: Vec<(String, (u32, u32), Option<f64>)>,
    pub scale: (f64, f64),
    pub no_data: String,
}

const TILE_W: i32 = 132;
const TILE_H: i32 = 84;
const TOP: i32 = 56;
const LEFT: i32 = 20;

impl TileMap {
    fn grid(&self) -> (i32, i32) {
        let rows = self.tiles.iter().map(|t| t.1.0).max().map_or(0, |r| r + 1);
        let cols = self.tiles.iter().map(|t| t.1.1).max().map_or(0, |c| c + 1);
        (rows as i32, cols as i32)
    }

    pub(super) fn size(&self) -> (u32, u32) {
        let (rows, cols) = self.grid();
        (
            (LEFT * 2 + TILE_W * cols.max(4)) as u32,
            (TOP + TILE_H * rows + 80) as u32,
        )
    }

    pub(super) fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        text(
            area,
            &self.title,
            (20, 26),
            &style(20, INK, HPos::Left, VPos::Center),
        )?;
        let (lo, hi) = self.scale;
        for (label, (row, col), score) in &self.tiles {
            let x = LEFT + TILE_W * *col as i32;
            let y = TOP + TILE_H * *row as i32;
            let fill = score.map_or(GAP, |v| scale_colour(v, lo, hi));
            let ink = if score.is_some() {
                text_on(fill)
            } else {
                MUTED
            };
            rect(area, (x + 2, y + 2), (x + TILE_W - 2, y + TILE_H - 2), fill)?;
            // Two lines of name, then the score.
            let words: Vec<&str> = label.split_whitespace().collect();
            let (a, b) = match words.len() {
                0 | 1 => (label.clone(), String::new()),
                n => (words[..n - 1].join(" "), words[n - 1].to_string()),
            };
            super::layout::part_of(label);
            text(
                area,
                &clip(&a, 17),
                (x + TILE_W / 2, y + 20),
                &style(12, ink, HPos::Center, VPos::Center),
            )?;
            super::layout::part_of(label);
            text(
                area,
                &clip(&b, 17),
                (x + TILE_W / 2, y + 36),
                &style(12, ink, HPos::Center, VPos::Center),
            )?;
            let value = if score.is_some() {
                fmt_score(*score)
            } else {
                self.no_data.clone()
            };
            text(
                area,
                &value,
                (x + TILE_W / 2, y + 60),
                &style(17, ink, HPos::Center, VPos::Center),
            )?;
        }
        // Legend: the colour scale from low to high.
        let (rows, _) = self.grid();
        let ly = TOP + TILE_H * rows + 24;
        for k in 0..200 {
            let v = lo + (hi - lo) * k as f64 / 199.0;
            rect(
                area,
                (LEFT + 40 + k, ly),
                (LEFT + 41 + k, ly + 14),
                scale_colour(v, lo, hi),
            )?;
        }
        text(
            area,
            &format!("{lo:.0}"),
            (LEFT + 34, ly + 7),
            &style(12, INK, HPos::Right, VPos::Center),
        )?;
        text(
            area,
            &format!("{hi:.0}"),
            (LEFT + 246, ly + 7),
            &style(12, INK, HPos::Left, VPos::Center),
        )?;
        rect(area, (LEFT + 300, ly), (LEFT + 320, ly + 14), GAP)?;
        text(
            area,
            &self.no_data,
            (LEFT + 326, ly + 7),
            &style(12, INK, HPos::Left, VPos::Center),
        )?;
        Ok(())
    }
}
