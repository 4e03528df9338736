//! Submission checks for the yearly collection: per region, which indicators of a year are
//! still missing, and which values changed more than the spec allows against the previous
//! year (to be confirmed by the office that sent them).

use serde::Serialize;

use crate::panel::Panel;
use crate::spec::{NodeKind, Spec};

/// One region's state of a year's submission.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionStatus {
    pub code: String,
    pub name: String,
    /// Indicators asked, and how many have a value.
    pub expected: usize,
    pub reported: usize,
    pub missing: Vec<Missing>,
    pub jumps: Vec<Jump>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missing {
    pub indicator: String,
    pub name: String,
    pub source: String,
}

/// A value that changed by more than its allowed share of the previous year's value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Jump {
    pub indicator: String,
    pub name: String,
    pub previous: f64,
    pub value: f64,
    /// (value - previous) / |previous|; `None` when the previous value is 0.
    pub change: Option<f64>,
    pub max_change: f64,
}

/// The whole check of one year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Submissions {
    pub index: String,
    pub version: String,
    pub year: i32,
    /// The year the changes are measured against, when the data have it.
    pub previous_year: Option<i32>,
    pub regions: Vec<RegionStatus>,
}

impl Submissions {
    pub fn missing(&self) -> usize {
        self.regions.iter().map(|r| r.missing.len()).sum()
    }

    pub fn jumps(&self) -> usize {
        self.regions.iter().map(|r| r.jumps.len()).sum()
    }
}

/// Checks the submissions of `year` in `panel` (every unit the spec knows that exists that
/// year, whether or not it sent anything), names in `lang`.
pub fn check(spec: &Spec, panel: &Panel, year: i32, lang: &str) -> Submissions {
    let fw = &spec.framework;
    let y = panel.year_position(year);
    let previous_year = panel.year_position(year - 1).map(|_| year - 1);
    let p = panel.year_position(year - 1);
    let mut regions = Vec::new();
    for (u, unit) in panel.units.iter().enumerate() {
        if !spec.unit_exists(&unit.code, year) {
            continue;
        }
        let mut status = RegionStatus {
            code: unit.code.clone(),
            name: unit.name.get(lang).unwrap_or(&unit.code).to_string(),
            expected: panel.indicators.len(),
            reported: 0,
            missing: Vec::new(),
            jumps: Vec::new(),
        };
        for (i, id) in panel.indicators.iter().enumerate() {
            let node = &fw.nodes[fw.indicators[i]];
            let NodeKind::Indicator(ind) = &node.kind else {
                continue;
            };
            let name = node.name.get(lang).unwrap_or(id).to_string();
            let Some(value) = y.and_then(|y| panel.get(y, u, i)) else {
                status.missing.push(Missing {
                    indicator: id.clone(),
                    name,
                    source: ind.source.clone(),
                });
                continue;
            };
            status.reported += 1;
            let limit = ind.max_change.or(spec.validation.max_change);
            let before = p.and_then(|p| panel.get(p, u, i));
            if let (Some(max_change), Some(previous)) = (limit, before) {
                let change = (previous != 0.0).then(|| (value - previous) / previous.abs());
                let jumped = match change {
                    Some(c) => c.abs() > max_change,
                    None => value != 0.0,
                };
                if jumped {
                    status.jumps.push(Jump {
                        indicator: id.clone(),
                        name,
                        previous,
                        value,
                        change,
                        max_change,
                    });
                }
            }
        }
        regions.push(status);
    }
    Submissions {
        index: spec.index.id.clone(),
        version: spec.index.version.clone(),
        year,
        previous_year,
        regions,
    }
}

