//! Collection templates: Excel workbooks generated from the spec for the offices and agencies
//! that report the data, read back by the loader as they are returned.
//!
//! A template has an instructions sheet, a data sheet with a row per indicator the region
//! (or agency) must report (id, name, unit, source, definition, valid range, last year's
//! value, and the cells to fill: the value, and for survey indicators its standard error and
//! sample size), and a very hidden metadata sheet (`layout`). Every sheet is protected except
//! the cells to fill, which carry Excel data validation from the indicator's valid range.
//! The data sheet is a long data table, so `compute` and `validate` read a filled template
//! with no edit and get the same panel as the same numbers in a CSV.

/// The workbook's layout, which the loader reads by too (a module of its own beneath both).
pub use crate::sheet_layout as layout;
mod words;

use rust_xlsxwriter::{
    DataValidation, DataValidationErrorStyle, DataValidationRule, DocProperties, ExcelDateTime,
    Format, FormatBorder, ProtectionOptions, Workbook, Worksheet, XlsxError,
};

use crate::named::Named;
use crate::panel::Panel;
use crate::spec::{Direction, NodeKind, Spec};
use crate::units::Units;
use layout::{Col, Meta};

pub use words::{Words, words};

/// Who a template is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum By {
    /// One workbook per region: every indicator the region reports.
    Region,
    /// One workbook per agency (an indicator's `source`): its indicators for every region.
    Agency,
}

impl Named for By {
    const ALL: &'static [Self] = &[By::Region, By::Agency];

    fn name(&self) -> &'static str {
        match self {
            By::Region => "region",
            By::Agency => "agency",
        }
    }

    fn about(&self) -> &'static str {
        match self {
            By::Region => "One workbook per region, named by its code: every indicator it reports",
            By::Agency => {
                "One workbook per agency (the indicators' source): its indicators for every region"
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error(
        "the spec takes its units from the data ([units] from_data), so the regions to ask are not known: give last year's data with --data"
    )]
    NoUnits,
    #[error("unknown region \"{0}\" in --regions: give codes or names of the spec's units")]
    UnknownRegion(String),
    #[error(
        "region {region} does not exist in {year}, by the spec's boundary changes: there is nothing to collect from it"
    )]
    NotThatYear { region: String, year: i32 },
    #[error(transparent)]
    Language(#[from] crate::spec::UnknownLanguage),
    #[error("the spec has no indicator whose data can be collected")]
    NothingToCollect,
    #[error("cannot build the workbook {file}: {message}")]
    Workbook { file: String, message: String },
}

/// What to make templates for.
pub struct Request<'a> {
    pub spec: &'a Spec,
    pub year: i32,
    /// One of the spec's languages.
    pub lang: &'a str,
    pub by: By,
    /// Data of earlier years: the template shows each cell's value of `year - 1`; when the
    /// spec takes its units from the data, they come from here.
    pub previous: Option<&'a Panel>,
    /// Codes or names of the regions to make templates for (all when empty).
    pub regions: Vec<String>,
}

/// One generated workbook.
pub struct Template {
    pub file_name: String,
    /// Data rows (cells to fill).
    pub rows: usize,
    pub bytes: Vec<u8>,
}

/// One row to report: what is asked, before it is placed in a workbook.
#[derive(Debug, Clone)]
struct Item {
    /// The data column: an indicator id, or a raw column a derived indicator is computed from.
    id: String,
    name: String,
    unit: String,
    source: String,
    definition: String,
    valid: Option<(f64, f64)>,
    survey: bool,
    /// Its position in the panel's indicators, when it is one (for last year's value).
    indicator: Option<String>,
}

