//! A file's rows into records: each row's region and year, then its values.
//!
//! A long file of many rows is read a chunk of rows per thread. Each chunk numbers the region
//! and indicator spellings it meets in the order it meets them and writes its records into
//! its own part of the file's records; the chunks are then joined in row order, the spellings
//! renumbered as one pass over the rows would have numbered them, and the problems listed as
//! one pass lists them (every row's key problems, then every value problem). The records, the
//! names and the problems are therefore the same on any number of threads.

use std::borrow::Cow;
use std::mem::MaybeUninit;
use std::ops::Range;

use super::gathered::{FileInfo, Gathered, Record, Sampling};
use super::problems::Problems;
use super::table::{Column, YearCell};
use super::{Code, Diagnostic, Table, number};

/// Rows at least, for a long file to be read in chunks on several threads.
const PARALLEL_ROWS: usize = 1 << 20;

/// Where the records of rows go: the file's gathered records (one pass), or a chunk's part
/// of them.
pub(super) trait Sink {
    fn region(&mut self, spelling: &str, name: Option<&str>) -> u32;
    fn indicator(&mut self, name: &str) -> u32;
    /// The spelling numbered `id` by `indicator`.
    fn indicator_spelling(&self, id: u32) -> &str;
    fn push(&mut self, record: Record, value: Option<f64>, sampling: Sampling);
    /// The files read so far, for naming a row's place.
    fn files(&self) -> &[FileInfo];

    /// A diagnostic at a data row (0-based) of a file.
    fn at_row(
        &self,
        code: Code,
        file: u16,
        row: usize,
        field: Option<&str>,
        message: String,
    ) -> Diagnostic {
        let info = &self.files()[file as usize];
        let mut d = Diagnostic::new(code, info.name.clone(), message);
        d.row = Some(row + 1);
        d.line = info.line_offset.map(|o| o + row + 1);
        d.field = field.map(str::to_string);
        d
    }
}

impl Sink for Gathered {
    fn region(&mut self, spelling: &str, name: Option<&str>) -> u32 {
        Gathered::region(self, spelling, name)
    }
    fn indicator(&mut self, name: &str) -> u32 {
        Gathered::indicator(self, name)
    }
    fn indicator_spelling(&self, id: u32) -> &str {
        &self.indicators[id as usize]
    }
    fn push(&mut self, record: Record, value: Option<f64>, sampling: Sampling) {
        Gathered::push(self, record, value, sampling)
    }
    fn files(&self) -> &[FileInfo] {
        &self.files
    }
}

/// A chunk of rows read on its own thread: its records in its part of the file's records,
/// its spellings numbered in the order met (`names` holds only those), its sampling errors
/// by position in the part.
struct Part<'a> {
    names: Gathered,
    files: &'a [FileInfo],
    /// The part's place in the records' spare capacity: its first `filled` are written.
    out: &'a mut [MaybeUninit<Record>],
    filled: usize,
    sampling: Vec<(u32, Sampling)>,
}

impl Sink for Part<'_> {
    fn region(&mut self, spelling: &str, name: Option<&str>) -> u32 {
        self.names.region(spelling, name)
    }
    fn indicator(&mut self, name: &str) -> u32 {
        self.names.indicator(name)
    }
    fn indicator_spelling(&self, id: u32) -> &str {
        &self.names.indicators[id as usize]
    }
    fn push(&mut self, record: Record, value: Option<f64>, sampling: Sampling) {
        if sampling.is_given() {
            self.sampling.push((self.filled as u32, sampling));
        }
        self.out[self.filled].write(record.with_value(value));
        self.filled += 1;
    }
    fn files(&self) -> &[FileInfo] {
        self.files
    }
}

/// The key columns of a file: where the region, year and unit name are, and their headers.
pub(super) struct KeyColumns<'t> {
    pub(super) region: &'t Column,
    pub(super) year: &'t Column,
    pub(super) name: Option<&'t Column>,
    pub(super) region_field: &'t str,
    pub(super) year_field: &'t str,
    pub(super) file: u16,
}

