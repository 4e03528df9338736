//! Every use of polars' own crates beneath its public API, in one place: polars-parquet,
//! polars-buffer and polars-arrow, pinned in Cargo.toml to the exact version of polars (they
//! are built as part of it, so they cost no build time), for two things its API does not do:
//!
//! - reading a Parquet file's page headers before polars decodes it, to refuse a file whose
//!   counts polars would trust as lengths and abort on (`negative_counts`);
//! - encoding a year's columns into compressed pages on several threads while the file is
//!   written in order (`Encoder`), and giving columns a validity bitmap built as they are
//!   (`Bitmap`), for `scores.parquet`.
//!
//! When polars is upgraded, these three crates must be upgraded with it to the same version:
//! the test below says so when Cargo.lock disagrees, and the Parquet tests check the rest.

use std::io::Cursor;

use polars::io::parquet::write::{
    BatchedWriter, ParquetCompression, StatisticsOptions, get_encodings,
};
use polars::prelude::*;
pub(crate) use polars_arrow::bitmap::{Bitmap, MutableBitmap};
use polars_parquet::read::ParquetError;
use polars_parquet::write::{
    CompressedPage, Compressor, Encoding, ParquetType, Version, WriteOptions, array_to_columns,
};

/// One row group's encoded and compressed pages, column by column.
pub(crate) type Pages = Vec<Vec<CompressedPage>>;

/// How each column is encoded, as polars' own writer does it by default.
pub(crate) struct Encoder {
    fields: Vec<ParquetType>,
    encodings: Vec<Vec<Encoding>>,
    options: WriteOptions,
}

impl Encoder {
    /// The encoder of `writer`'s columns, with polars' default options (zstd, statistics,
    /// version 1 pages), as `ParquetWriter` itself would encode them.
    pub(crate) fn new<W: std::io::Write>(
        writer: &mut BatchedWriter<W>,
        schema: &Schema,
    ) -> Encoder {
        let arrow = schema.to_arrow(CompatLevel::newest());
        Encoder {
            fields: writer.parquet_schema().fields().to_vec(),
            encodings: get_encodings(&arrow).iter().cloned().collect(),
            options: WriteOptions {
                statistics: StatisticsOptions::default(),
                compression: ParquetCompression::default().into(),
                version: Version::V1,
                data_page_size: None,
            },
        }
    }

    /// A frame's pages, encoded and compressed, column by column (one row group).
    pub(crate) fn encode(&self, frame: &DataFrame) -> PolarsResult<Pages> {
        let mut columns = Vec::with_capacity(self.fields.len());
        for batch in frame.iter_chunks(CompatLevel::newest(), false) {
            for ((array, field), encodings) in batch
                .columns()
                .iter()
                .zip(&self.fields)
                .zip(&self.encodings)
            {
                for pages in array_to_columns(array, field.clone(), self.options, encodings)? {
                    let pages = pages.map(|page| {
                        page.map_err(|e| {
                            ParquetError::FeatureNotSupported(format!("reraised in polars: {e}"))
                        })
                    });
                    columns.push(
                        Compressor::new_from_vec(pages, self.options.compression, Vec::new())
                            .collect::<Result<Vec<_>, ParquetError>>()?,
                    );
                }
            }
        }
        Ok(columns)
    }
}

/// What polars' Parquet decoder trusts unchecked: a data page's count of values (and, in a
/// version 2 page, of rows and nulls) is read as a length, so a negative count is a length
/// near 2^64 and the decoder asks for that much memory, which aborts the process (found by
/// fuzzing, tests/corpus/parquet/). The page headers are read here first; a file whose
/// metadata or headers cannot be read is left to polars, which refuses it.
pub(crate) fn negative_counts(bytes: &[u8]) -> Option<String> {
    use polars_parquet::parquet::page::{CompressedPage, DataPageHeader};
    use polars_parquet::parquet::read::{get_page_iterator, read_metadata};
    let meta = read_metadata(&mut Cursor::new(bytes)).ok()?;
    let buffer = polars_buffer::Buffer::from(bytes.to_vec());
    for (g, group) in meta.row_groups.iter().enumerate() {
        for column in group.parquet_columns() {
            let name = column.descriptor().path_in_schema.join(".");
            if column.num_values() < 0 {
                return Some(format!(
                    "column \"{name}\" of row group {g} declares {} values",
                    column.num_values()
                ));
            }
            let pages =
                get_page_iterator(column, Cursor::new(buffer.clone()), Vec::new(), bytes.len())
                    .ok()?;
            // A page takes at least a byte of the file: more pages than bytes means the
            // headers repeat without advancing (pages of size 0), which polars stops on
            // otherwise, so the check stops there too.
            for page in pages.take(bytes.len()) {
                let page = match page {
                    Ok(CompressedPage::Data(page)) => page,
                    Ok(CompressedPage::Dict(_)) => continue,
                    // A header that cannot be read: polars refuses the file with its reason.
                    Err(_) => return None,
                };
                let (values, rows, nulls) = match page.header() {
                    DataPageHeader::V1(h) => (h.num_values, 0, 0),
                    DataPageHeader::V2(h) => (h.num_values, h.num_rows, h.num_nulls),
                };
                if values < 0 || rows < 0 || nulls < 0 {
                    return Some(format!(
                        "a page of column \"{name}\" in row group {g} declares a negative count ({values} values, {rows} rows, {nulls} nulls)"
                    ));
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    /// polars and the three crates of its own that cwi uses must be one version (Cargo.toml
    /// pins them with `=`): an upgrade of polars alone fails here, naming what to do.
    #[test]
    fn polars_internal_crates_are_polars_own_version() {
        let lock = include_str!("../Cargo.lock");
        let version = |name: &str| -> String {
            let at = lock
                .find(&format!("name = \"{name}\"\nversion = \""))
                .unwrap_or_else(|| panic!("{name} is not in Cargo.lock"));
            let rest = &lock[at + name.len() + 19..];
            rest[..rest.find('"').unwrap()].to_string()
        };
        let polars = version("polars");
        for name in ["polars-parquet", "polars-buffer", "polars-arrow"] {
            assert_eq!(
                version(name),
                polars,
                "{name} is not at polars' version: set it to ={polars} in Cargo.toml, with polars, and check src/polars_internals.rs against the new API"
            );
        }
    }
}
