//! Charts: each kind a small module that draws on any plotters backend, rendered here to SVG
//! (for the HTML report) and PNG. Text uses DejaVu Sans compiled into the binary (Latin,
//! Cyrillic and the Kazakh letters ә ғ қ ң ө ұ ү һ і), so nothing depends on the fonts of the
//! machine.

mod heatmap;
mod intervals;
pub mod layout;
mod profile;
mod ranking;
mod slope;
mod tilemap;
mod trends;

use std::sync::Once;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

pub use heatmap::Heatmap;
pub use intervals::Intervals;
pub use profile::Profile;
pub use ranking::Ranking;
pub use slope::Slope;
pub use tilemap::TileMap;
pub use trends::Trends;

/// DejaVu Sans 2.37 (Bitstream Vera license, see fonts/LICENSE-DejaVu.txt).
static FONT: &[u8] = include_bytes!("fonts/DejaVuSans.ttf");
/// The embedded font's bytes (the HTML report embeds it too).
pub fn font_bytes() -> &'static [u8] {
    FONT
}

/// The family name charts use; registered to the embedded font.
pub const FAMILY: &str = "sans-serif";

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // The embedded font is a valid TrueType file, checked by the chart tests.
        plotters::style::register_font(FAMILY, FontStyle::Normal, FONT)
            .unwrap_or_else(|_| panic!("the embedded font cannot be read"));
    });
}

/// A chart of one kind, with its data already in the output language.
#[derive(Debug, Clone)]
pub enum Chart {
    /// Regions sorted by a node's score in one year, national average marked, values printed.
    Ranking(Ranking),
    /// Regions x the nodes of one level, cells coloured and labelled with scores.
    Heatmap(Heatmap),
    /// A node's score per region over the years, with the national line.
    Trends(Trends),
    /// Ranks in two years joined by lines (a slope chart of rank changes).
    Slope(Slope),
    /// One region's scores on each direction or component against the national average.
    Profile(Profile),
    /// One tile per region at the grid position the spec declares, coloured by score.
    TileMap(TileMap),
    /// Median ranks over Monte Carlo replications with their 5th-95th percentile intervals.
    Intervals(Intervals),
}

/// A rendered chart.
#[derive(Debug, Clone)]
pub struct Rendered {
    pub svg: String,
    pub png: Vec<u8>,
}

#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("cannot draw the {chart} chart: {message}")]
    Draw {
        chart: &'static str,
        message: String,
    },
    #[error("{0}")]
    Data(String),
}

impl Chart {
    pub fn name(&self) -> &'static str {
        match self {
            Chart::Ranking(_) => "ranking",
            Chart::Heatmap(_) => "heatmap",
            Chart::Trends(_) => "trends",
            Chart::Slope(_) => "slope",
            Chart::Profile(_) => "profile",
            Chart::TileMap(_) => "tile map",
            Chart::Intervals(_) => "rank intervals",
        }
    }

    fn size(&self) -> (u32, u32) {
        match self {
            Chart::Ranking(c) => c.size(),
            Chart::Heatmap(c) => c.size(),
            Chart::Trends(c) => c.size(),
            Chart::Slope(c) => c.size(),
            Chart::Profile(c) => c.size(),
            Chart::TileMap(c) => c.size(),
            Chart::Intervals(c) => c.size(),
        }
    }

    fn draw<DB: DrawingBackend>(&self, area: &DrawingArea<DB, Shift>) -> Result<(), String> {
        area.fill(&WHITE).map_err(|e| format!("{e:?}"))?;
        let result = match self {
            Chart::Ranking(c) => c.draw(area),
            Chart::Heatmap(c) => c.draw(area),
            Chart::Trends(c) => c.draw(area),
            Chart::Slope(c) => c.draw(area),
            Chart::Profile(c) => c.draw(area),
            Chart::TileMap(c) => c.draw(area),
            Chart::Intervals(c) => c.draw(area),
        };
        result.map_err(|e| format!("{e:?}"))?;
        area.present().map_err(|e| format!("{e:?}"))
    }

    /// Where the chart puts its labels and lines (drawn once, to SVG, while recording).
    pub fn layout(&self) -> Result<layout::Layout, ChartError> {
        register_font();
        let (w, h) = self.size();
        let mut svg = String::new();
        layout::start((w, h));
        let drawn = {
            let area = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            self.draw(&area)
        };
        let recorded = layout::finish();
        drawn.map_err(|message| ChartError::Draw {
            chart: self.name(),
            message,
        })?;
        Ok(recorded)
    }

    /// Draws the chart as SVG and as PNG.
    pub fn render(&self) -> Result<Rendered, ChartError> {
        register_font();
        let fail = |message| ChartError::Draw {
            chart: self.name(),
            message,
        };
        let (w, h) = self.size();
        let mut svg = String::new();
        {
            let area = SVGBackend::with_string(&mut svg, (w, h)).into_drawing_area();
            self.draw(&area).map_err(fail)?;
        }
        let mut pixels = vec![0u8; (w * h * 3) as usize];
        {
            let area = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
            self.draw(&area).map_err(fail)?;
        }
        Ok(Rendered {
            svg,
            png: encode_png(&pixels, w, h).map_err(fail)?,
        })
    }
}