/// The data columns a spec asks for, in framework order: each indicator, and for a derived
/// indicator the raw columns of its formula that are not indicators themselves.
fn items(spec: &Spec, lang: &str) -> Vec<Item> {
    let fw = &spec.framework;
    let mut out: Vec<Item> = Vec::new();
    let is_indicator = |id: &str| fw.indicator_column(id).is_some();
    for &n in &fw.indicators {
        let node = &fw.nodes[n];
        let NodeKind::Indicator(ind) = &node.kind else {
            continue;
        };
        let name = node.name.get(lang).unwrap_or(&node.id).to_string();
        let definition = ind
            .definition
            .as_ref()
            .and_then(|d| d.get(lang))
            .unwrap_or("")
            .to_string();
        match &ind.formula {
            None => out.push(Item {
                id: node.id.clone(),
                name,
                unit: ind.unit.clone(),
                source: ind.source.clone(),
                definition,
                valid: ind.valid,
                survey: ind.survey,
                indicator: Some(node.id.clone()),
            }),
            Some(formula) => {
                for column in formula.columns() {
                    if column == node.id || is_indicator(&column) {
                        // The indicator's own column, or another indicator: asked in its row.
                        if column == node.id && !out.iter().any(|i| i.id == column) {
                            out.push(Item {
                                id: column.clone(),
                                name: name.clone(),
                                unit: String::new(),
                                source: ind.source.clone(),
                                definition: format!("{name}: {}", ind.unit),
                                valid: None,
                                survey: false,
                                indicator: None,
                            });
                        }
                        continue;
                    }
                    if out.iter().any(|i| i.id == column) {
                        continue;
                    }
                    out.push(Item {
                        id: column.clone(),
                        name: column.clone(),
                        unit: String::new(),
                        source: ind.source.clone(),
                        definition: format!("-> {name} ({})", ind.unit),
                        valid: None,
                        survey: false,
                        indicator: None,
                    });
                }
            }
        }
    }
    out
}

/// Makes the workbooks the request asks for, in a fixed order (regions in the spec's order;
/// agencies in the order their first indicator appears).
pub fn templates(req: &Request) -> Result<Vec<Template>, TemplateError> {
    let spec = req.spec;
    spec.language(Some(req.lang))?;
    let units: &Units = match (&spec.units, req.previous) {
        (Some(u), _) => u,
        (None, Some(p)) => &p.units,
        (None, None) => return Err(TemplateError::NoUnits),
    };
    let mut chosen: Vec<usize> = Vec::new();
    for r in &req.regions {
        let u = units
            .find(r)
            .ok_or_else(|| TemplateError::UnknownRegion(r.clone()))?;
        let code = &units.get(u).code;
        if !spec.unit_exists(code, req.year) {
            return Err(TemplateError::NotThatYear {
                region: code.clone(),
                year: req.year,
            });
        }
        if !chosen.contains(&u) {
            chosen.push(u);
        }
    }
    if chosen.is_empty() {
        // Every region that exists that year (after the spec's boundary changes).
        chosen = (0..units.len())
            .filter(|&u| spec.unit_exists(&units.get(u).code, req.year))
            .collect();
    }
    let items = items(spec, req.lang);
    if items.is_empty() {
        return Err(TemplateError::NothingToCollect);
    }
    let w = words(req.lang);
    let index_name = spec.index.name.get(req.lang).unwrap_or(&spec.index.id);
    // Each workbook: its file stem, who it is for, and its rows (unit, item).
    let mut books: Vec<(String, String, Vec<(usize, &Item)>)> = Vec::new();
    match req.by {
        By::Region => {
            for &u in &chosen {
                let unit = units.get(u);
                let who = unit.name.get(req.lang).unwrap_or(&unit.code);
                books.push((
                    file_stem(&unit.code),
                    format!("{}: {who}", w.for_region),
                    items.iter().map(|i| (u, i)).collect(),
                ));
            }
        }
        By::Agency => {
            let mut sources: Vec<&str> = Vec::new();
            for i in &items {
                if !sources.contains(&i.source.as_str()) {
                    sources.push(&i.source);
                }
            }
            for source in sources {
                let rows = chosen
                    .iter()
                    .flat_map(|&u| {
                        items
                            .iter()
                            .filter(|i| i.source == source)
                            .map(move |i| (u, i))
                    })
                    .collect();
                books.push((
                    file_stem(source),
                    format!("{}: {source}", w.for_agency),
                    rows,
                ));
            }
        }
    }
    let mut out: Vec<Template> = Vec::new();
    for (stem, who, rows) in books {
        // Two names that make the same file name get numbered names.
        let mut file_name = format!("{stem}.xlsx");
        let mut k = 2;
        while out.iter().any(|t| t.file_name == file_name) {
            file_name = format!("{stem}-{k}.xlsx");
            k += 1;
        }
        let bytes =
            workbook(req, units, &rows, index_name, &who).map_err(|e| fail(&file_name, e))?;
        out.push(Template {
            file_name,
            rows: rows.len(),
            bytes,
        });
    }
    Ok(out)
}

