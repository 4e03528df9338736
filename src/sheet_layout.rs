//! The layout of a collection template, shared by the writer (`template`) and the loader
//! (`load`), which must agree on it cell for cell.
//!
//! A template's data sheet is a long data table that the loader reads as it reads any long
//! file: two comment rows (a title, then the column labels in the template's language), the
//! header row of column ids, then one row per region and indicator. A very hidden sheet,
//! `_cwi`, records what the template was made for (spec id and version, year, the data
//! sheet's name, the header and every row's region and indicator), so that a template whose
//! structure was edited is refused at the cell that differs instead of read on a guess.

use crate::spec::DataLayout;

/// The hidden sheet that marks a workbook as a cwi template.
pub const META_SHEET: &str = "_cwi";
/// The first cell of the metadata sheet, and the format's version beside it.
pub const FORMAT: &str = "cwi-template";
pub const FORMAT_VERSION: &str = "1";
/// Sheet rows (1-based) of the data sheet: the title, the labels, the header.
pub const HEADER_ROW: u32 = 3;

/// The columns of the data sheet, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Col {
    Region,
    RegionName,
    Year,
    Indicator,
    IndicatorName,
    Unit,
    Source,
    Definition,
    Valid,
    Previous,
    Value,
    Se,
    N,
}

impl Col {
    pub const ALL: [Col; 13] = [
        Col::Region,
        Col::RegionName,
        Col::Year,
        Col::Indicator,
        Col::IndicatorName,
        Col::Unit,
        Col::Source,
        Col::Definition,
        Col::Valid,
        Col::Previous,
        Col::Value,
        Col::Se,
        Col::N,
    ];

    /// 0-based sheet column.
    pub fn index(self) -> u16 {
        Col::ALL.iter().position(|&c| c == self).expect("listed") as u16
    }

    /// The column id in the header row: the spec's own column names for the keys and the
    /// value (so the sheet reads as a long data file), fixed ids for the rest.
    pub fn id(self, layout: &DataLayout) -> String {
        match self {
            Col::Region => layout.region_column.clone(),
            Col::RegionName => layout
                .name_column
                .clone()
                .unwrap_or_else(|| "region_name".into()),
            Col::Year => layout.year_column.clone(),
            Col::Indicator => layout.indicator_column.clone(),
            Col::IndicatorName => "indicator_name".into(),
            Col::Unit => "unit".into(),
            Col::Source => "source".into(),
            Col::Definition => "definition".into(),
            Col::Valid => "valid".into(),
            Col::Previous => "previous_value".into(),
            Col::Value => layout.value_column.clone(),
            Col::Se => "se".into(),
            Col::N => "n".into(),
        }
    }

    /// Cells the reporting office fills in.
    pub fn is_input(self) -> bool {
        matches!(self, Col::Value | Col::Se | Col::N)
    }
}

/// The header row of the data sheet.
pub fn header(layout: &DataLayout) -> Vec<String> {
    Col::ALL.iter().map(|c| c.id(layout)).collect()
}

/// What the metadata sheet records.
#[derive(Debug, Clone, PartialEq)]
pub struct Meta {
    pub spec_id: String,
    pub spec_version: String,
    pub year: i32,
    pub data_sheet: String,
    pub header: Vec<String>,
    /// Per data row, in order: region code and indicator id.
    pub rows: Vec<(String, String)>,
}

impl Meta {
    /// The metadata sheet's cells, row by row.
    pub fn to_rows(&self) -> Vec<Vec<String>> {
        let mut out = vec![
            vec![FORMAT.to_string(), FORMAT_VERSION.to_string()],
            vec!["spec_id".into(), self.spec_id.clone()],
            vec!["spec_version".into(), self.spec_version.clone()],
            vec!["year".into(), self.year.to_string()],
            vec!["data_sheet".into(), self.data_sheet.clone()],
        ];
        let mut header = vec!["header".to_string()];
        header.extend(self.header.iter().cloned());
        out.push(header);
        out.push(vec!["rows".into(), self.rows.len().to_string()]);
        for (region, indicator) in &self.rows {
            out.push(vec!["row".into(), region.clone(), indicator.clone()]);
        }
        out
    }

