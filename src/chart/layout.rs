//! Where a chart puts its labels and lines, for checking that it can be read: every label
//! inside the canvas (nothing clipped), no line through a label, and no two name labels the
//! same text. Drawing records each label (its text and its box, measured with the embedded
//! font as the backends draw it) and each line's segments while a layout is being taken.

use std::cell::RefCell;

use plotters::style::TextStyle;
use plotters::style::text_anchor::{HPos, VPos};

/// A label and its box (left, top, right, bottom) in pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    pub text: String,
    pub bounds: (i32, i32, i32, i32),
    /// Drawn on a white ground: lines drawn before it pass behind it.
    pub opaque: bool,
    /// Its place in the drawing order.
    pub order: usize,
    /// One line of a name drawn on several lines (not a name on its own).
    pub part: bool,
}

/// What a chart drew: its size, labels and line segments.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    pub size: (u32, u32),
    pub labels: Vec<Label>,
    /// Line segments with their place in the drawing order.
    pub segments: Vec<((i32, i32), (i32, i32), usize)>,
    /// Whole names drawn on several lines (`part` labels), for telling names apart.
    pub names: Vec<String>,
    drawn: usize,
    opaque_next: bool,
    part_next: bool,
}

thread_local! {
    static RECORDING: RefCell<Option<Layout>> = const { RefCell::new(None) };
}

pub(super) fn start(size: (u32, u32)) {
    RECORDING.with(|r| {
        *r.borrow_mut() = Some(Layout {
            size,
            ..Layout::default()
        })
    });
}

pub(super) fn finish() -> Layout {
    RECORDING.with(|r| r.borrow_mut().take().unwrap_or_default())
}

/// The next label is drawn on a white ground.
pub(super) fn opaque() {
    RECORDING.with(|r| {
        if let Some(layout) = r.borrow_mut().as_mut() {
            layout.opaque_next = true;
        }
    });
}

/// The next label is one line of `name`, drawn on several lines.
pub(super) fn part_of(name: &str) {
    RECORDING.with(|r| {
        if let Some(layout) = r.borrow_mut().as_mut() {
            layout.part_next = true;
            if layout.names.last().map(String::as_str) != Some(name) {
                layout.names.push(name.to_string());
            }
        }
    });
}

/// The box (left, top, right, bottom) of a label drawn at `at` in `style`, measured with the
/// font as the backends draw it.
pub(super) fn text_box(s: &str, at: (i32, i32), style: &TextStyle) -> (i32, i32, i32, i32) {
    let (w, h) = style.font.box_size(s).unwrap_or((0, 0));
    let (w, h) = (w as i32, h as i32);
    let left = match style.pos.h_pos {
        HPos::Left => at.0,
        HPos::Center => at.0 - w / 2,
        HPos::Right => at.0 - w,
    };
    let top = match style.pos.v_pos {
        VPos::Top => at.1,
        VPos::Center => at.1 - h / 2,
        VPos::Bottom => at.1 - h,
    };
    (left, top, left + w, top + h)
}

pub(super) fn text(s: &str, at: (i32, i32), style: &TextStyle) {
    RECORDING.with(|r| {
        let mut r = r.borrow_mut();
        let Some(layout) = r.as_mut() else { return };
        layout.drawn += 1;
        let label = Label {
            text: s.to_string(),
            bounds: text_box(s, at, style),
            opaque: std::mem::take(&mut layout.opaque_next),
            order: layout.drawn,
            part: std::mem::take(&mut layout.part_next),
        };
        layout.labels.push(label);
    });
}

pub(super) fn line(points: &[(i32, i32)]) {
    RECORDING.with(|r| {
        if let Some(layout) = r.borrow_mut().as_mut() {
            layout.drawn += 1;
            let order = layout.drawn;
            layout
                .segments
                .extend(points.windows(2).map(|w| (w[0], w[1], order)));
        }
    });
}