fn encode_png(rgb: &[u8], w: u32, h: u32) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, w, h);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(rgb).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

// Colours shared by the charts.
pub(crate) const INK: RGBColor = RGBColor(33, 37, 41);
pub(crate) const MUTED: RGBColor = RGBColor(120, 124, 130);
pub(crate) const GRID: RGBColor = RGBColor(222, 226, 230);
pub(crate) const BAR: RGBColor = RGBColor(49, 104, 142);
pub(crate) const NATIONAL: RGBColor = RGBColor(214, 96, 77);
pub(crate) const GAP: RGBColor = RGBColor(236, 236, 236);

/// Sequential colour of a value in [lo, hi] (stops of the viridis palette, readable by people
/// with colour-vision deficiencies).
pub(crate) fn scale_colour(v: f64, lo: f64, hi: f64) -> RGBColor {
    const STOPS: [(u8, u8, u8); 5] = [
        (68, 1, 84),
        (59, 82, 139),
        (33, 145, 140),
        (94, 201, 98),
        (253, 231, 37),
    ];
    let t = if hi > lo {
        ((v - lo) / (hi - lo)).clamp(0.0, 1.0)
    } else {
        0.5
    };
    let x = t * (STOPS.len() - 1) as f64;
    let i = (x.floor() as usize).min(STOPS.len() - 2);
    let f = x - i as f64;
    let mix = |a: u8, b: u8| (a as f64 + (b as f64 - a as f64) * f).round() as u8;
    let (a, b) = (STOPS[i], STOPS[i + 1]);
    RGBColor(mix(a.0, b.0), mix(a.1, b.1), mix(a.2, b.2))
}

/// Black or white, whichever reads better on `bg`.
pub(crate) fn text_on(bg: RGBColor) -> RGBColor {
    let luma = 0.299 * bg.0 as f64 + 0.587 * bg.1 as f64 + 0.114 * bg.2 as f64;
    if luma > 140.0 { INK } else { WHITE }
}

pub(crate) fn style(size: u32, colour: RGBColor, h: HPos, v: VPos) -> TextStyle<'static> {
    (FAMILY, size)
        .into_font()
        .color(&colour)
        .pos(Pos::new(h, v))
}

pub(crate) fn text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    at: (i32, i32),
    st: &TextStyle,
) -> DrawResult<DB> {
    layout::text(s, at, st);
    area.draw(&Text::new(s.to_string(), at, st.clone()))
}

pub(crate) fn rect<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    from: (i32, i32),
    to: (i32, i32),
    colour: RGBColor,
) -> DrawResult<DB> {
    area.draw(&Rectangle::new([from, to], colour.filled()))
}

pub(crate) fn line<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    points: Vec<(i32, i32)>,
    colour: RGBColor,
    width: u32,
) -> DrawResult<DB> {
    layout::line(&points);
    area.draw(&PathElement::new(points, colour.stroke_width(width)))
}

/// A dashed vertical or horizontal line from `a` to `b`.
pub(crate) fn dashed<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    a: (i32, i32),
    b: (i32, i32),
    colour: RGBColor,
) -> DrawResult<DB> {
    let len = (((b.0 - a.0).pow(2) + (b.1 - a.1).pow(2)) as f64).sqrt();
    let steps = (len / 6.0).ceil().max(1.0) as i32;
    for k in (0..steps).step_by(2) {
        let p = |t: i32| {
            let f = (t as f64 / steps as f64).min(1.0);
            (
                a.0 + ((b.0 - a.0) as f64 * f) as i32,
                a.1 + ((b.1 - a.1) as f64 * f) as i32,
            )
        };
        line(area, vec![p(k), p(k + 1)], colour, 2)?;
    }
    Ok(())
}

/// A horizontal score axis from pixel `left` to `right`, covering the index scale and every
/// value drawn on it; shared by the bar charts.
pub(crate) struct Axis {
    left: i32,
    right: i32,
    lo: f64,
    hi: f64,
}

