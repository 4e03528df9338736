//! A diff written for people and tools: a text table, Markdown for a pull-request comment,
//! GitHub workflow annotations, CSV and JSON; headings in Kazakh, Russian or English.

use super::{Diff, Row};
use crate::named::Named;
use crate::rank::Move;

/// How `cwi diff` writes its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// A summary and the ranking table, aligned for a terminal.
    Text,
    /// The same as Markdown tables, for a pull-request comment.
    Markdown,
    /// GitHub workflow annotations: a notice with the summary, a warning per large move.
    Github,
    /// Every row (year, region, node) as CSV.
    Csv,
    /// The whole diff as JSON.
    Json,
}

impl Named for DiffFormat {
    const ALL: &'static [Self] = &[
        DiffFormat::Text,
        DiffFormat::Markdown,
        DiffFormat::Github,
        DiffFormat::Csv,
        DiffFormat::Json,
    ];

    fn name(&self) -> &'static str {
        match self {
            DiffFormat::Text => "text",
            DiffFormat::Markdown => "markdown",
            DiffFormat::Github => "github",
            DiffFormat::Csv => "csv",
            DiffFormat::Json => "json",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            DiffFormat::Text => "A summary and the ranking table, aligned for a terminal",
            DiffFormat::Markdown => "The same as Markdown tables, for a pull-request comment",
            DiffFormat::Github => {
                "GitHub workflow annotations: a notice with the summary, a warning per large rank move"
            }
            DiffFormat::Csv => "Every row (year, region, node) as CSV",
            DiffFormat::Json => "The whole diff as JSON",
        }
    }
}

/// What to show: the node and year of the ranking table, and the moves that are large.
pub struct View<'a> {
    pub node: &'a str,
    pub year: i32,
    pub lang: &'a str,
    /// Moves of more than this many places are marked (GitHub warnings, the text's marker).
    pub threshold: Option<u32>,
}

struct Words {
    title: &'static str,
    summary: &'static str,
    node: &'static str,
    moved: &'static str,
    largest: &'static str,
    spearman: &'static str,
    added: &'static str,
    removed: &'static str,
    regions_added: &'static str,
    regions_removed: &'static str,
    years_added: &'static str,
    years_removed: &'static str,
    region: &'static str,
    old_score: &'static str,
    new_score: &'static str,
    score_change: &'static str,
    old_rank: &'static str,
    new_rank: &'static str,
    rank_change: &'static str,
    /// `{moved}`, `{ranked}`, `{largest}`, `{node}`, `{year}`.
    headline: &'static str,
    unchanged: &'static str,
    /// `{region}`, `{old}`, `{new}`, `{node}`, `{year}`.
    annotation: &'static str,
    over_threshold: &'static str,
    largest_moves: &'static str,
}

