//! Heatmap: regions x the nodes of one level, each cell coloured and labelled with its score.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, VPos};

use super::{DrawResult, GAP, INK, MUTED, clip, fit, rect, scale_colour, style, text, text_on};

#[derive(Debug, Clone)]
pub struct Heatmap {
    pub title: String,
    pub columns: Vec<String>,
    /// Region label and one score per column.
    pub rows: Vec<(String, Vec<Option<f64>>)>,
    pub scale: (f64, f64),
    /// Width of a cell in pixels (124 fits a direction's name; narrower for many columns).
    pub cell_width: i32,
    /// Decimals printed in each cell.
    pub decimals: usize,
}

const LEFT: i32 = 280;
const TOP: i32 = 92;
const CELL_H: i32 = 24;

/// Splits a label into at most two lines of about `width` characters.
fn two_lines(label: &str, width: usize) -> (String, String) {
    let mut first = String::new();
    let mut rest = String::new();
    for word in label.split_whitespace() {
        if rest.is_empty() && first.chars().count() + word.chars().count() < width {
            if !first.is_empty() {
                first.push(' ');
            }
            first.push_str(word);
        } else {
            if !rest.is_empty() {
                rest.push(' ');
            }
            rest.push_str(word);
        }
    }
    (first, clip(&rest, width))
}

impl Heatmap {
    pub(super) fn size(&self) -> (u32, u32) {
        (
            (LEFT + self.cell_width * self.columns.len() as i32 + 20) as u32,
            (TOP + CELL_H * self.rows.len() as i32 + 20) as u32,
        )
    }

    pub(super) fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> DrawResult<DB> {
        text(
            area,
            &self.title,
            (20, 26),
            &style(20, INK, HPos::Left, VPos::Center),
        )?;
        for (c, label) in self.columns.iter().enumerate() {
            let cx = LEFT + self.cell_width * c as i32 + self.cell_width / 2;
            let (a, b) = two_lines(label, (self.cell_width as usize / 7).max(4));
            super::layout::part_of(label);
            text(
                area,
                &a,
                (cx, TOP - 30),
                &style(13, INK, HPos::Center, VPos::Center),
            )?;
            super::layout::part_of(label);
            text(
                area,
                &b,
                (cx, TOP - 14),
                &style(13, INK, HPos::Center, VPos::Center),
            )?;
        }
        for (r, (label, scores)) in self.rows.iter().enumerate() {
            let y = TOP + CELL_H * r as i32;
            text(
                area,
                &fit(
                    label,
                    (LEFT - 28) as u32,
                    &style(14, INK, HPos::Right, VPos::Center),
                ),
                (LEFT - 8, y + CELL_H / 2),
                &style(14, INK, HPos::Right, VPos::Center),
            )?;
            for (c, score) in scores.iter().enumerate() {
                let (w, x) = (self.cell_width, LEFT + self.cell_width * c as i32);
                let fill = score.map_or(GAP, |v| scale_colour(v, self.scale.0, self.scale.1));
                rect(area, (x + 1, y + 1), (x + w - 1, y + CELL_H - 1), fill)?;
                let ink = if score.is_some() {
                    text_on(fill)
                } else {
                    MUTED
                };
                text(
                    area,
                    &score.map_or("–".to_string(), |v| format!("{v:.*}", self.decimals)),
                    (x + w / 2, y + CELL_H / 2),
                    &style(13, ink, HPos::Center, VPos::Center),
                )?;
            }
        }
        Ok(())
    }
}
