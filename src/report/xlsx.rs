//! The Excel workbook: scores of every level, ranks, raw and normalised indicator values,
//! effective weights, data quality and the manifest, labelled in the report's language.
//!
//! Every table sheet has two header rows, frozen: names in the chosen language, then the ids
//! (so formulas and other tools can find a column whatever the language).

use rust_xlsxwriter::{
    ConditionalFormat3ColorScale, DocProperties, ExcelDateTime, Format, Workbook, Worksheet,
    XlsxError,
};

use super::{Context, ReportError};

fn fail(e: XlsxError) -> ReportError {
    ReportError::Workbook(e.to_string())
}

/// Sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    s.chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

/// One row per year and region with a value per column, as a table sheet.
struct Table<'a> {
    name: String,
    /// (label, id) of each value column.
    columns: Vec<(String, String)>,
    value: &'a dyn Fn(usize, usize, usize) -> Option<f64>,
    number_format: &'static str,
    colour_scale: bool,
}

fn write_table(book: &mut Workbook, ctx: &Context, t: Table) -> Result<(), ReportError> {
    let w = ctx.words();
    let r = ctx.results;
    let header = Format::new().set_bold().set_background_color("#DEE6EF");
    let ids = Format::new().set_italic().set_font_color("#6C757D");
    let number = Format::new().set_num_format(t.number_format);
    let sheet: &mut Worksheet = book.add_worksheet();
    sheet.set_name(sheet_name(&t.name)).map_err(fail)?;
    let keys = [w.year, w.code, w.region];
    for (c, k) in keys.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *k, &header)
            .map_err(fail)?;
        sheet
            .write_string_with_format(1, c as u16, ["year", "region_code", "region_name"][c], &ids)
            .map_err(fail)?;
    }
    for (c, (label, id)) in t.columns.iter().enumerate() {
        let col = (c + 3) as u16;
        sheet
            .write_string_with_format(0, col, label, &header)
            .map_err(fail)?;
        sheet
            .write_string_with_format(1, col, id, &ids)
            .map_err(fail)?;
        sheet.set_column_width(col, 14).map_err(fail)?;
    }
    sheet.set_column_width(2, 30).map_err(fail)?;
    let mut row = 2u32;
    for (y, &year) in r.panel.years.iter().enumerate() {
        for u in r.panel.present_units(y) {
            sheet.write_number(row, 0, year as f64).map_err(fail)?;
            sheet
                .write_string(row, 1, &r.panel.units.get(u).code)
                .map_err(fail)?;
            sheet
                .write_string(row, 2, ctx.region_name(u))
                .map_err(fail)?;
            for c in 0..t.columns.len() {
                if let Some(v) = (t.value)(c, y, u) {
                    sheet
                        .write_number_with_format(row, (c + 3) as u16, v, &number)
                        .map_err(fail)?;
                }
            }
            row += 1;
        }
    }
    sheet.set_freeze_panes(2, 3).map_err(fail)?;
    if t.colour_scale && row > 2 && !t.columns.is_empty() {
        let scale = ConditionalFormat3ColorScale::new()
            .set_minimum_color("#F8696B")
            .set_midpoint_color("#FFEB84")
            .set_maximum_color("#63BE7B");
        sheet
            .add_conditional_format(2, 3, row - 1, (t.columns.len() + 2) as u16, &scale)
            .map_err(fail)?;
    }
    Ok(())
}

/// The workbook as bytes: the table sheets (scores per level, ranks, raw and normalised
/// values), then the weights, data quality, changed cells and the run.
pub fn render(ctx: &Context, manifest: &str) -> Result<Vec<u8>, ReportError> {
    let mut book = Workbook::new();
    // A fixed creation date: the same inputs give the same bytes (and the manifest's digest
    // of the workbook is the same on every run).
    book.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&ExcelDateTime::from_ymd(2000, 1, 1).map_err(fail)?),
    );
    table_sheets(&mut book, ctx)?;
    let header = Format::new().set_bold().set_background_color("#DEE6EF");
    weights_sheet(&mut book, ctx, &header)?;
    quality_sheet(&mut book, ctx, &header)?;
    changes_sheet(&mut book, ctx, &header)?;
    run_sheet(&mut book, ctx, &header, manifest)?;
    book.save_to_buffer().map_err(fail)
}

