//! `[data]`: the columns a data file's roles are in, and how files are read (decimal mark,
//! encoding, sheet, and per file `[[data.file]]`).

use toml::Spanned;

use super::Checker;
use crate::diagnostic::Code;
use crate::spec::{DataLayout, DecimalMark, FileReading, TextEncoding};

/// A spelling checked against the ones allowed, or reported at its place (E011).
fn spelled<T>(
    check: &mut Checker,
    raw: Option<&Spanned<String>>,
    parse: impl Fn(&str) -> Option<T>,
    what: &str,
    allowed: &str,
) -> Option<T> {
    let raw = raw?;
    let value = parse(raw.get_ref());
    if value.is_none() {
        check.at(
            Code::UnknownMethod,
            raw.span(),
            format!("unknown {what} \"{}\"", raw.get_ref()),
            format!("use {allowed}"),
        );
    }
    value
}

pub(super) fn data_layout(check: &mut Checker, raw: crate::spec::raw::RawData) -> DataLayout {
    let decimal = spelled(
        check,
        raw.decimal.as_ref(),
        DecimalMark::from_spelling,
        "decimal mark",
        &crate::spec::quoted_choices::<DecimalMark>(),
    )
    .unwrap_or(DecimalMark::Auto);
    let encoding = spelled(
        check,
        raw.encoding.as_ref(),
        TextEncoding::from_spelling,
        "encoding",
        &crate::spec::quoted_choices::<TextEncoding>(),
    )
    .unwrap_or(TextEncoding::Auto);
    let files = raw
        .file
        .into_iter()
        .map(|f| {
            if f.name.get_ref().trim().is_empty() {
                check.at(
                    Code::BadParameter,
                    f.name.span(),
                    "a [[data.file]] declaration without a file name".to_string(),
                    "name the file as given to --data, e.g. name = \"regions-ru.csv\"",
                );
            }
            FileReading {
                name: f.name.get_ref().trim().to_string(),
                decimal: spelled(
                    check,
                    f.decimal.as_ref(),
                    DecimalMark::from_spelling,
                    "decimal mark",
                    &crate::spec::quoted_choices::<DecimalMark>(),
                ),
                separator: spelled(
                    check,
                    f.separator.as_ref(),
                    crate::spec::separator_from_spelling,
                    "separator",
                    "\",\", \";\" or \"\\t\" (a tab)",
                ),
                encoding: spelled(
                    check,
                    f.encoding.as_ref(),
                    TextEncoding::from_spelling,
                    "encoding",
                    &crate::spec::quoted_choices::<TextEncoding>(),
                ),
                sheet: f.sheet,
            }
        })
        .collect();
    DataLayout {
        region_column: raw.region_column.unwrap_or_else(|| "region".into()),
        year_column: raw.year_column.unwrap_or_else(|| "year".into()),
        indicator_column: raw.indicator_column.unwrap_or_else(|| "indicator".into()),
        value_column: raw.value_column.unwrap_or_else(|| "value".into()),
        name_column: raw.name_column,
        ignore_columns: raw.ignore_columns,
        ignore_regions: raw
            .ignore_regions
            .into_iter()
            .map(Spanned::into_inner)
            .collect(),
        missing_values: raw.missing_values,
        decimal,
        encoding,
        separator: None,
        sheet: raw.sheet,
        files,
    }
}