fn words(lang: &str) -> &'static Words {
    match lang {
        "kk" => &Words {
            title: "Өзгерістің индекске әсері",
            summary: "Түйіндер бойынша қорытынды",
            node: "Түйін",
            moved: "Орны өзгерген өңірлер",
            largest: "Ең үлкен жылжу",
            spearman: "Спирмен корреляциясы",
            added: "Қосылған түйіндер",
            removed: "Алынған түйіндер",
            regions_added: "Тек жаңа нұсқадағы өңірлер",
            regions_removed: "Тек бұрынғы нұсқадағы өңірлер",
            years_added: "Тек жаңа нұсқадағы жылдар (салыстырылмайды)",
            years_removed: "Тек бұрынғы нұсқадағы жылдар (салыстырылмайды)",
            region: "Өңір",
            old_score: "Бұрынғы балл",
            new_score: "Жаңа балл",
            score_change: "Балл өзгерісі",
            old_rank: "Бұрынғы орын",
            new_rank: "Жаңа орын",
            rank_change: "Орын өзгерісі",
            headline: "{node}, {year}: {ranked} өңірдің {moved} орны өзгерді, ең үлкен жылжу {largest} орын",
            unchanged: "{node}, {year}: бірде-бір өңірдің орны өзгерген жоқ",
            annotation: "{region}: {node} бойынша орны {old} -> {new} ({year})",
            over_threshold: "шектен асады",
            largest_moves: "Ең үлкен жылжулар",
        },
        "ru" => &Words {
            title: "Влияние изменения на индекс",
            summary: "Итоги по узлам",
            node: "Узел",
            moved: "Регионы со сменой места",
            largest: "Наибольший сдвиг",
            spearman: "Корреляция Спирмена",
            added: "Добавленные узлы",
            removed: "Удалённые узлы",
            regions_added: "Регионы только в новой версии",
            regions_removed: "Регионы только в прежней версии",
            years_added: "Годы только в новой версии (не сравниваются)",
            years_removed: "Годы только в прежней версии (не сравниваются)",
            region: "Регион",
            old_score: "Прежний балл",
            new_score: "Новый балл",
            score_change: "Изменение балла",
            old_rank: "Прежнее место",
            new_rank: "Новое место",
            rank_change: "Изменение места",
            headline: "{node}, {year}: место сменили {moved} из {ranked} регионов, наибольший сдвиг {largest}",
            unchanged: "{node}, {year}: ни один регион не сменил место",
            annotation: "{region}: место по «{node}» {old} -> {new} ({year})",
            over_threshold: "больше порога",
            largest_moves: "Наибольшие сдвиги",
        },
        _ => &Words {
            title: "Impact of the change on the index",
            summary: "Summary by node",
            node: "Node",
            moved: "Regions whose rank changed",
            largest: "Largest move",
            spearman: "Spearman's correlation",
            added: "Nodes added",
            removed: "Nodes removed",
            regions_added: "Regions in the new version only",
            regions_removed: "Regions in the base version only",
            years_added: "Years in the new version only (not compared)",
            years_removed: "Years in the base version only (not compared)",
            region: "Region",
            old_score: "Old score",
            new_score: "New score",
            score_change: "Score change",
            old_rank: "Old rank",
            new_rank: "New rank",
            rank_change: "Rank change",
            headline: "{node}, {year}: {moved} of {ranked} regions changed rank, the largest move {largest} places",
            unchanged: "{node}, {year}: no region changed rank",
            annotation: "{region}: rank on {node} {old} -> {new} ({year})",
            over_threshold: "over the threshold",
            largest_moves: "Largest moves",
        },
    }
}