    /// Reads the metadata sheet's cells (as text); `Err` says what is wrong with it, naming
    /// the sheet and cell.
    pub fn from_rows(rows: &[Vec<String>]) -> Result<Meta, String> {
        let cell = |r: usize, c: usize| rows.get(r).and_then(|row| row.get(c)).map(String::as_str);
        let at = |r: usize, c: usize| {
            format!(
                "sheet \"{META_SHEET}\", cell {}",
                cell_name(r as u32, c as u16)
            )
        };
        if cell(0, 0) != Some(FORMAT) {
            return Err(format!(
                "{}: \"{}\" where a cwi template has \"{FORMAT}\"",
                at(0, 0),
                short(cell(0, 0).unwrap_or(""))
            ));
        }
        if cell(0, 1) != Some(FORMAT_VERSION) {
            return Err(format!(
                "{}: template format \"{}\", and this cwi reads format {FORMAT_VERSION}",
                at(0, 1),
                short(cell(0, 1).unwrap_or(""))
            ));
        }
        let value = |r: usize, key: &str| -> Result<String, String> {
            match (cell(r, 0), cell(r, 1)) {
                (Some(k), Some(v)) if k == key => Ok(v.to_string()),
                _ => Err(format!("{}: no \"{key}\"", at(r, 0))),
            }
        };
        let year = value(3, "year")?;
        let year = year
            .parse()
            .map_err(|_| format!("{}: year \"{}\"", at(3, 1), short(&year)))?;
        if cell(5, 0) != Some("header") {
            return Err(format!("{}: no \"header\"", at(5, 0)));
        }
        let header = rows[5][1..].to_vec();
        let count = value(6, "rows")?;
        let count: usize = count
            .parse()
            .map_err(|_| format!("{}: row count \"{}\"", at(6, 1), short(&count)))?;
        // The count is the file's word: checked against the rows there before it is trusted.
        let there = rows.len().saturating_sub(7);
        if count > there {
            return Err(format!(
                "{}: announces {count} rows and has {there}",
                at(6, 1)
            ));
        }
        let mut list = Vec::with_capacity(count);
        for r in 7..7 + count {
            match (cell(r, 0), cell(r, 1), cell(r, 2)) {
                (Some("row"), Some(region), Some(indicator)) => {
                    list.push((region.to_string(), indicator.to_string()))
                }
                _ => return Err(format!("{}: not a row of the template", at(r, 0))),
            }
        }
        Ok(Meta {
            spec_id: value(1, "spec_id")?,
            spec_version: value(2, "spec_version")?,
            year,
            data_sheet: value(4, "data_sheet")?,
            header,
            rows: list,
        })
    }
}

/// A cell's text quoted in a message: at most 60 characters.
pub fn short(text: &str) -> String {
    if text.chars().count() > 60 {
        text.chars().take(57).collect::<String>() + "..."
    } else {
        text.to_string()
    }
}

/// A cell's name as spreadsheets write it: 0-based row and column to `K7`.
pub fn cell_name(row: u32, col: u16) -> String {
    let mut letters = Vec::new();
    let mut c = u32::from(col) + 1;
    while c > 0 {
        let rem = (c - 1) % 26;
        letters.push(b'A' + rem as u8);
        c = (c - 1) / 26;
    }
    letters.reverse();
    format!(
        "{}{}",
        String::from_utf8(letters).expect("ASCII letters"),
        row + 1
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_names_as_spreadsheets_write_them() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(6, 10), "K7");
        assert_eq!(cell_name(9, 25), "Z10");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(0, 701), "ZZ1");
        assert_eq!(cell_name(0, 702), "AAA1");
    }

    #[test]
    fn metadata_reads_back_as_written() {
        let meta = Meta {
            spec_id: "kz-cwi".into(),
            spec_version: "2024".into(),
            year: 2025,
            data_sheet: "Data".into(),
            header: vec!["region".into(), "value".into()],
            rows: vec![("KZ-10".into(), "a".into()), ("KZ-10".into(), "b".into())],
        };
        assert_eq!(Meta::from_rows(&meta.to_rows()), Ok(meta.clone()));
        let mut cut = meta.to_rows();
        cut.pop();
        assert!(
            Meta::from_rows(&cut)
                .unwrap_err()
                .contains("announces 2 rows and has 1")
        );
        // A count no file could hold is refused before anything is allocated for it (found
        // by fuzzing: it was a capacity request of 103 GB).
        let mut huge = meta.to_rows();
        huge[6][1] = "12884901888".into();
        assert!(
            Meta::from_rows(&huge)
                .unwrap_err()
                .contains("announces 12884901888 rows")
        );
    }
}