/// Each row's unit spelling and year, in row order.
pub(super) struct Keys<'t> {
    regions: Box<dyn Iterator<Item = Option<Cow<'t, str>>> + 't>,
    years: Box<dyn Iterator<Item = Option<YearCell<'t>>> + 't>,
    names: Option<Box<dyn Iterator<Item = Option<Cow<'t, str>>> + 't>>,
    /// Rows of one region and year usually follow each other: the previous row's key is
    /// reused when its cells are the same, so names are looked up once per run.
    previous: Option<(String, YearCell<'static>, u32, i32)>,
    columns: &'t KeyColumns<'t>,
}

impl<'t> Keys<'t> {
    pub(super) fn new(columns: &'t KeyColumns<'t>) -> Self {
        Keys {
            regions: columns.region.texts(),
            years: columns.year.years(),
            names: columns.name.map(Column::texts),
            previous: None,
            columns,
        }
    }

    /// The next row's key (`row` is its place in the file); `None`, with the problem in
    /// `problems`, when its region is empty or its year is not a whole number.
    pub(super) fn next(
        &mut self,
        row: usize,
        sink: &mut impl Sink,
        problems: &mut Problems,
    ) -> Option<(u32, i32)> {
        let c = self.columns;
        let region = self.regions.next().flatten();
        let region = region.as_deref().map(str::trim).unwrap_or("");
        let year_cell = self.years.next().flatten();
        let unit_name = self.names.as_mut().and_then(|n| n.next().flatten());
        if c.name.is_none()
            && let (Some((r, y, region_id, year)), Some(cell)) = (&self.previous, &year_cell)
            && r == region
            && y == cell
        {
            return Some((*region_id, *year));
        }
        if region.is_empty() {
            problems.push(
                sink.at_row(
                    Code::EmptyKey,
                    c.file,
                    row,
                    Some(c.region_field),
                    "empty region".into(),
                )
                .hint("every row needs a region code or name"),
            );
            return None;
        }
        let parsed = match &year_cell {
            Some(YearCell::Whole(y)) => Ok(*y),
            Some(YearCell::Text(text)) => number::year(text).ok_or(text.trim()),
            Some(YearCell::Date(date)) => {
                problems.push(
                    sink.at_row(
                        Code::BadYear,
                        c.file,
                        row,
                        Some(c.year_field),
                        format!("the year cell is formatted as a date ({date}), not a year: its serial number is not read as a year"),
                    )
                    .hint("format the year column as Number with no decimals (Format Cells > Number) and type the year, e.g. 2024"),
                );
                return None;
            }
            None => Err(""),
        };
        let year = match parsed {
            Ok(year) => year,
            Err(year_text) => {
                problems.push(
                    sink.at_row(
                        Code::BadYear,
                        c.file,
                        row,
                        Some(c.year_field),
                        format!("year \"{year_text}\" is not a whole number"),
                    )
                    .hint("write years as 2024"),
                );
                return None;
            }
        };
        let unit_name = unit_name.map(|n| n.trim().to_string());
        let region_id = sink.region(region, unit_name.as_deref());
        if let Some(cell) = year_cell {
            let cell = match cell {
                YearCell::Whole(y) => YearCell::Whole(y),
                YearCell::Text(t) => YearCell::Text(Cow::Owned(t.into_owned())),
                YearCell::Date(d) => YearCell::Date(Cow::Owned(d.into_owned())),
            };
            self.previous = Some((region.to_string(), cell, region_id, year));
        }
        Some((region_id, year))
    }
}

/// A value cell read with its sampling errors; `Err` names the column refused.
pub(super) type ReadCell<'a> =
    dyn Fn(usize, usize) -> Result<(Option<f64>, Sampling), (usize, number::Refusal)> + Sync + 'a;

/// What a long file's rows need besides the sink.
pub(super) struct Long<'a> {
    pub(super) table: &'a Table,
    pub(super) region: usize,
    pub(super) year: usize,
    pub(super) name: Option<usize>,
    pub(super) indicator: usize,
    pub(super) value: usize,
    /// Whether the value column has no sampling error columns (its typed values are then
    /// read in order, not cell by cell).
    pub(super) plain: bool,
    pub(super) file: u16,
    pub(super) read_cell: &'a ReadCell<'a>,
}