/// The check's words in Kazakh, Russian and English.
struct Words {
    title: &'static str,
    reported: &'static str,
    missing: &'static str,
    confirm: &'static str,
    complete: &'static str,
    no_previous: &'static str,
    more_than: &'static str,
    total: &'static str,
    /// Column headings of a region's table.
    columns: [&'static str; 7],
    status_missing: &'static str,
    status_confirm: &'static str,
}

fn words(lang: &str) -> &'static Words {
    match lang {
        "kk" => &Words {
            title: "Деректерді тапсыруды тексеру",
            reported: "берілді",
            missing: "жоқ",
            confirm: "растау керек",
            complete: "барлығы берілді, күдікті өзгеріс жоқ",
            no_previous: "деректерде алдыңғы жыл жоқ: өзгерістер тексерілмеді",
            more_than: "шегі",
            total: "Барлығы",
            columns: [
                "Көрсеткіш коды",
                "Көрсеткіш",
                "Күйі",
                "Дереккөз",
                "Өткен жыл",
                "Мән",
                "Өзгеріс",
            ],
            status_missing: "жоқ",
            status_confirm: "растау керек",
        },
        "ru" => &Words {
            title: "Проверка сдачи данных",
            reported: "сдано",
            missing: "нет данных",
            confirm: "подтвердить",
            complete: "всё сдано, подозрительных изменений нет",
            no_previous: "в данных нет предыдущего года: изменения не проверены",
            more_than: "предел",
            total: "Итого",
            columns: [
                "Код показателя",
                "Показатель",
                "Статус",
                "Источник",
                "Прошлый год",
                "Значение",
                "Изменение",
            ],
            status_missing: "нет данных",
            status_confirm: "подтвердить",
        },
        _ => &Words {
            title: "Submission check",
            reported: "reported",
            missing: "missing",
            confirm: "to confirm",
            complete: "complete, no suspicious change",
            no_previous: "the data have no previous year: changes not checked",
            more_than: "limit",
            total: "Total",
            columns: [
                "Indicator id",
                "Indicator",
                "Status",
                "Source",
                "Previous year",
                "Value",
                "Change",
            ],
            status_missing: "missing",
            status_confirm: "to confirm",
        },
    }
}

fn percent(change: Option<f64>) -> String {
    match change {
        Some(c) => format!("{:+.1}%", c * 100.0),
        None => "from 0".into(),
    }
}

/// A readable report: one block per region.
pub fn render_text(s: &Submissions, lang: &str) -> String {
    let w = words(lang);
    let mut out = format!("{}: {} {}, {}\n", w.title, s.index, s.version, s.year);
    if s.previous_year.is_none() {
        out.push_str(&format!("  {}\n", w.no_previous));
    }
    for r in &s.regions {
        out.push_str(&format!(
            "\n{} {}: {} {} / {}",
            r.code, r.name, w.reported, r.reported, r.expected
        ));
        if r.missing.is_empty() && r.jumps.is_empty() {
            out.push_str(&format!(", {}\n", w.complete));
            continue;
        }
        out.push('\n');
        for m in &r.missing {
            out.push_str(&format!(
                "  {}: {} ({}; {})\n",
                w.missing, m.indicator, m.name, m.source
            ));
        }
        for j in &r.jumps {
            out.push_str(&format!(
                "  {}: {} ({}) {} -> {} ({}, {} {:.0}%)\n",
                w.confirm,
                j.indicator,
                j.name,
                crate::output::number(j.previous),
                crate::output::number(j.value),
                percent(j.change),
                w.more_than,
                j.max_change * 100.0
            ));
        }
    }
    out.push_str(&format!(
        "\n{}: {} {}, {} {}\n",
        w.total,
        s.missing(),
        w.missing,
        s.jumps(),
        w.confirm
    ));
    out
}

/// One region's list as CSV, to send to its office: a row per missing value and per value
/// to confirm, headings in `lang`.
pub fn region_csv(r: &RegionStatus, lang: &str) -> String {
    let w = words(lang);
    let mut out = csv::Writer::from_writer(Vec::new());
    let write = |out: &mut csv::Writer<Vec<u8>>, row: &[String]| {
        out.write_record(row).expect("writing to memory");
    };
    write(&mut out, &w.columns.map(str::to_string));
    for m in &r.missing {
        write(
            &mut out,
            &[
                m.indicator.clone(),
                m.name.clone(),
                w.status_missing.into(),
                m.source.clone(),
                String::new(),
                String::new(),
                String::new(),
            ],
        );
    }
    for j in &r.jumps {
        write(
            &mut out,
            &[
                j.indicator.clone(),
                j.name.clone(),
                w.status_confirm.into(),
                String::new(),
                crate::output::number(j.previous),
                crate::output::number(j.value),
                percent(j.change),
            ],
        );
    }
    String::from_utf8(out.into_inner().expect("writing to memory")).expect("UTF-8 text")
}
