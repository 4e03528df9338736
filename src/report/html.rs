//! The HTML report: one self-contained file (styles, font and charts inline, no script, no
//! network), laid out to print on A4.

use std::fmt::Write as _;

use base64::Engine as _;

use super::Context;
use super::markup::escape;
use crate::chart::Rendered;
use crate::rank::Move;
use crate::spec::{Direction, NodeKind};

fn num(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:.1}"))
}

fn signed(v: Option<f64>) -> String {
    v.map_or("–".into(), |v| format!("{v:+.1}"))
}

/// A rank change as shown: positive when the region moved up.
fn moved(m: Option<Move>) -> String {
    match m {
        None => "–".into(),
        Some(m) if m.is_up() => format!("▲{m}"),
        Some(m) if m.is_down() => format!("▼{}", m.abs()),
        Some(_) => "0".into(),
    }
}

const STYLE: &str = r#"
@page { size: A4; margin: 14mm; }
* { box-sizing: border-box; }
body { font-family: "cwi-sans", sans-serif; color: #212529; margin: 0 auto; max-width: 1100px; padding: 24px; line-height: 1.45; }
svg text { font-family: "cwi-sans", sans-serif !important; }
h1 { font-size: 1.9em; margin: 0 0 .2em; }
h2 { border-bottom: 2px solid #31688e; padding-bottom: .2em; margin-top: 2em; }
h3 { margin: 1.2em 0 .4em; }
.meta { color: #6c757d; }
.figures { display: flex; flex-wrap: wrap; gap: 16px; }
.figure { border: 1px solid #dee2e6; border-radius: 6px; padding: 12px 16px; min-width: 220px; }
.figure .big { font-size: 2em; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .6em 0 1.2em; font-size: .92em; }
caption { text-align: left; font-weight: bold; padding: 2px 0; }
th, td { border-bottom: 1px solid #dee2e6; padding: 4px 8px; text-align: left; vertical-align: top; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.up { color: #1a9641; } .down { color: #d73027; }
.chart svg { max-width: 100%; height: auto; }
.card { border: 1px solid #dee2e6; border-radius: 6px; padding: 8px 16px; margin: 12px 0; }
.cols { display: flex; gap: 24px; flex-wrap: wrap; } .cols > div { flex: 1; min-width: 260px; }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.2em; } ul.tree { padding-left: 0; }
pre { background: #f8f9fa; padding: 12px; overflow-x: auto; font-size: .8em; white-space: pre-wrap; }
table.small { font-size: .8em; } ul.small { font-size: .85em; } td.hash { font-family: monospace; font-size: .85em; word-break: break-all; }
@media print {
  body { max-width: none; padding: 0; font-size: 9pt; line-height: 1.3; }
  h1 { font-size: 16pt; } h2 { font-size: 13pt; margin-top: 1.2em; } h3 { font-size: 10.5pt; }
  h2, h3 { break-after: avoid; }
  #regions, #methodology { break-before: page; }
  .card, .figure, .chart, tr { break-inside: avoid; }
  table { font-size: 8pt; } th, td { padding: 2px 5px; }
  .chart svg { max-height: 120mm; width: auto; max-width: 100%; }
  #regions { display: grid; grid-template-columns: 1fr 1fr; column-gap: 10px; }
  #regions > h2 { grid-column: 1 / -1; }
  #regions .card { margin: 4px 0; padding: 4px 8px; font-size: 7.5pt; }
  #regions .card h3 { font-size: 9pt; margin: .2em 0; }
  #regions .card .chart svg { max-height: 55mm; }
  #regions .cols { gap: 8px; } #regions .cols > div { min-width: 0; }
  #methodology > ul.tree { font-size: 7.5pt; columns: 2; column-gap: 16px; }
}
"#;

/// What the page is made from besides the results: the rendered charts by name, the audit,
/// the run manifest as JSON text, and the warnings of the run.
struct Page<'a> {
    charts: &'a [(String, Rendered)],
    audit: &'a crate::audit::Audit,
    manifest: &'a str,
    warnings: &'a [String],
    /// The published values this run revises, with `--previous-edition`.
    revisions: Option<&'a crate::edition::Revisions>,
    /// The sensitivity indices of the ranks, with `--sensitivity`.
    sensitivity: Option<&'a crate::uncertainty::Sensitivity>,
}

impl Page<'_> {
    /// The chart whose name starts with `prefix`, inline.
    fn chart(&self, prefix: &str) -> String {
        self.charts
            .iter()
            .find(|(name, _)| name.starts_with(prefix))
            .map_or(String::new(), |(name, c)| {
                format!(
                    "<div class=\"chart\" id=\"chart-{}\">{}</div>",
                    escape(name),
                    c.svg
                )
            })
    }
}

/// The whole report page. `charts` are the rendered charts by name; `manifest` the run
/// manifest as JSON text.
pub fn render(
    ctx: &Context,
    charts: &[(String, Rendered)],
    audit: &crate::audit::Audit,
    manifest: &str,
    warnings: &[String],
    revisions: Option<&crate::edition::Revisions>,
    sensitivity: Option<&crate::uncertainty::Sensitivity>,
) -> String {
    let page = Page {
        charts,
        audit,
        manifest,
        warnings,
        revisions,
        sensitivity,
    };
    let mut h = String::new();
    head(&mut h, ctx);
    summary(&mut h, ctx, &page);
    revised(&mut h, ctx, &page);
    ranking(&mut h, ctx, &page);
    directions(&mut h, ctx, &page);
    regions(&mut h, ctx, &page);
    quality(&mut h, ctx, &page);
    if let Some(s) = page.sensitivity {
        super::sensitivity::section(&mut h, ctx, s);
    }
    coherence(&mut h, ctx, &page);
    methodology(&mut h, ctx, &page);
    super::appendix::run_manifest(&mut h, ctx, page.manifest);
    h.push_str("</body>\n</html>\n");
    h
}

/// The page's head, with the embedded font and style, and its header.
fn head(h: &mut String, ctx: &Context) {
    let w = ctx.words();
    let r = ctx.results;
    let year = ctx.year_value();
    let font = base64::engine::general_purpose::STANDARD.encode(crate::chart::font_bytes());
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}, {year}</title>\n<style>@font-face {{ font-family: \"cwi-sans\"; src: url(data:font/ttf;base64,{font}) format(\"truetype\"); }}{STYLE}</style>\n</head>\n<body>\n",
        lang = escape(&ctx.lang),
        title = escape(&ctx.node_name(0)),
    );
    let _ = write!(
        h,
        "<header><h1>{}, {year}</h1><p class=\"meta\">{} {} · {}: {}</p></header>\n",
        escape(&ctx.node_name(0)),
        w.generated_by,
        env!("CARGO_PKG_VERSION"),
        escape(&r.spec.index.id),
        escape(&r.spec.index.version)
    );
}

/// The headline figures: the national value, the leaders, the biggest movers.
fn summary(h: &mut String, ctx: &Context, _page: &Page) {
    let w = ctx.words();
    let r = ctx.results;
    let year = ctx.year_value();
    let units = ctx.units();
    let national = ctx.national(0, ctx.year);
    let _ = write!(
        h,
        "<section id=\"summary\"><h2 class=\"first\">{}</h2><div class=\"figures\">",
        w.summary
    );
    let _ = write!(
        h,
        "<div class=\"figure\"><div>{}{}</div><div class=\"big\">{}</div>",
        w.national_score,
        escape(&ctx.direction_note()),
        num(national)
    );
    match ctx.previous {
        Some(p) => {
            // Like for like: the same regions in both years, none reconstructed.
            let (change, common, all) = ctx.national_change(0, p, ctx.year);
            let since = w
                .change_since
                .replace("{year}", &r.panel.years[p].to_string());
            let _ = write!(h, "<div>{since}: {}</div>", signed(change));
            if common < all {
                let note = w
                    .on_common_regions
                    .replace("{n}", &common.to_string())
                    .replace("{all}", &all.to_string());
                let _ = write!(h, "<div class=\"meta\">{note}</div>");
            }
        }
        None => {
            let _ = write!(h, "<div class=\"meta\">{}</div>", w.no_previous_year);
        }
    }
    h.push_str("</div>");
    let mut ranked: Vec<(usize, f64)> = units
        .iter()
        .filter_map(|&u| Some((u, r.scores.get(0, ctx.year, u)?)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let list = |items: &[(usize, f64)]| -> String {
        items
            .iter()
            .map(|&(u, s)| {
                format!(
                    "<li>{} — {}</li>",
                    escape(&ctx.region_name(u)),
                    num(Some(s))
                )
            })
            .collect()
    };
    let top: Vec<_> = ranked.iter().take(3).copied().collect();
    let bottom: Vec<_> = ranked.iter().rev().take(3).copied().collect();
    let _ = write!(
        h,
        "<div class=\"figure\"><div>{}</div><ol>{}</ol></div>",
        w.top_regions,
        list(&top)
    );
    let _ = write!(
        h,
        "<div class=\"figure\"><div>{}</div><ol>{}</ol></div>",
        w.bottom_regions,
        list(&bottom)
    );
    if let Some(p) = ctx.previous {
        // A reconstructed value did not move: it was carried.
        // Nor did a rank move across a break (the index built from other indicators).
        let comparable = !r.broken(0, p) && !r.broken(0, ctx.year);
        let moves = r.rank_moves(0, p, ctx.year);
        let mut movers: Vec<(usize, Move)> = units
            .iter()
            .filter(|_| comparable)
            .filter(|&&u| !ctx.carried(u, p) && !ctx.carried(u, ctx.year))
            .filter_map(|&u| Some((u, moves[u]?)))
            .collect();
        movers.sort_by(|a, b| {
            b.1.abs()
                .cmp(&a.1.abs())
                .then(b.1.cmp(&a.1))
                .then(a.0.cmp(&b.0))
        });
        let items: String = movers
            .iter()
            .filter(|m| !m.1.is_zero())
            .take(4)
            .map(|&(u, m)| {
                format!(
                    "<li>{} <span class=\"{}\">{}</span></li>",
                    escape(&ctx.region_name(u)),
                    if m.is_up() { "up" } else { "down" },
                    moved(Some(m))
                )
            })
            .collect();
        // Like for like: ranks among the regions ranked in both years, said when that is
        // fewer than either year ranks.
        let both = r.ranked_in_both(0, p, ctx.year);
        let note = if r.common_ranks(0, p, ctx.year).is_some() {
            format!(
                "<div class=\"meta\">{}</div>",
                w.ranks_on_common.replace("{n}", &both.to_string())
            )
        } else {
            String::new()
        };
        let _ = write!(
            h,
            "<div class=\"figure\"><div>{} ({} → {year})</div><ul>{items}</ul>{note}</div>",
            w.biggest_movers, r.panel.years[p]
        );
    }
    h.push_str("</div></section>\n");
}

/// The previous edition's published values this run revises: how many, why, and the largest.
fn revised(h: &mut String, ctx: &Context, page: &Page) {
    let Some(rev) = page.revisions else {
        return;
    };
    let w = ctx.words();
    let _ = write!(
        h,
        "<section id=\"revisions\"><h2>{}</h2><p>{}</p>",
        w.revisions,
        escape(&super::methods::revisions_summary(rev, &ctx.lang))
    );
    let mut rows: Vec<&crate::edition::Revision> = rev.rows.iter().collect();
    let size = |x: &crate::edition::Revision| {
        x.score_now
            .zip(x.score_published)
            .map_or(f64::INFINITY, |(a, b)| (a - b).abs())
    };
    rows.sort_by(|a, b| size(b).total_cmp(&size(a)));
    if !rows.is_empty() {
        let _ = write!(
            h,
            "<table><thead><tr><th class=\"n\">{}</th><th>{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th>{}</th></tr></thead><tbody>",
            w.year, w.region, w.indicator, w.published, w.score, w.published, w.rank, w.how
        );
        for x in rows.iter().take(30) {
            let (region, node) = (
                ctx.region_name_of(&x.region_code),
                ctx.node_name_of(&x.node_id),
            );
            let _ = write!(
                h,
                "<tr><td class=\"n\">{}</td><td>{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"small\">{}</td></tr>",
                x.year,
                escape(&region),
                escape(&node),
                num(x.score_published),
                num(x.score_now),
                x.rank_published.map_or("–".into(), |k| k.to_string()),
                x.rank_now.map_or("–".into(), |k| k.to_string()),
                escape(
                    &x.reasons
                        .iter()
                        .map(|r| super::methods::reason(r, &ctx.lang))
                        .collect::<Vec<_>>()
                        .join("; ")
                )
            );
        }
        h.push_str("</tbody></table>");
    }
    h.push_str("</section>\n");
}

/// The ranking table, with the ranking chart and the map.
fn ranking(h: &mut String, ctx: &Context, page: &Page) {
    let units = ctx.units();
    let w = ctx.words();
    let r = ctx.results;
    let _ = write!(h, "<section id=\"ranking\"><h2>{}</h2>", w.ranking);
    h.push_str(&page.chart("ranking-"));
    h.push_str(&page.chart("map-"));
    // The table is of the node the charts above show, and says so.
    let node = ctx.node;
    let _ = write!(
        h,
        "<table><caption>{}, {}</caption><thead><tr><th class=\"n\">{}</th><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        escape(&ctx.node_name(node)),
        r.panel.years[ctx.year],
        w.rank,
        w.region,
        w.score,
        w.score_change,
        w.rank_change
    );
    let moves = ctx.previous.map(|p| r.rank_moves(node, p, ctx.year));
    let mut order: Vec<usize> = units.clone();
    order.sort_by_key(|&u| {
        (
            r.rank(node, ctx.year, u).is_none(),
            r.rank(node, ctx.year, u),
            u,
        )
    });
    for u in order {
        let score = r.scores.get(node, ctx.year, u);
        // No change is shown from or to a reconstructed value, or across a break.
        let previous = ctx.previous.filter(|&p| {
            !ctx.carried(u, p)
                && !ctx.carried(u, ctx.year)
                && !r.broken(node, p)
                && !r.broken(node, ctx.year)
        });
        let before = previous.and_then(|p| r.scores.get(node, p, u));
        let m = previous.and(moves.as_ref()).and_then(|m| m[u]);
        let class = match m {
            Some(m) if m.is_up() => "up",
            Some(m) if m.is_down() => "down",
            _ => "",
        };
        let _ = write!(
            h,
            "<tr><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n {class}\">{}</td></tr>",
            r.rank(node, ctx.year, u)
                .map_or("–".into(), |k| k.to_string()),
            escape(&ctx.region_name(u)),
            num(score),
            signed(score.zip(before).map(|(a, b)| a - b)),
            moved(m)
        );
    }
    h.push_str("</tbody></table></section>\n");
}

/// The directions side by side, and the trends.
fn directions(h: &mut String, ctx: &Context, page: &Page) {
    let w = ctx.words();
    let _ = write!(h, "<section id=\"directions\"><h2>{}</h2>", w.directions);
    h.push_str(&page.chart("heatmap-"));
    h.push_str("</section>\n");
    let _ = write!(h, "<section id=\"trends\"><h2>{}</h2>", w.trends);
    h.push_str(&page.chart("trends-"));
    h.push_str(&page.chart("slope-"));
    h.push_str("</section>\n");
}

/// A card per region.
fn regions(h: &mut String, ctx: &Context, page: &Page) {
    let units = ctx.units();
    let w = ctx.words();
    let r = ctx.results;
    let _ = write!(
        h,
        "<section id=\"regions\"><h2>{}, {}</h2>",
        w.regions,
        ctx.year_value()
    );
    for &u in &units {
        let code = &r.panel.units.get(u).code;
        let rel = ctx.relative_indicators(u);
        let items = |list: Vec<&(usize, f64)>| -> String {
            list.iter()
                .map(|&&(n, d)| {
                    format!(
                        "<li>{} <span class=\"meta\">({})</span></li>",
                        escape(&ctx.node_name(n)),
                        signed(Some(d))
                    )
                })
                .collect()
        };
        let _ = write!(
            h,
            "<div class=\"card\" id=\"region-{code}\"><h3>{name} — {score} ({rank}: {rk})</h3>{chart}<div class=\"cols\"><div><strong>{strongest}</strong> <span class=\"meta\">({rel})</span><ul>{best}</ul></div><div><strong>{weakest}</strong> <span class=\"meta\">({rel})</span><ul>{worst}</ul></div></div></div>",
            code = escape(code),
            name = escape(&ctx.region_name(u)),
            score = num(r.scores.get(0, ctx.year, u)),
            rank = w.rank,
            rk = r.rank(0, ctx.year, u).map_or("–".into(), |k| k.to_string()),
            chart = page.chart(&format!("profile-{code}-")),
            strongest = w.strongest,
            weakest = w.weakest,
            rel = w.relative_to_national,
            best = items(rel.iter().take(3).collect()),
            worst = items(rel.iter().rev().take(3).collect()),
        );
    }
    h.push_str("</section>\n");
}

/// Data quality: missing values, imputed and treated cells, warnings.
fn quality(h: &mut String, ctx: &Context, page: &Page) {
    let w = ctx.words();
    let r = ctx.results;
    let year = ctx.year_value();
    let _ = write!(
        h,
        "<section id=\"quality\"><h2>{}</h2><h3>{}</h3>",
        w.data_quality, w.missing_cells
    );
    let missing: Vec<_> = r
        .panel
        .missing_counts()
        .into_iter()
        .filter(|m| m.missing > 0)
        .collect();
    if missing.is_empty() {
        let _ = write!(h, "<p>{}</p>", w.no_missing);
    } else {
        let _ = write!(
            h,
            "<table><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
            w.indicator, w.year, w.missing
        );
        for m in missing {
            let name = ctx.node_name_of(&m.indicator);
            let _ = write!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{} {} {}</td></tr>",
                escape(&name),
                m.year,
                m.missing,
                w.of,
                m.units
            );
        }
        h.push_str("</tbody></table>");
    }
    let count = |list: &[crate::treat::Change]| {
        let n = list.iter().filter(|c| c.year == year).count();
        if declares_treatment(ctx) {
            n.to_string()
        } else {
            w.none_declared.to_string()
        }
    };
    let _ = write!(
        h,
        "<p>{}: {}.<br>{}: {}.</p>",
        w.imputed,
        count(&r.log.imputed),
        w.treated,
        count(&r.log.treated)
    );
    let screened: Vec<String> = r
        .log
        .screened
        .iter()
        .filter(|s| s.year == year)
        .map(|s| format!("{} ({:.0}%)", escape(&s.region), 100.0 * s.share))
        .collect();
    if !screened.is_empty() {
        let _ = write!(h, "<p>{}: {}.</p>", w.screened, screened.join(", "));
    }
    // Region-years reconstructed across a boundary change, in the years the report shows.
    let shown = [Some(ctx.year), ctx.previous];
    let reconstructed: Vec<String> = r
        .carried
        .iter()
        .filter(|c| shown.iter().flatten().any(|&y| r.panel.years[y] == c.year))
        .map(|c| {
            let from: Vec<String> = c
                .from
                .iter()
                .map(|f| escape(&ctx.region_name_of(f)))
                .collect();
            format!(
                "{} {} ← {}",
                escape(&ctx.region_name_of(&c.region)),
                c.year,
                from.join(", ")
            )
        })
        .collect();
    if !reconstructed.is_empty() {
        let _ = write!(
            h,
            "<p>{}: {}.</p>",
            w.reconstructed,
            reconstructed.join("; ")
        );
    }
    for c in r
        .log
        .imputed
        .iter()
        .chain(&r.log.treated)
        .filter(|c| c.year == year)
        .take(50)
    {
        let _ = write!(
            h,
            "<div class=\"meta\">{} · {} · {} → {:.3} ({})</div>",
            escape(&ctx.node_name_of(&c.indicator)),
            escape(&ctx.region_name_of(&c.region)),
            c.before.map_or("–".into(), |b| format!("{b}")),
            c.after,
            escape(&super::methods::change(&c.how, &ctx.lang))
        );
    }
    if !page.warnings.is_empty() {
        let _ = write!(h, "<h3>{}</h3><ul>", w.warnings);
        for warning in page.warnings {
            let _ = write!(h, "<li>{}</li>", escape(warning));
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>\n");
}

/// Statistical coherence (the audit) for the report's year.
fn coherence(h: &mut String, ctx: &Context, page: &Page) {
    let r = ctx.results;
    let w = ctx.words();
    let year = ctx.year_value();
    let _ = write!(
        h,
        "<section id=\"coherence\"><h2>{}, {year}</h2>",
        w.coherence
    );
    let _ = write!(
        h,
        "<table><thead><tr><th>{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr></thead><tbody>",
        w.framework, w.alpha, w.first_component
    );
    for g in page.audit.groups.iter().filter(|g| g.year == year) {
        let name = r
            .spec
            .framework
            .position(&g.group)
            .map_or(g.group.clone(), |n| ctx.node_name(n));
        let pct = g
            .first_share
            .map_or("–".into(), |s| format!("{:.0}%", s * 100.0));
        let alpha = g.cronbach_alpha.map_or("–".into(), |a| format!("{a:.2}"));
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{alpha}</td><td class=\"n\">{pct}</td></tr>",
            escape(&name)
        );
    }
    h.push_str("</tbody></table>");
    let _ = write!(h, "<h3>{}</h3><ul>", w.flagged_pairs);
    for c in page
        .audit
        .correlations
        .iter()
        .filter(|c| c.year == year && c.relation == "siblings" && (c.negative || c.redundant))
    {
        let r_text = c.pearson.map_or("–".into(), |r| format!("{r:.2}"));
        let _ = write!(
            h,
            "<li>{} — {}: r = {r_text}</li>",
            escape(&ctx.node_name_of(&c.a)),
            escape(&ctx.node_name_of(&c.b))
        );
    }
    h.push_str("</ul>");
    let outliers: Vec<String> = page
        .audit
        .statistics
        .iter()
        .filter(|s| s.year == year && s.outlier)
        .map(|s| ctx.node_name_of(&s.indicator))
        .collect();
    let outliers = if outliers.is_empty() {
        "–".to_string()
    } else {
        escape(&outliers.join(", "))
    };
    let _ = write!(h, "<h3>{}</h3><p>{outliers}</p>", w.outliers);
    h.push_str(&page.chart("correlations-"));
    h.push_str("</section>\n");
}

/// Methodology from the spec: the framework with weights and methods, the indicators.
fn methodology(h: &mut String, ctx: &Context, _page: &Page) {
    let w = ctx.words();
    let r = ctx.results;
    let _ = write!(h, "<section id=\"methodology\"><h2>{}</h2>", w.methodology);
    let _ = write!(
        h,
        "<p>{}: <strong>{}</strong></p><p>{}: <strong>{}</strong></p><p>{}: <strong>{}</strong></p><h3>{}</h3>",
        w.pooling,
        escape(&super::methods::pooling(&r.spec.pooling, &ctx.lang)),
        w.direction,
        match r.spec.index.direction {
            crate::spec::Direction::Higher => w.higher_better,
            crate::spec::Direction::Lower => w.lower_better,
        },
        w.ties,
        w.ties_rules[match r.spec.index.ties {
            crate::spec::Ties::Min => 0,
            crate::spec::Ties::Max => 1,
            crate::spec::Ties::Dense => 2,
            crate::spec::Ties::Average => 3,
        }],
        w.framework
    );
    h.push_str(&tree(ctx, 0));
    let _ = write!(
        h,
        "<table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        w.indicator, w.unit, w.direction, w.normalisation, w.source
    );
    for &n in &r.spec.framework.indicators {
        if let NodeKind::Indicator(ind) = &r.spec.framework.nodes[n].kind {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(&ctx.node_name(n)),
                escape(ind.unit_in(&ctx.lang)),
                if ind.direction == Direction::Higher {
                    w.higher_better
                } else {
                    w.lower_better
                },
                escape(&super::methods::normalisation(
                    &ind.normalisation,
                    &ctx.lang
                )),
                escape(ind.source_in(&ctx.lang))
            );
        }
    }
    h.push_str("</tbody></table></section>\n");
}

/// Whether the spec declares any imputation or outlier treatment.
fn declares_treatment(ctx: &Context) -> bool {
    let fw = &ctx.results.spec.framework;
    fw.indicators.iter().any(|&n| {
        matches!(&fw.nodes[n].kind, NodeKind::Indicator(i) if i.imputation != Default::default() || i.treatment != Default::default())
    })
}

/// The framework as a nested list with weights and methods.
fn tree(ctx: &Context, node: usize) -> String {
    let w = ctx.words();
    let fw = &ctx.results.spec.framework;
    let n = &fw.nodes[node];
    let method = match &n.kind {
        NodeKind::Group {
            aggregation,
            missing,
        } => format!(
            "{}: {}, {} {:.0}%",
            w.aggregation,
            super::methods::aggregation(aggregation, &ctx.lang),
            w.at_least,
            missing.min_share * 100.0
        ),
        NodeKind::Indicator(ind) => super::methods::normalisation(&ind.normalisation, &ctx.lang),
    };
    let mut out = format!(
        "<ul class=\"tree\"><li><strong>{}</strong> <span class=\"meta\">({} {:.3}; {} {:.3}; {})</span>",
        escape(&ctx.node_name(node)),
        w.weight,
        ctx.results.weights.relative(fw, node),
        w.effective_weight,
        ctx.results.weights.effective(fw, node),
        escape(&method)
    );
    for &c in &n.children {
        out.push_str(&tree(ctx, c));
    }
    out.push_str("</li></ul>");
    out
}