/// Reads a long file's rows into `gathered`; returns the problems in the order one pass
/// finds them.
pub(super) fn read_long(long: &Long, gathered: &mut Gathered) -> Problems {
    let height = long.table.height;
    let threads = rayon::current_num_threads();
    #[cfg(test)]
    let parallel_rows = tests::PARALLEL_ROWS_HERE.with(|p| p.get());
    #[cfg(not(test))]
    let parallel_rows = PARALLEL_ROWS;
    if height < parallel_rows || threads < 2 {
        gathered.records.reserve(height);
        let (mut problems, values) = long_rows(long, 0..height, gathered);
        problems.append(values);
        return problems;
    }
    let step = height.div_ceil(threads);
    let chunks: Vec<Range<usize>> = (0..height)
        .step_by(step)
        .map(|s| s..(s + step).min(height))
        .collect();
    let first = gathered.records.len();
    // The records are written by the parts straight into the spare capacity, so its memory
    // is first touched on their threads, not filled beforehand on this one.
    gathered.records.reserve(height);
    let (records, files) = (&mut gathered.records, &gathered.files);
    let mut slots = Vec::with_capacity(chunks.len());
    let mut rest = &mut records.spare_capacity_mut()[..height];
    for c in &chunks {
        let (slot, after) = rest.split_at_mut(c.len());
        slots.push(slot);
        rest = after;
    }
    use rayon::prelude::*;
    let parts: Vec<_> = chunks
        .par_iter()
        .zip(slots)
        .map(|(rows, out)| {
            let mut part = Part {
                names: Gathered::default(),
                files,
                out,
                filled: 0,
                sampling: Vec::new(),
            };
            let (keys, values) = long_rows(long, rows.clone(), &mut part);
            (part.names, part.filled, part.sampling, keys, values)
        })
        .collect();
    // The names as one pass would have numbered them: each part's, in row order.
    let numbers: Vec<(Vec<u32>, Vec<u32>)> = parts
        .iter()
        .map(|(names, ..)| {
            let regions = names
                .regions
                .iter()
                .map(|(s, n)| gathered.region(s, n.as_deref()))
                .collect();
            let indicators = names
                .indicators
                .iter()
                .map(|s| gathered.indicator(s))
                .collect();
            (regions, indicators)
        })
        .collect();
    // Joined in row order: each part's records moved up behind the previous part's, and
    // renumbered.
    let (mut key_problems, mut value_problems) = (Problems::default(), Problems::default());
    let spare = &mut gathered.records.spare_capacity_mut()[..height];
    let mut write = 0;
    for (((_, filled, sampling, keys, values), rows), (regions, indicators)) in
        parts.into_iter().zip(&chunks).zip(numbers)
    {
        if rows.start != write {
            spare.copy_within(rows.start..rows.start + filled, write);
        }
        for r in &mut spare[write..write + filled] {
            // SAFETY: a part's first `filled` slots are written (`Part::push`), and they
            // have just been moved here whole.
            let r = unsafe { r.assume_init_mut() };
            r.region = regions[r.region as usize];
            r.indicator = indicators[r.indicator as usize];
        }
        for (k, s) in sampling {
            gathered.sampling.insert((first + write) as u32 + k, s);
        }
        write += filled;
        key_problems.append(keys);
        value_problems.append(values);
    }
    // SAFETY: the `write` slots after the first record of this file are the parts' written
    // records, moved together above.
    unsafe { gathered.records.set_len(first + write) };
    key_problems.append(value_problems);
    key_problems
}

