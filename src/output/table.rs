//! The analyses' tables (rank intervals, sensitivity indices, audit statistics), each built
//! once with typed columns and written as CSV, Parquet or both.

use std::io::Cursor;

use polars::prelude::*;

use super::Format;
use crate::named::Named;
use crate::rank::Rank;

/// A file to write: its path in the output directory and its bytes.
pub type File = (String, Vec<u8>);

/// A column's values.
pub enum Values {
    /// Whole numbers (years, counts, ranks); `None` is an empty cell.
    Int(Vec<Option<i64>>),
    /// Measures; written as the shortest decimal that reads back; `None` is an empty cell.
    Float(Vec<Option<f64>>),
    Text(Vec<String>),
    /// Codes, ids and fixed words (region codes, indicator and group ids, factors): text in
    /// CSV, dictionary-encoded in Parquet (polars reads an Enum, pyarrow and pandas a
    /// dictionary column), as `scores.parquet` writes its codes.
    Code(Vec<String>),
    Bool(Vec<bool>),
    /// Ranks: whole numbers (Int64 in Parquet), or with `halves` (average ties) numbers that
    /// can end in .5 (Float64), so a column's type follows the spec, not the data.
    Ranks {
        ranks: Vec<Option<Rank>>,
        halves: bool,
    },
}

/// A table: named columns of equal length.
pub struct Table {
    /// The file name without its extension, in the output directory (`uncertainty/ranks`).
    pub name: &'static str,
    pub columns: Vec<(&'static str, Values)>,
}

impl Table {
    fn rows(&self) -> usize {
        self.columns.first().map_or(0, |(_, v)| match v {
            Values::Int(v) => v.len(),
            Values::Float(v) => v.len(),
            Values::Text(v) | Values::Code(v) => v.len(),
            Values::Bool(v) => v.len(),
            Values::Ranks { ranks, .. } => ranks.len(),
        })
    }

    pub fn csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(self.columns.iter().map(|(name, _)| *name))?;
        for row in 0..self.rows() {
            w.write_record(self.columns.iter().map(|(_, v)| match v {
                Values::Int(v) => v[row].map_or(String::new(), |x| x.to_string()),
                Values::Float(v) => v[row].map_or(String::new(), |x| x.to_string()),
                Values::Text(v) | Values::Code(v) => v[row].clone(),
                Values::Bool(v) => v[row].to_string(),
                Values::Ranks { ranks, .. } => ranks[row].map_or(String::new(), |r| r.to_string()),
            }))?;
        }
        w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
    }

    pub fn parquet(&self) -> PolarsResult<Vec<u8>> {
        let columns = self
            .columns
            .iter()
            .map(|(name, v)| {
                let name = PlSmallStr::from_static(name);
                Ok(match v {
                    Values::Int(v) => Column::new(name, v),
                    Values::Float(v) => Column::new(name, v),
                    Values::Text(v) => Column::new(name, v),
                    Values::Code(v) => {
                        super::parquet::Dictionary::new(v.iter().map(String::as_str))?
                            .values_column(name.as_str())?
                    }
                    Values::Bool(v) => Column::new(name, v),
                    Values::Ranks {
                        ranks,
                        halves: false,
                    } => {
                        let whole: Vec<Option<i64>> = ranks
                            .iter()
                            .map(|r| r.map(|r| i64::from(r.halves() / 2)))
                            .collect();
                        Column::new(name, whole)
                    }
                    Values::Ranks {
                        ranks,
                        halves: true,
                    } => {
                        let values: Vec<Option<f64>> =
                            ranks.iter().map(|r| r.map(Rank::value)).collect();
                        Column::new(name, values)
                    }
                })
            })
            .collect::<PolarsResult<_>>()?;
        let mut frame = DataFrame::new_infer_height(columns)?;
        let mut out = Cursor::new(Vec::new());
        ParquetWriter::new(&mut out).finish(&mut frame)?;
        Ok(out.into_inner())
    }

    /// The table's file in `format`; `None` for JSON, which is the analysis's own document
    /// (every format is matched: a new one does not compile until it says what it writes).
    pub fn file(&self, format: Format) -> Result<Option<File>, super::OutputError> {
        let fail = |format: &str, message: String| super::OutputError::Render {
            what: format!("{}.{format}", self.name),
            message,
        };
        Ok(match format {
            Format::Csv => {
                let bytes = self.csv().map_err(|e| fail("csv", e.to_string()))?;
                Some((format!("{}.csv", self.name), bytes))
            }
            Format::Parquet => {
                let bytes = self.parquet().map_err(|e| fail("parquet", e.to_string()))?;
                Some((format!("{}.parquet", self.name), bytes))
            }
            // The analysis's JSON document holds the table.
            Format::Json => None,
            Format::Html | Format::Xlsx => {
                return Err(fail(
                    format.name(),
                    "a file of cwi report; a table is written as csv, json or parquet".into(),
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_as_the_values_print_and_parquet_keeps_the_types() {
        let t = Table {
            name: "t",
            columns: vec![
                ("year", Values::Int(vec![Some(2024), None])),
                ("x", Values::Float(vec![Some(1.0), Some(0.1 + 0.2)])),
                ("name", Values::Text(vec!["a,b".into(), "c".into()])),
                ("flag", Values::Bool(vec![true, false])),
                ("code", Values::Code(vec!["KZ-19".into(), "KZ-11".into()])),
            ],
        };
        assert_eq!(
            String::from_utf8(t.csv().unwrap()).unwrap(),
            "year,x,name,flag,code\n2024,1,\"a,b\",true,KZ-19\n,0.30000000000000004,c,false,KZ-11\n"
        );
        let frame = ParquetReader::new(Cursor::new(t.parquet().unwrap()))
            .finish()
            .unwrap();
        let dtypes: Vec<DataType> = frame.dtypes();
        assert_eq!(
            dtypes[..4],
            [
                DataType::Int64,
                DataType::Float64,
                DataType::String,
                DataType::Boolean
            ]
        );
        assert!(matches!(dtypes[4], DataType::Enum(..)), "{:?}", dtypes[4]);
        assert_eq!(
            frame.column("x").unwrap().f64().unwrap().get(1),
            Some(0.1 + 0.2)
        );
        let codes = frame
            .column("code")
            .unwrap()
            .cast(&DataType::String)
            .unwrap();
        let codes: Vec<Option<&str>> = codes.str().unwrap().iter().collect();
        assert_eq!(codes, [Some("KZ-19"), Some("KZ-11")]);
    }

    #[test]
    fn a_code_column_holds_each_distinct_value_once_in_first_seen_order() {
        let values = ["b", "a", "b", "c", "a"];
        let t = Table {
            name: "t",
            columns: vec![("code", Values::Code(values.map(String::from).to_vec()))],
        };
        let frame = ParquetReader::new(Cursor::new(t.parquet().unwrap()))
            .finish()
            .unwrap();
        let column = frame.column("code").unwrap();
        let DataType::Enum(categories, _) = column.dtype() else {
            panic!("not an Enum: {:?}", column.dtype());
        };
        let categories: Vec<&str> = categories.categories().values_iter().collect();
        assert_eq!(categories, ["b", "a", "c"]);
        let physical = column.to_physical_repr();
        let physical = physical.cast(&DataType::UInt32).unwrap();
        let codes: Vec<Option<u32>> = physical.u32().unwrap().iter().collect();
        assert_eq!(codes, [Some(0), Some(1), Some(0), Some(2), Some(1)]);
    }
}