fn fail(file: &str, e: XlsxError) -> TemplateError {
    TemplateError::Workbook {
        file: file.to_string(),
        message: e.to_string(),
    }
}

/// A file name from a code or an agency's name: letters and digits (any script) kept as
/// written, everything else a single dash, at most 80 characters.
pub fn file_stem(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(80).collect();
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() {
        "template".into()
    } else {
        out
    }
}

/// Last year's value of a row, when the previous data have it.
fn previous_value(req: &Request, code: &str, item: &Item) -> Option<f64> {
    let p = req.previous?;
    let id = item.indicator.as_deref()?;
    let y = p.year_position(req.year - 1)?;
    let u = p.units.find(code)?;
    let i = p.indicators.iter().position(|x| x == id)?;
    p.get(y, u, i)
}

fn range_text(valid: Option<(f64, f64)>) -> String {
    match valid {
        Some((lo, hi)) => format!("{lo} - {hi}"),
        None => String::new(),
    }
}

/// One workbook: instructions, the data sheet with `rows` (unit, item), and the metadata.
fn workbook(
    req: &Request,
    units: &Units,
    rows: &[(usize, &Item)],
    index_name: &str,
    who: &str,
) -> Result<Vec<u8>, XlsxError> {
    let w = words(req.lang);
    let spec = req.spec;
    let title = w
        .title
        .replace("{index}", index_name)
        .replace("{who}", who)
        .replace("{year}", &req.year.to_string());
    let mut book = Workbook::new();
    // A fixed creation date: the same request gives the same bytes.
    book.set_properties(
        &DocProperties::new()
            .set_title(&title)
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1)?),
    );
    let protection = ProtectionOptions {
        format_columns: true,
        format_rows: true,
        ..ProtectionOptions::default()
    };
    instructions_sheet(&mut book, req, &title, &protection)?;
    let data_name = sheet_name(w.data_sheet);
    let header = layout::header(&spec.data);
    let sheet: &mut Worksheet = book.add_worksheet();
    sheet.set_name(&data_name)?;
    data_header(sheet, req, &title, &header)?;
    let formats = CellFormats::new();
    let first = layout::HEADER_ROW; // 0-based row of the first data row
    let mut meta_rows = Vec::with_capacity(rows.len());
    for (k, (u, item)) in rows.iter().enumerate() {
        let unit = units.get(*u);
        data_row(sheet, req, first + k as u32, unit, item, &formats)?;
        meta_rows.push((unit.code.clone(), item.id.clone()));
    }
    sheet.set_freeze_panes(layout::HEADER_ROW, 0)?;
    sheet.protect_with_options(&protection);

    // The metadata.
    let meta = Meta {
        spec_id: spec.index.id.clone(),
        spec_version: spec.index.version.clone(),
        year: req.year,
        data_sheet: data_name,
        header,
        rows: meta_rows,
    };
    let sheet = book.add_worksheet();
    sheet.set_name(layout::META_SHEET)?;
    for (r, row) in meta.to_rows().iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            sheet.write_string(r as u32, c as u16, text)?;
        }
    }
    sheet.set_very_hidden(true);
    sheet.protect();
    book.save_to_buffer()
}