impl Layout {
    /// What makes the chart hard to read, one line each; empty when nothing does.
    pub fn problems(&self) -> Vec<String> {
        let (w, h) = (self.size.0 as i32, self.size.1 as i32);
        let mut out = Vec::new();
        for l in &self.labels {
            let (a, b, c, d) = l.bounds;
            if a < 0 || b < 0 || c > w || d > h {
                out.push(format!(
                    "\"{}\" is clipped: its box {:?} leaves the {w} x {h} canvas",
                    l.text, l.bounds
                ));
            }
            for &(p, q, order) in &self.segments {
                // A line drawn before a label on a white ground passes behind it.
                let hidden = l.opaque && order < l.order;
                if !hidden && crosses(p, q, l.bounds) {
                    out.push(format!(
                        "a line from {p:?} to {q:?} runs through \"{}\" at {:?}",
                        l.text, l.bounds
                    ));
                    break;
                }
            }
        }
        // Names (labels with a letter in them) are told apart by their text.
        let mut names: Vec<&str> = self
            .labels
            .iter()
            .filter(|l| !l.part)
            .map(|l| l.text.as_str())
            .chain(self.names.iter().map(String::as_str))
            .filter(|t| t.chars().any(char::is_alphabetic))
            .collect();
        names.sort_unstable();
        for pair in names.windows(2) {
            if pair[0] == pair[1] {
                out.push(format!("two labels read \"{}\"", pair[0]));
            }
        }
        out.dedup();
        out
    }
}

/// Whether the segment from `p` to `q` passes through the inside of a box (its edges, one
/// pixel in, excluded: a line may touch a label).
fn crosses(p: (i32, i32), q: (i32, i32), (l, t, r, b): (i32, i32, i32, i32)) -> bool {
    let (l, t, r, b) = (
        l as f64 + 1.0,
        t as f64 + 1.0,
        r as f64 - 1.0,
        b as f64 - 1.0,
    );
    if l >= r || t >= b {
        return false;
    }
    // Liang-Barsky clipping of the segment against the box.
    let (x0, y0) = (p.0 as f64, p.1 as f64);
    let (dx, dy) = (q.0 as f64 - x0, q.1 as f64 - y0);
    let (mut lo, mut hi) = (0.0f64, 1.0f64);
    for (pk, qk) in [(-dx, x0 - l), (dx, r - x0), (-dy, y0 - t), (dy, b - y0)] {
        if pk == 0.0 {
            if qk < 0.0 {
                return false;
            }
        } else {
            let u = qk / pk;
            if pk < 0.0 {
                lo = lo.max(u);
            } else {
                hi = hi.min(u);
            }
        }
    }
    lo < hi
}

#[cfg(test)]
mod tests {
    use super::{Label, Layout, crosses};

    fn label(text: &str, bounds: (i32, i32, i32, i32), order: usize, opaque: bool) -> Label {
        Label {
            text: text.into(),
            bounds,
            opaque,
            order,
            part: false,
        }
    }

    /// Each kind of problem is found: a label past the right edge, a line drawn over a label
    /// (but not one drawn before a label on a white ground), two names alike.
    #[test]
    fn problems_are_found_where_they_are() {
        let layout = Layout {
            size: (100, 50),
            labels: vec![
                label("Edge", (90, 5, 110, 15), 1, false),
                label("Over", (10, 20, 40, 30), 2, false),
                label("Under", (50, 20, 80, 30), 3, true),
                label("Twice", (10, 35, 40, 45), 4, false),
                label("Twice", (50, 35, 80, 45), 5, false),
                label("12.5", (0, 0, 10, 10), 6, false),
                label("12.5", (0, 40, 10, 50), 7, false),
            ],
            segments: vec![((0, 25), (45, 25), 9), ((45, 25), (90, 25), 0)],
            ..Layout::default()
        };
        let p = layout.problems();
        assert_eq!(p.len(), 3, "{p:?}");
        assert!(p[0].contains("\"Edge\" is clipped"));
        assert!(p[1].contains("runs through \"Over\""));
        assert!(p[2].contains("two labels read \"Twice\""));
    }

    #[test]
    fn a_segment_crosses_a_box_it_passes_through_and_not_one_it_misses() {
        let b = (10, 10, 30, 20);
        assert!(crosses((0, 15), (40, 15), b));
        assert!(crosses((20, 0), (20, 40), b));
        assert!(!crosses((0, 0), (40, 5), b));
        assert!(!crosses((0, 15), (9, 15), b));
        // Along an edge: touching, not through.
        assert!(!crosses((0, 10), (40, 10), b));
    }
}