/// The slope chart's column headings.
pub(super) fn before_after(lang: &str) -> (&'static str, &'static str) {
    match lang {
        "kk" => ("Бұрын", "Кейін"),
        "ru" => ("До", "После"),
        _ => ("Before", "After"),
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn score(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.2}")).unwrap_or_default()
}

fn signed_score(v: Option<f64>) -> String {
    v.map(|v| format!("{v:+.2}")).unwrap_or_default()
}

fn signed(v: Option<Move>) -> String {
    match v {
        Some(v) => format!("{v:+}"),
        None => String::new(),
    }
}

/// The one-line summary of the shown node and year.
pub fn headline(d: &Diff, view: &View) -> String {
    let w = words(view.lang);
    let Some(s) = d
        .summaries
        .iter()
        .find(|s| s.node_id == view.node && s.year == view.year)
    else {
        return String::new();
    };
    let template = if s.moved == 0 {
        w.unchanged
    } else {
        w.headline
    };
    template
        .replace("{node}", &s.node_name)
        .replace("{year}", &s.year.to_string())
        .replace("{moved}", &s.moved.to_string())
        .replace("{ranked}", &s.ranked.to_string())
        .replace("{largest}", &s.largest_move.to_string())
}

/// The regions that moved most on the shown node and year (at most five, largest first).
fn largest_moves(d: &Diff, view: &View) -> Option<String> {
    let w = words(view.lang);
    let mut moved: Vec<&Row> = d
        .table(view.node, view.year)
        .into_iter()
        .filter(|r| r.rank_change.is_some_and(|c| !c.is_zero()))
        .collect();
    if moved.is_empty() {
        return None;
    }
    // Largest first; equal moves keep the table's order (by new rank).
    moved.sort_by_key(|r| std::cmp::Reverse(r.rank_change.map(Move::abs)));
    let list: Vec<String> = moved
        .iter()
        .take(5)
        .map(|r| format!("{} {}", r.region_name, signed(r.rank_change)))
        .collect();
    Some(format!("{}: {}", w.largest_moves, list.join(", ")))
}

fn is_large(r: &Row, threshold: Option<u32>) -> bool {
    match (threshold, r.rank_change) {
        (Some(t), Some(c)) => c.abs() > Move::whole(i64::from(t)),
        _ => false,
    }
}

/// The table rows of the ranking, as cells.
fn ranking(d: &Diff, view: &View) -> (Vec<String>, Vec<Vec<String>>) {
    let w = words(view.lang);
    let header = [
        w.region,
        w.old_score,
        w.new_score,
        w.score_change,
        w.old_rank,
        w.new_rank,
        w.rank_change,
    ]
    .map(str::to_string)
    .to_vec();
    let rows = d
        .table(view.node, view.year)
        .into_iter()
        .map(|r| {
            let mut change = signed(r.rank_change);
            if is_large(r, view.threshold) {
                change.push_str(" !");
            }
            vec![
                format!("{} {}", r.region_code, r.region_name),
                score(r.old_score),
                score(r.new_score),
                signed_score(r.score_change),
                opt(r.old_rank),
                opt(r.new_rank),
                change,
            ]
        })
        .collect();
    (header, rows)
}

/// Summary rows of the nodes in the shown year: every node, or (`brief`) the index, its
/// children and the nodes whose ranks changed.
fn summary(d: &Diff, view: &View, brief: bool) -> (Vec<String>, Vec<Vec<String>>) {
    let w = words(view.lang);
    let header = [w.node, w.moved, w.largest, w.spearman]
        .map(str::to_string)
        .to_vec();
    let rows = d
        .summaries
        .iter()
        .filter(|s| s.year == view.year)
        .filter(|s| !brief || s.level <= 1 || s.moved > 0 || s.ranked_once > 0)
        .map(|s| {
            vec![
                format!("{}{} ({})", "  ".repeat(s.level), s.node_name, s.node_id),
                format!("{} / {}", s.moved, s.ranked),
                s.largest_move.to_string(),
                s.spearman.map(|r| format!("{r:.3}")).unwrap_or_default(),
            ]
        })
        .collect();
    (header, rows)
}

fn aligned(header: &[String], rows: &[Vec<String>]) -> String {
    let mut width: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (k, c) in row.iter().enumerate() {
            width[k] = width[k].max(c.chars().count());
        }
    }
    let line = |cells: &[String]| {
        let mut out = String::new();
        for (k, c) in cells.iter().enumerate() {
            let pad = width[k] - c.chars().count();
            if k == 0 {
                out.push_str(c);
                out.push_str(&" ".repeat(pad));
            } else {
                out.push_str("  ");
                out.push_str(&" ".repeat(pad));
                out.push_str(c);
            }
        }
        out.trim_end().to_string() + "\n"
    };
    let mut out = line(header);
    for row in rows {
        out.push_str(&line(row));
    }
    out
}

fn markdown_table(header: &[String], rows: &[Vec<String>]) -> String {
    let escape = |c: &str| c.trim().replace('|', "\\|");
    let mut out = format!(
        "| {} |\n|{}|\n",
        header
            .iter()
            .map(|h| escape(h))
            .collect::<Vec<_>>()
            .join(" | "),
        header
            .iter()
            .enumerate()
            .map(|(k, _)| if k == 0 { "---" } else { "---:" })
            .collect::<Vec<_>>()
            .join("|")
    );
    for row in rows {
        out.push_str(&format!(
            "| {} |\n",
            row.iter()
                .map(|c| escape(c))
                .collect::<Vec<_>>()
                .join(" | ")
        ));
    }
    out
}