/// The instructions sheet: the title, the spec's id and version, the numbered steps.
fn instructions_sheet(
    book: &mut Workbook,
    req: &Request,
    title: &str,
    protection: &ProtectionOptions,
) -> Result<(), XlsxError> {
    let w = words(req.lang);
    let spec = req.spec;
    let bold = Format::new().set_bold().set_font_size(14);
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(w.instructions_sheet))?;
    sheet.set_column_width(0, 110)?;
    sheet.write_string_with_format(0, 0, title, &bold)?;
    sheet.write_string(
        1,
        0,
        format!(
            "{}: {} {}",
            w.spec_version, spec.index.id, spec.index.version
        ),
    )?;
    for (k, step) in w.steps.iter().enumerate() {
        let text = step
            .replace("{data}", w.data_sheet)
            .replace("{year}", &req.year.to_string());
        sheet.write_string_with_format(3 + k as u32, 0, format!("{}. {text}", k + 1), &wrap)?;
    }
    sheet.protect_with_options(protection);
    sheet.set_active(true);
    Ok(())
}

/// The data sheet's title, its two header rows (names, then the column ids the loader
/// reads) and its column widths.
fn data_header(
    sheet: &mut Worksheet,
    req: &Request,
    title: &str,
    header: &[String],
) -> Result<(), XlsxError> {
    let w = words(req.lang);
    let label = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color("#DEE6EF");
    let ids = Format::new().set_italic().set_font_color("#6C757D");
    sheet.write_string_with_format(0, 0, format!("# {title}"), &Format::new().set_bold())?;
    for (k, c) in Col::ALL.iter().enumerate() {
        let text = w.columns[k];
        let text = if k == 0 {
            format!("# {text}")
        } else {
            text.to_string()
        };
        sheet.write_string_with_format(1, c.index(), text, &label)?;
        sheet.write_string_with_format(2, c.index(), &header[k], &ids)?;
    }
    let widths = [
        10.0, 24.0, 7.0, 22.0, 40.0, 16.0, 28.0, 40.0, 12.0, 12.0, 14.0, 14.0, 14.0,
    ];
    for (k, width) in widths.iter().enumerate() {
        sheet.set_column_width(k as u16, *width)?;
    }
    Ok(())
}

/// The formats of the data sheet's cells: locked text, the cells to fill, the cells that do
/// not apply.
struct CellFormats {
    locked: Format,
    input: Format,
    grey: Format,
}

impl CellFormats {
    fn new() -> Self {
        CellFormats {
            locked: Format::new()
                .set_text_wrap()
                .set_align(rust_xlsxwriter::FormatAlign::Top),
            input: Format::new()
                .set_unlocked()
                .set_background_color("#FFF2B3")
                .set_border(FormatBorder::Thin),
            grey: Format::new().set_background_color("#EEEEEE"),
        }
    }
}