/// The rows `rows` of a long file into `sink`: (the key problems, the value problems).
fn long_rows(long: &Long, rows: Range<usize>, sink: &mut impl Sink) -> (Problems, Problems) {
    let t = long.table;
    let (start, len) = (rows.start, rows.len());
    let slice = |c: usize| t.data[c].slice(start, len);
    let (region, year, name) = (slice(long.region), slice(long.year), long.name.map(slice));
    let (indicator, value) = (slice(long.indicator), slice(long.value));
    let key_columns = KeyColumns {
        region: &region,
        year: &year,
        name: name.as_ref(),
        region_field: &t.columns[long.region],
        year_field: &t.columns[long.year],
        file: long.file,
    };
    let mut keys = Keys::new(&key_columns);
    let (mut key_problems, mut problems) = (Problems::default(), Problems::default());
    // Indicators come in a repeating order in most long files (each region-year lists them
    // the same way): the indicator that followed the previous row's last time is tried
    // first, then the previous row's own, before looking the spelling up.
    let mut order = Successors::default();
    let mut indicators = indicator.texts();
    // Typed values without sampling errors are read in order; others cell by cell.
    let mut typed = if long.plain { value.numbers() } else { None };
    for row in rows {
        let key = keys.next(row, sink, &mut key_problems);
        let indicator = indicators.next().flatten();
        let typed_value = typed.as_mut().and_then(|v| v.next());
        let Some((region, year)) = key else { continue };
        let indicator = indicator.as_deref().map(str::trim).unwrap_or("");
        if indicator.is_empty() {
            problems.push(
                sink.at_row(
                    Code::EmptyKey,
                    long.file,
                    row,
                    Some(&t.columns[long.indicator]),
                    "empty indicator".into(),
                )
                .hint("every row of a long file names its indicator"),
            );
            continue;
        }
        let cell = match typed_value {
            Some(Some(v)) if v.is_finite() => Ok((Some(v), Sampling::default())),
            Some(None) => Ok((None, Sampling::default())),
            _ => (long.read_cell)(row, long.value),
        };
        match cell {
            Ok((value, sampling)) => {
                let indicator = order.id(indicator, sink);
                sink.push(
                    Record::new(region, year, indicator, long.file, row as u32),
                    value,
                    sampling,
                );
            }
            Err((c, (code, message, hint))) => problems.push(
                sink.at_row(code, long.file, row, Some(&t.columns[c]), message)
                    .hint(hint),
            ),
        }
    }
    (key_problems, problems)
}

/// The indicator ids met in a file's rows, with the id that followed each one last, to
/// guess a row's indicator from the previous row's.
#[derive(Default)]
struct Successors {
    previous: Option<u32>,
    next: Vec<Option<u32>>,
}

impl Successors {
    /// `spelling`'s id in `sink`: the guess when it is spelt so (ids and spellings are one to
    /// one in a sink, so the id is the one a lookup would give), else the lookup's.
    fn id(&mut self, spelling: &str, sink: &mut impl Sink) -> u32 {
        let is = |id: Option<u32>, sink: &mut _| {
            id.filter(|&id| Sink::indicator_spelling(sink, id) == spelling)
        };
        let guess = self.previous.and_then(|p| self.next[p as usize]);
        let id = is(guess, sink)
            .or_else(|| is(self.previous, sink))
            .unwrap_or_else(|| sink.indicator(spelling));
        if self.next.len() <= id as usize {
            self.next.resize(id as usize + 1, None);
        }
        if let Some(p) = self.previous {
            self.next[p as usize] = Some(id);
        }
        self.previous = Some(id);
        id
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::fmt::Write as _;

    use super::super::gathered::FileInfo;
    use super::super::read::read_table;
    use super::*;
    use crate::spec::DataLayout;

    thread_local! {
        /// The rows from which a long file is read in chunks, on the thread that reads it.
        pub(super) static PARALLEL_ROWS_HERE: Cell<usize> = const { Cell::new(PARALLEL_ROWS) };
    }

    /// The CSV tests' layout, with `..` declared as a missing-value marker.
    fn layout() -> DataLayout {
        DataLayout {
            missing_values: vec!["..".into()],
            ..super::super::text::tests::layout()
        }
    }

    /// Everything a read leaves: the names in the order numbered, every record with its
    /// names spelled out, the sampling errors by record, and the problems as printed.
    fn read(csv: &str, threads: usize, parallel_rows: usize) -> String {
        let table = super::super::text::read_csv(csv, false, Some(&layout())).unwrap();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut gathered = Gathered::default();
        // One file read before, so that records and names do not start at zero.
        for name in ["first.csv", "data.csv"] {
            gathered.files.push(FileInfo {
                name: name.into(),
                line_offset: Some(1),
                value_column: None,
                data: None,
            });
        }
        gathered.region("R0002", None);
        gathered.indicator("b");
        gathered.push(
            Record::new(0, 2000, 0, 0, 0),
            Some(1.0),
            Sampling::default(),
        );
        let problems = pool.install(|| {
            PARALLEL_ROWS_HERE.with(|p| p.set(parallel_rows));
            read_table(&table, 1, &layout(), &mut gathered, String::new())
        });
        let mut out = String::new();
        writeln!(out, "regions {:?}", gathered.regions).unwrap();
        writeln!(out, "indicators {:?}", gathered.indicators).unwrap();
        for (k, r) in gathered.records.iter().enumerate() {
            let sampling = gathered.sampling.get(&(k as u32));
            writeln!(
                out,
                "{} {} {} {:?} {} {} {:?}",
                gathered.regions[r.region as usize].0,
                r.year,
                gathered.indicators[r.indicator as usize],
                r.value().map(f64::to_bits),
                r.row,
                r.file,
                sampling.map(|s| (s.se, s.n))
            )
            .unwrap();
        }
        for d in problems {
            writeln!(out, "{d}").unwrap();
        }
        out
    }

    /// A long file of 4,000 rows: regions in runs, indicators changing every row, missing
    /// values, markers and standard errors; `bad` rows spoil some keys and values.
    fn long_file(bad: bool) -> String {
        let mut csv = String::from("region,year,indicator,value,se\n");
        let mut state = 11u64;
        for row in 0..4000u64 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let (region, year, indicator) = (row / 40 % 37, 2000 + row / 1480, row % 7);
            let mut cells = [
                format!("R{region:04}"),
                year.to_string(),
                ["a", "b", "c", "d", "e", "f", "g"][indicator as usize].to_string(),
                format!("{}.{}", state >> 54, state >> 60),
                if state % 5 == 0 {
                    "0.5".into()
                } else {
                    String::new()
                },
            ];
            if state % 13 == 0 {
                cells[3] = if state % 2 == 0 {
                    "..".into()
                } else {
                    String::new()
                };
            }
            if bad {
                match state % 97 {
                    0 => cells[0] = String::new(),
                    1 => cells[1] = "20x4".into(),
                    2 => cells[2] = " ".into(),
                    3 => cells[3] = "high".into(),
                    4 => cells[4] = "-1".into(),
                    _ => {}
                }
            }
            writeln!(csv, "{}", cells.join(",")).unwrap();
        }
        csv
    }