fn added_removed(d: &Diff, w: &Words) -> Vec<String> {
    let mut out = Vec::new();
    if !d.nodes_added.is_empty() {
        out.push(format!("{}: {}", w.added, d.nodes_added.join(", ")));
    }
    if !d.nodes_removed.is_empty() {
        out.push(format!("{}: {}", w.removed, d.nodes_removed.join(", ")));
    }
    if !d.regions_added.is_empty() {
        out.push(format!(
            "{}: {}",
            w.regions_added,
            d.regions_added.join(", ")
        ));
    }
    if !d.regions_removed.is_empty() {
        out.push(format!(
            "{}: {}",
            w.regions_removed,
            d.regions_removed.join(", ")
        ));
    }
    let years = |list: &[i32]| {
        list.iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    if !d.years_added.is_empty() {
        out.push(format!("{}: {}", w.years_added, years(&d.years_added)));
    }
    if !d.years_removed.is_empty() {
        out.push(format!("{}: {}", w.years_removed, years(&d.years_removed)));
    }
    out
}

/// Escapes a GitHub annotation's message (`%`, CR, LF).
pub(super) fn annotation_text(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub fn render(d: &Diff, view: &View, format: DiffFormat) -> String {
    match format {
        DiffFormat::Json => serde_json::to_string_pretty(d).expect("a diff serialises") + "\n",
        DiffFormat::Csv => csv_rows(d),
        DiffFormat::Text => text(d, view),
        DiffFormat::Markdown => markdown(d, view),
        DiffFormat::Github => github(d, view),
    }
}

/// Every row (year, region, node) as CSV.
fn csv_rows(d: &Diff) -> String {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "year",
        "region_code",
        "region_name",
        "node_id",
        "node_name",
        "level",
        "old_score",
        "new_score",
        "score_change",
        "old_rank",
        "new_rank",
        "rank_change",
    ])
    .expect("writing to memory");
    let num = |v: Option<f64>| v.map(crate::output::number).unwrap_or_default();
    for r in &d.rows {
        out.write_record([
            r.year.to_string(),
            r.region_code.clone(),
            r.region_name.clone(),
            r.node_id.clone(),
            r.node_name.clone(),
            r.level.to_string(),
            num(r.old_score),
            num(r.new_score),
            num(r.score_change),
            opt(r.old_rank),
            opt(r.new_rank),
            opt(r.rank_change),
        ])
        .expect("writing to memory");
    }
    String::from_utf8(out.into_inner().expect("writing to memory")).expect("UTF-8")
}

/// A summary and the ranking table, aligned for a terminal.
fn text(d: &Diff, view: &View) -> String {
    let w = words(view.lang);
    let mut out = format!(
        "{}: {} -> {}\n{}\n",
        w.title,
        d.old,
        d.new,
        headline(d, view)
    );
    for line in largest_moves(d, view)
        .into_iter()
        .chain(added_removed(d, w))
    {
        out.push_str(&line);
        out.push('\n');
    }
    let (h, rows) = summary(d, view, true);
    out.push_str(&format!("\n{}\n", w.summary));
    out.push_str(&aligned(&h, &rows));
    let (h, rows) = ranking(d, view);
    out.push('\n');
    out.push_str(&aligned(&h, &rows));
    out
}

/// The same as Markdown tables, for a pull-request comment.
fn markdown(d: &Diff, view: &View) -> String {
    let w = words(view.lang);
    let mut out = format!(
        "### {}\n\n`{}` -> `{}`\n\n**{}**\n\n",
        w.title,
        d.old,
        d.new,
        headline(d, view)
    );
    let lines: Vec<String> = largest_moves(d, view)
        .into_iter()
        .chain(added_removed(d, w))
        .collect();
    for line in &lines {
        out.push_str(&format!("- {line}\n"));
    }
    if !lines.is_empty() {
        out.push('\n');
    }
    let (h, rows) = ranking(d, view);
    out.push_str(&markdown_table(&h, &rows));
    let (h, rows) = summary(d, view, false);
    out.push_str(&format!(
        "\n<details><summary>{}</summary>\n\n{}\n</details>\n",
        w.summary,
        markdown_table(&h, &rows)
    ));
    out
}

/// GitHub workflow annotations: a notice with the summary, a warning per large rank move.
fn github(d: &Diff, view: &View) -> String {
    let w = words(view.lang);
    let mut out = format!(
        "::notice title={}::{}\n",
        annotation_text(w.title),
        annotation_text(&headline(d, view))
    );
    for line in added_removed(d, w) {
        out.push_str(&format!(
            "::notice title={}::{}\n",
            annotation_text(w.title),
            annotation_text(&line)
        ));
    }
    for r in d.table(view.node, view.year) {
        let moved = r.rank_change.is_some_and(|c| !c.is_zero());
        if !moved {
            continue;
        }
        let level = if is_large(r, view.threshold) {
            "warning"
        } else {
            "notice"
        };
        let mut text = w
            .annotation
            .replace("{region}", &format!("{} {}", r.region_code, r.region_name))
            .replace("{node}", &r.node_name)
            .replace("{old}", &opt(r.old_rank))
            .replace("{new}", &opt(r.new_rank))
            .replace("{year}", &r.year.to_string());
        if level == "warning" {
            text.push_str(&format!(" ({})", w.over_threshold));
        }
        out.push_str(&format!(
            "::{level} title={}::{}\n",
            annotation_text(w.rank_change),
            annotation_text(&text)
        ));
    }
    out
}
