//! The analyses' tables (rank intervals, sensitivity indices, audit statistics), each built
//! once with typed columns and written as CSV, Parquet or both.

use std::io::Cursor;

use polars::prelude::*;

use super::Format;

/// A column's values.
pub enum Values {
    /// Whole numbers (years, counts, ranks); `None` is an empty cell.
    Int(Vec<Option<i64>>),
    /// Measures; written as the shortest decimal that reads back; `None` is an empty cell.
    Float(Vec<Option<f64>>),
    Text(Vec<String>),
    Bool(Vec<bool>),
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
            Values::Text(v) => v.len(),
            Values::Bool(v) => v.len(),
        })
    }

    pub fn csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(self.columns.iter().map(|(name, _)| *name))?;
        for row in 0..self.rows() {
            w.write_record(self.columns.iter().map(|(_, v)| match v {
                Values::Int(v) => v[row].map_or(String::new(), |x| x.to_string()),
                Values::Float(v) => v[row].map_or(String::new(), |x| x.to_string()),
                Values::Text(v) => v[row].clone(),
                Values::Bool(v) => v[row].to_string(),
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
                match v {
                    Values::Int(v) => Column::new(name, v),
                    Values::Float(v) => Column::new(name, v),
                    Values::Text(v) => Column::new(name, v),
                    Values::Bool(v) => Column::new(name, v),
                }
            })
            .collect();
        let mut frame = DataFrame::new_infer_height(columns)?;
        let mut out = Cursor::new(Vec::new());
        ParquetWriter::new(&mut out).finish(&mut frame)?;
        Ok(out.into_inner())
    }

    /// The table's files in the formats asked for (JSON is the analysis's own document).
    pub fn files(
        &self,
        formats: &[Format],
    ) -> Result<Vec<super::analysis::File>, super::OutputError> {
        let fail = |format: &str, message: String| super::OutputError::Render {
            what: format!("{}.{format}", self.name),
            message,
        };
        let mut files = Vec::new();
        if formats.contains(&Format::Csv) {
            let bytes = self.csv().map_err(|e| fail("csv", e.to_string()))?;
            files.push((format!("{}.csv", self.name), bytes));
        }
        if formats.contains(&Format::Parquet) {
            let bytes = self.parquet().map_err(|e| fail("parquet", e.to_string()))?;
            files.push((format!("{}.parquet", self.name), bytes));
        }
        Ok(files)
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
            ],
        };
        assert_eq!(
            String::from_utf8(t.csv().unwrap()).unwrap(),
            "year,x,name,flag\n2024,1,\"a,b\",true\n,0.30000000000000004,c,false\n"
        );
        let frame = ParquetReader::new(Cursor::new(t.parquet().unwrap()))
            .finish()
            .unwrap();
        let dtypes: Vec<DataType> = frame.dtypes();
        assert_eq!(
            dtypes,
            [
                DataType::Int64,
                DataType::Float64,
                DataType::String,
                DataType::Boolean
            ]
        );
        assert_eq!(
            frame.column("x").unwrap().f64().unwrap().get(1),
            Some(0.1 + 0.2)
        );
    }
}