/// A sheet named `name` with a bold header row of `headings`, frozen.
fn headed<'b>(
    book: &'b mut Workbook,
    name: &str,
    headings: &[&str],
    header: &Format,
) -> Result<&'b mut Worksheet, ReportError> {
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(name)).map_err(fail)?;
    for (c, h) in headings.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, header)
            .map_err(fail)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(fail)?;
    Ok(sheet)
}

/// Scores, one sheet per level of the tree; ranks; raw and normalised indicator values.
fn table_sheets(book: &mut Workbook, ctx: &Context) -> Result<(), ReportError> {
    let w = ctx.words();
    let r = ctx.results;
    let fw = &r.spec.framework;
    let label = |n: usize| (ctx.node_name(n), fw.nodes[n].id.clone());
    let depth = fw.nodes.iter().map(|n| n.level).max().unwrap_or(0);
    for level in 0..=depth {
        let nodes: Vec<usize> = (0..fw.nodes.len())
            .filter(|&n| fw.nodes[n].level == level)
            .collect();
        let given_level = r.spec.levels.get(level).and_then(|l| l.get(&ctx.lang));
        write_table(
            book,
            ctx,
            Table {
                // Short by design (Excel allows 31 characters): the level's name when the
                // spec gives one that fits, else its number.
                name: match given_level
                    .filter(|n| format!("{} – {n}", w.score).chars().count() <= 31)
                {
                    Some(n) => format!("{} – {n}", w.score),
                    None => format!("{} – {} {level}", w.score, w.level),
                },
                columns: nodes.iter().map(|&n| label(n)).collect(),
                value: &|c, y, u| r.scores.get(nodes[c], y, u),
                number_format: "0.00",
                colour_scale: true,
            },
        )?;
    }
    let all: Vec<usize> = (0..fw.nodes.len()).collect();
    write_table(
        book,
        ctx,
        Table {
            name: w.rank.to_string(),
            columns: all.iter().map(|&n| label(n)).collect(),
            value: &|c, y, u| r.rank(all[c], y, u).map(crate::rank::Rank::value),
            // Average ties give halves (2.5), which "0" would show rounded.
            number_format: if r.recipe.ranking.ties.is_average() {
                "0.0"
            } else {
                "0"
            },
            colour_scale: false,
        },
    )?;
    let indicators = &fw.indicators;
    write_table(
        book,
        ctx,
        Table {
            name: w.raw_values.to_string(),
            columns: indicators.iter().map(|&n| label(n)).collect(),
            value: &|c, y, u| r.panel.get(y, u, c),
            number_format: "General",
            colour_scale: false,
        },
    )?;
    write_table(
        book,
        ctx,
        Table {
            name: w.normalisation.to_string(),
            columns: indicators.iter().map(|&n| label(n)).collect(),
            value: &|c, y, u| r.normalised.get(y, u, c),
            number_format: "0.00",
            colour_scale: true,
        },
    )
}

/// Every node's weight as declared, relative to its siblings, and effective in the index.
fn weights_sheet(book: &mut Workbook, ctx: &Context, header: &Format) -> Result<(), ReportError> {
    let w = ctx.words();
    let fw = &ctx.results.spec.framework;
    let share = Format::new().set_num_format("0.0000");
    let headings = [
        w.code,
        w.indicator,
        w.level_heading,
        w.weight,
        w.relative_weight,
        w.effective_weight,
    ];
    let sheet = headed(book, w.effective_weight, &headings, header)?;
    for (k, node) in fw.nodes.iter().enumerate() {
        let row = k as u32 + 1;
        sheet.write_string(row, 0, &node.id).map_err(fail)?;
        sheet
            .write_string(
                row,
                1,
                format!("{}{}", "  ".repeat(node.level), ctx.node_name(k)),
            )
            .map_err(fail)?;
        sheet
            .write_number(row, 2, node.level as f64)
            .map_err(fail)?;
        let weights = &ctx.results.weights;
        sheet.write_number(row, 3, weights.get(k)).map_err(fail)?;
        sheet
            .write_number_with_format(row, 4, weights.relative(fw, k), &share)
            .map_err(fail)?;
        sheet
            .write_number_with_format(row, 5, weights.effective(fw, k), &share)
            .map_err(fail)?;
    }
    sheet.set_column_width(1, 50).map_err(fail)?;
    Ok(())
}