impl Axis {
    pub(crate) fn new(
        left: i32,
        right: i32,
        scale: (f64, f64),
        values: impl Iterator<Item = f64>,
    ) -> Axis {
        let (lo, hi) = values.fold(scale, |(lo, hi), v| (lo.min(v), hi.max(v)));
        Axis {
            left,
            right,
            lo,
            hi,
        }
    }

    pub(crate) fn x(&self, v: f64) -> i32 {
        self.left
            + ((v - self.lo) / (self.hi - self.lo) * (self.right - self.left) as f64).round() as i32
    }

    /// Five grid lines between `top` and `bottom`, labelled below.
    pub(crate) fn grid<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        top: i32,
        bottom: i32,
    ) -> DrawResult<DB> {
        for k in 0..=4 {
            let v = self.lo + (self.hi - self.lo) * k as f64 / 4.0;
            line(area, vec![(self.x(v), top), (self.x(v), bottom)], GRID, 1)?;
            text(
                area,
                &format!("{v:.0}"),
                (self.x(v), bottom + 14),
                &style(12, MUTED, HPos::Center, VPos::Center),
            )?;
        }
        Ok(())
    }

    /// A bar for `score` in the row from `y0` to `y1`, its value printed after it (after
    /// `avoid` too, a marker's value, when the label would cover it); a gap is written out as
    /// `no_data`.
    pub(crate) fn bar<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        (y0, y1): (i32, i32),
        score: Option<f64>,
        no_data: &str,
        avoid: Option<f64>,
    ) -> DrawResult<DB> {
        let mid = (y0 + y1) / 2;
        match score {
            Some(v) => {
                rect(
                    area,
                    (self.left, y0),
                    (self.x(v).max(self.left + 1), y1),
                    BAR,
                )?;
                let label = fmt_score(Some(v));
                let st = style(13, INK, HPos::Left, VPos::Center);
                let width = st.font.box_size(&label).map_or(0, |(w, _)| w as i32);
                let mut at = self.x(v) + 6;
                if let Some(marker) = avoid.map(|a| self.x(a))
                    && (at - 4..=at + width + 4).contains(&marker)
                {
                    at = marker + 6;
                }
                text_opaque(area, &label, (at, mid), &st)
            }
            None => text_opaque(
                area,
                no_data,
                (self.left + 6, mid),
                &style(13, MUTED, HPos::Left, VPos::Center),
            ),
        }
    }
}

/// A score as printed on charts: one decimal, or "–" for a gap.
pub(crate) fn fmt_score(v: Option<f64>) -> String {
    v.map_or("–".to_string(), |v| format!("{v:.1}"))
}

/// Shortens a label to at most `max` characters with an ellipsis in the middle, keeping its
/// beginning and its end: names that share a long beginning ("Region of the northern
/// district A", "... B") stay apart.
pub(crate) fn clip(s: &str, max: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    if chars.len() <= max {
        return s.to_string();
    }
    let keep = max.saturating_sub(1);
    let tail = keep / 3;
    let head = keep - tail;
    let mut out: String = chars[..head]
        .iter()
        .collect::<String>()
        .trim_end()
        .to_string();
    out.push('…');
    out.push_str(
        chars[chars.len() - tail..]
            .iter()
            .collect::<String>()
            .trim_start(),
    );
    out
}

/// `clip`, shortened further until the label is at most `px` pixels wide in `st`.
pub(crate) fn fit(s: &str, px: u32, st: &TextStyle) -> String {
    let mut max = s.chars().count();
    loop {
        let label = clip(s, max);
        if max <= 4 || st.font.box_size(&label).map_or(true, |(w, _)| w <= px) {
            return label;
        }
        max -= 1;
    }
}

/// A label on a white ground, so that grid and marker lines drawn before it pass behind it.
pub(crate) fn text_opaque<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    s: &str,
    at: (i32, i32),
    st: &TextStyle,
) -> DrawResult<DB> {
    let (left, top, right, bottom) = layout::text_box(s, at, st);
    area.draw(&Rectangle::new(
        [(left - 2, top - 1), (right + 2, bottom + 1)],
        WHITE.filled(),
    ))?;
    layout::opaque();
    text(area, s, at, st)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_palette_runs_from_dark_to_light() {
        assert_eq!(scale_colour(0.0, 0.0, 100.0), RGBColor(68, 1, 84));
        assert_eq!(scale_colour(100.0, 0.0, 100.0), RGBColor(253, 231, 37));
        assert_eq!(text_on(scale_colour(0.0, 0.0, 100.0)), WHITE);
        assert_eq!(text_on(scale_colour(100.0, 0.0, 100.0)), INK);
    }
}
