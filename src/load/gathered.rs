//! What the files gave, before regions are matched: one small record per value read, keys
//! still as spelled, with the place of every cell for diagnostics. A leaf of the loader: the
//! reader fills it and the row readers and the panel builder read it.

use super::{DataFile, HashMap};

/// A fast hash for the short names looked up once per cell (FxHash's multiply-rotate; the
/// keys come from the user's own files, so resistance to crafted collisions is not needed).
#[derive(Default, Clone, Copy)]
pub(super) struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x517c_c1b7_2722_0a95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let word = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(K);
        }
        for &b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub(super) type Fast = std::hash::BuildHasherDefault<FxHasher>;

/// One value read from a file, keys still as spelled there.
/// Kept small (32 bytes): a panel of millions of values holds one per cell while loading.
#[derive(Clone, Copy)]
pub(super) struct Record {
    /// The value; NaN when the cell is empty (a value read is always finite).
    value: f64,
    pub(super) region: u32,
    pub(super) year: i32,
    pub(super) indicator: u32,
    pub(super) row: u32,
    pub(super) file: u16,
}

impl Record {
    pub(super) fn value(&self) -> Option<f64> {
        Some(self.value).filter(|v| !v.is_nan())
    }

    /// A record of the `row` of `file` (0-based), its value still empty.
    pub(super) fn new(region: u32, year: i32, indicator: u32, file: u16, row: u32) -> Self {
        Record {
            value: f64::NAN,
            region,
            year,
            indicator,
            row,
            file,
        }
    }

    /// The record with its value (`None`: the cell is empty).
    pub(super) fn with_value(self, value: Option<f64>) -> Self {
        Record {
            value: value.unwrap_or(f64::NAN),
            ..self
        }
    }
}

/// What a record carries besides its value: its sampling error, given directly or as a sample
/// size (column `se` / `n` in long files, `<indicator>_se` / `<indicator>_n` in wide ones), and
/// whether its workbook cell shows it as a percentage (see `Cell::Percent`).
#[derive(Clone, Copy, Default)]
pub(super) struct Sampling {
    pub(super) se: Option<f64>,
    pub(super) n: Option<f64>,
    pub(super) percent: bool,
}

impl Sampling {
    /// Whether there is anything to keep beside the value.
    pub(super) fn is_given(&self) -> bool {
        self.se.is_some() || self.n.is_some() || self.percent
    }
}

/// What all files gave, before regions are matched.
#[derive(Default)]
pub(super) struct Gathered {
    pub(super) records: Vec<Record>,
    /// The sampling errors given, by record.
    pub(super) sampling: HashMap<u32, Sampling>,
    /// Distinct region spellings, with the unit name from `name_column` if any.
    pub(super) regions: Vec<(String, Option<String>)>,
    pub(super) region_ids: HashMap<String, u32, Fast>,
    /// Distinct indicator names as spelled in the files.
    pub(super) indicators: Vec<String>,
    pub(super) indicator_ids: HashMap<String, u32, Fast>,
    /// Per file read: name, line offset, value column of long files.
    pub(super) files: Vec<FileInfo>,
}

pub(super) struct FileInfo {
    pub(super) name: String,
    pub(super) line_offset: Option<usize>,
    /// Long files: the value column's name; wide files: `None` (the indicator is the column).
    pub(super) value_column: Option<String>,
    pub(super) data: Option<DataFile>,
}

impl Gathered {
    pub(super) fn push(&mut self, record: Record, value: Option<f64>, sampling: Sampling) {
        if sampling.is_given() {
            self.sampling.insert(self.records.len() as u32, sampling);
        }
        self.records.push(record.with_value(value));
    }

    pub(super) fn region(&mut self, spelling: &str, name: Option<&str>) -> u32 {
        if let Some(&id) = self.region_ids.get(spelling) {
            return id;
        }
        let id = self.regions.len() as u32;
        self.regions
            .push((spelling.to_string(), name.map(str::to_string)));
        self.region_ids.insert(spelling.to_string(), id);
        id
    }

    pub(super) fn indicator(&mut self, name: &str) -> u32 {
        if let Some(&id) = self.indicator_ids.get(name) {
            return id;
        }
        let id = self.indicators.len() as u32;
        self.indicators.push(name.to_string());
        self.indicator_ids.insert(name.to_string(), id);
        id
    }
}