    #[test]
    fn a_guessed_indicator_is_the_one_a_lookup_gives() {
        // Cycles in one order, then others, repeats, new spellings and seeded jumps: every
        // guess that is right and every one that is wrong.
        let mut rows: Vec<String> = Vec::new();
        for cycle in 0..5 {
            for k in 0..6 {
                rows.push(format!("i{k}"));
            }
            rows.extend(["i2", "i2", "i0"].map(String::from));
            rows.push(format!("new{cycle}"));
            for k in (0..6).rev() {
                rows.push(format!("i{k}"));
            }
        }
        let mut state = 3u64;
        for _ in 0..500 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            rows.push(format!("i{}", state >> 61));
        }
        let (mut guessed, mut looked_up) = (Gathered::default(), Gathered::default());
        let mut order = Successors::default();
        for (k, spelling) in rows.iter().enumerate() {
            assert_eq!(
                order.id(spelling, &mut guessed),
                looked_up.indicator(spelling),
                "row {k}: {spelling}"
            );
        }
        assert_eq!(guessed.indicators, looked_up.indicators);
        assert_eq!(guessed.indicators.len(), 13);
    }

    #[test]
    fn a_long_file_reads_the_same_in_chunks_on_any_number_of_threads() {
        for bad in [false, true] {
            let csv = long_file(bad);
            let one_pass = read(&csv, 1, usize::MAX);
            // Every row a record, or (problems refuse the file) about 200 problems.
            let lines = one_pass.lines().count();
            assert!(
                lines > if bad { 150 } else { 4000 },
                "{lines} lines, bad = {bad}"
            );
            if bad {
                for code in ["E103", "E105", "E106"] {
                    assert!(one_pass.contains(code), "{code} missing:\n{one_pass:.2000}");
                }
            }
            for threads in [2, 3, 7] {
                // Chunks of a few hundred rows, their edges inside runs of one region.
                let chunked = read(&csv, threads, 100);
                assert!(chunked == one_pass, "{threads} threads, bad = {bad}");
            }
        }
    }
}