/// Data quality: missing values per indicator and year.
fn quality_sheet(book: &mut Workbook, ctx: &Context, header: &Format) -> Result<(), ReportError> {
    let w = ctx.words();
    let r = ctx.results;
    let headings = [w.code, w.indicator, w.year, w.missing, w.regions];
    let sheet = headed(book, w.data_quality, &headings, header)?;
    for (k, m) in r.panel.missing_counts().iter().enumerate() {
        let row = k as u32 + 1;
        let name = r
            .spec
            .framework
            .position(&m.indicator)
            .map_or(m.indicator.clone(), |n| ctx.node_name(n));
        sheet.write_string(row, 0, &m.indicator).map_err(fail)?;
        sheet.write_string(row, 1, name).map_err(fail)?;
        sheet.write_number(row, 2, m.year as f64).map_err(fail)?;
        sheet.write_number(row, 3, m.missing as f64).map_err(fail)?;
        sheet.write_number(row, 4, m.units as f64).map_err(fail)?;
    }
    sheet.set_column_width(1, 50).map_err(fail)?;
    Ok(())
}

/// Imputed and treated cells, flagged one per row.
fn changes_sheet(book: &mut Workbook, ctx: &Context, header: &Format) -> Result<(), ReportError> {
    let w = ctx.words();
    let r = ctx.results;
    let headings = [
        w.flag,
        w.indicator,
        w.year,
        w.region,
        w.before,
        w.after,
        w.how,
    ];
    let sheet = headed(book, w.imputed_and_treated, &headings, header)?;
    let changes = r
        .log
        .imputed
        .iter()
        .map(|c| (w.imputed, c))
        .chain(r.log.treated.iter().map(|c| (w.treated, c)));
    for (k, (flag, c)) in changes.enumerate() {
        let row = k as u32 + 1;
        sheet.write_string(row, 0, flag).map_err(fail)?;
        sheet
            .write_string(row, 1, ctx.node_name_of(&c.indicator))
            .map_err(fail)?;
        sheet.write_number(row, 2, c.year as f64).map_err(fail)?;
        sheet
            .write_string(row, 3, ctx.region_name_of(&c.region))
            .map_err(fail)?;
        if let Some(b) = c.before {
            sheet.write_number(row, 4, b).map_err(fail)?;
        }
        sheet.write_number(row, 5, c.after).map_err(fail)?;
        sheet
            .write_string(row, 6, super::methods::change(&c.how, &ctx.lang))
            .map_err(fail)?;
    }
    Ok(())
}

/// The run: its inputs with their hashes and its settings, as the report's appendix
/// (manifest.json beside the workbook holds the whole record).
fn run_sheet(
    book: &mut Workbook,
    ctx: &Context,
    header: &Format,
    manifest: &str,
) -> Result<(), ReportError> {
    let w = ctx.words();
    let r = ctx.results;
    let m: serde_json::Value = serde_json::from_str(manifest).unwrap_or_default();
    let text = |v: &serde_json::Value| v.as_str().map_or_else(|| v.to_string(), str::to_string);
    let mut rows: Vec<(String, String, String)> = vec![(
        format!("{} {}", w.spec_file, text(&m["spec"]["path"])),
        text(&m["spec"]["sha256"]),
        String::new(),
    )];
    for f in m["data"].as_array().into_iter().flatten() {
        rows.push((text(&f["path"]), text(&f["sha256"]), text(&f["rows"])));
    }
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name(w.manifest)).map_err(fail)?;
    for (c, h) in [w.input_file, "SHA-256", w.rows].iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, header)
            .map_err(fail)?;
    }
    for (k, (a, b, c)) in rows.iter().enumerate() {
        let row = k as u32 + 1;
        sheet.write_string(row, 0, a).map_err(fail)?;
        sheet.write_string(row, 1, b).map_err(fail)?;
        sheet.write_string(row, 2, c).map_err(fail)?;
    }
    let settings = [
        (w.version, format!("cwi {}", text(&m["cwi_version"]))),
        (
            w.index_version,
            format!(
                "{} {}",
                text(&m["index"]["id"]),
                text(&m["index"]["version"])
            ),
        ),
        (
            w.pooling,
            super::methods::pooling(&r.spec.pooling, &ctx.lang),
        ),
        (
            w.boundaries,
            super::methods::boundaries(r.boundaries, &ctx.lang),
        ),
        (w.full_record, String::new()),
    ];
    for (k, (name, value)) in settings.iter().enumerate() {
        let row = (rows.len() + 2 + k) as u32;
        sheet
            .write_string_with_format(row, 0, *name, header)
            .map_err(fail)?;
        sheet.write_string(row, 1, value).map_err(fail)?;
    }
    sheet.set_column_width(0, 50).map_err(fail)?;
    sheet.set_column_width(1, 70).map_err(fail)?;
    Ok(())
}