/// One row of the data sheet: what is asked (locked), the value cell to fill with its valid
/// range, and for a survey indicator its standard error and sample size.
fn data_row(
    sheet: &mut Worksheet,
    req: &Request,
    r: u32,
    unit: &crate::units::Unit,
    item: &Item,
    f: &CellFormats,
) -> Result<(), XlsxError> {
    let w = words(req.lang);
    let spec = req.spec;
    let locked = &f.locked;
    let direction =
        spec.framework
            .position(&item.id)
            .and_then(|n| match &spec.framework.nodes[n].kind {
                NodeKind::Indicator(i) => Some(i.direction),
                _ => None,
            });
    let definition = match direction {
        Some(Direction::Higher) if !item.definition.is_empty() => {
            format!("{} ({})", item.definition, w.higher_better)
        }
        Some(Direction::Lower) if !item.definition.is_empty() => {
            format!("{} ({})", item.definition, w.lower_better)
        }
        Some(Direction::Higher) => w.higher_better.to_string(),
        Some(Direction::Lower) => w.lower_better.to_string(),
        None => item.definition.clone(),
    };
    sheet.write_string_with_format(r, Col::Region.index(), &unit.code, locked)?;
    sheet.write_string_with_format(
        r,
        Col::RegionName.index(),
        unit.name.get(req.lang).unwrap_or(&unit.code),
        locked,
    )?;
    sheet.write_number_with_format(r, Col::Year.index(), f64::from(req.year), locked)?;
    sheet.write_string_with_format(r, Col::Indicator.index(), &item.id, locked)?;
    sheet.write_string_with_format(r, Col::IndicatorName.index(), &item.name, locked)?;
    sheet.write_string_with_format(r, Col::Unit.index(), &item.unit, locked)?;
    sheet.write_string_with_format(r, Col::Source.index(), &item.source, locked)?;
    sheet.write_string_with_format(r, Col::Definition.index(), &definition, locked)?;
    sheet.write_string_with_format(r, Col::Valid.index(), range_text(item.valid), locked)?;
    match previous_value(req, &unit.code, item) {
        Some(v) => sheet.write_number_with_format(r, Col::Previous.index(), v, locked)?,
        None => sheet.write_blank(r, Col::Previous.index(), locked)?,
    };
    sheet.write_blank(r, Col::Value.index(), &f.input)?;
    let (prompt, rule) = match item.valid {
        Some((lo, hi)) => (
            w.value_between
                .replace("{lo}", &lo.to_string())
                .replace("{hi}", &hi.to_string()),
            DataValidationRule::Between(lo, hi),
        ),
        None => (
            w.value_any.to_string(),
            DataValidationRule::Between(-1e15, 1e15),
        ),
    };
    let validation = DataValidation::new()
        .allow_decimal_number(rule)
        .set_input_title(w.value_prompt)?
        .set_input_message(&prompt)?
        .set_error_title(w.error_title)?
        .set_error_message(&prompt)?
        .set_error_style(DataValidationErrorStyle::Stop);
    sheet.add_data_validation(r, Col::Value.index(), r, Col::Value.index(), &validation)?;
    if item.survey {
        sheet.write_blank(r, Col::Se.index(), &f.input)?;
        sheet.write_blank(r, Col::N.index(), &f.input)?;
        let se = DataValidation::new()
            .allow_decimal_number(DataValidationRule::GreaterThanOrEqualTo(0.0))
            .set_input_message(w.se_prompt)?
            .set_error_title(w.error_title)?
            .set_error_message(w.se_prompt)?;
        sheet.add_data_validation(r, Col::Se.index(), r, Col::Se.index(), &se)?;
        let n = DataValidation::new()
            .allow_whole_number(DataValidationRule::GreaterThanOrEqualTo(1))
            .set_input_message(w.n_prompt)?
            .set_error_title(w.error_title)?
            .set_error_message(w.n_prompt)?;
        sheet.add_data_validation(r, Col::N.index(), r, Col::N.index(), &n)?;
    } else {
        sheet.write_blank(r, Col::Se.index(), &f.grey)?;
        sheet.write_blank(r, Col::N.index(), &f.grey)?;
    }
    Ok(())
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::file_stem;

    #[test]
    fn file_names_from_codes_and_agencies() {
        assert_eq!(file_stem("KZ-10"), "KZ-10");
        assert_eq!(
            file_stem("Ministry of Health; Bureau of National Statistics (ASPR RK)"),
            "Ministry-of-Health-Bureau-of-National-Statistics-ASPR-RK"
        );
        assert_eq!(
            file_stem("Министерство просвещения"),
            "Министерство-просвещения"
        );
        assert_eq!(file_stem("***"), "template");
    }
}
