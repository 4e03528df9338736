//! A file's diagnostics, bounded: at most `PER_KIND` of each code are kept (the first in row
//! order), the rest only counted and reported as one line. A file wrong in every cell is then
//! refused in about the time and memory of reading it, and `validate --format json` stays
//! small, however many cells are wrong.

use crate::diagnostic::{Code, Diagnostic};

/// Diagnostics kept per code and file.
pub const PER_KIND: usize = 100;

#[derive(Default)]
pub(super) struct Problems {
    kept: Vec<Diagnostic>,
    /// Per code met: how many are kept, how many were found, and the first not kept (whose
    /// place the line counting the rest points at).
    counts: Vec<Count>,
}

struct Count {
    code: Code,
    kept: usize,
    found: usize,
    first_omitted: Option<Diagnostic>,
}

impl Problems {
    fn count(&mut self, code: Code) -> &mut Count {
        let at = match self.counts.iter().position(|c| c.code == code) {
            Some(at) => at,
            None => {
                self.counts.push(Count {
                    code,
                    kept: 0,
                    found: 0,
                    first_omitted: None,
                });
                self.counts.len() - 1
            }
        };
        &mut self.counts[at]
    }

    /// Keeps `d` if fewer than `PER_KIND` of its code are kept; `found` says whether it is
    /// counted here (a later part's diagnostics were counted there).
    fn take(&mut self, d: Diagnostic, found: bool) {
        let count = self.count(d.code);
        count.found += usize::from(found);
        if count.kept < PER_KIND {
            count.kept += 1;
            self.kept.push(d);
        } else if count.first_omitted.is_none() {
            count.first_omitted = Some(d);
        }
    }

    pub(super) fn push(&mut self, d: Diagnostic) {
        self.take(d, true);
    }

    /// Adds the problems of the rows after these rows: the first `PER_KIND` of each code in
    /// row order stay, whichever part of the file found them.
    pub(super) fn append(&mut self, later: Problems) {
        for d in later.kept {
            self.take(d, false);
        }
        for c in later.counts {
            let count = self.count(c.code);
            count.found += c.found;
            if count.first_omitted.is_none() {
                count.first_omitted = c.first_omitted;
            }
        }
    }

    /// The diagnostics kept, then for each code with more, one line saying how many more,
    /// placed at the first of them.
    pub(super) fn into_vec(self) -> Vec<Diagnostic> {
        let mut out = self.kept;
        for c in self.counts {
            let Some(first) = c.first_omitted else {
                continue;
            };
            let mut more = first;
            more.message = format!(
                "{} more {} problem(s) in this file from here on, not listed (the first {} are)",
                c.found - c.kept,
                c.code,
                c.kept
            );
            more.hint = "fix the ones listed (many usually share one cause: a column's type, the separator, the decimal mark) and run again".into();
            out.push(more);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(code: Code, row: usize) -> Diagnostic {
        let mut d = Diagnostic::new(code, "f.csv", format!("row {row}"));
        d.row = Some(row);
        d
    }

    /// 250 bad numbers and 3 bad years, found in two parts of the file: the first 100 bad
    /// numbers in row order are kept (rows 0..100, 60 of them from the first part), the 150
    /// others counted; the years are all kept.
    #[test]
    fn keeps_the_first_of_each_kind_and_counts_the_rest() {
        let (mut first, mut second) = (Problems::default(), Problems::default());
        for row in 0..60 {
            first.push(d(Code::NotANumber, row));
        }
        first.push(d(Code::BadYear, 1000));
        for row in 60..250 {
            second.push(d(Code::NotANumber, row));
        }
        second.push(d(Code::BadYear, 1001));
        second.push(d(Code::BadYear, 1002));
        first.append(second);
        let all = first.into_vec();
        let numbers: Vec<usize> = all
            .iter()
            .filter(|d| d.code == Code::NotANumber)
            .filter_map(|d| d.row)
            .collect();
        assert_eq!(numbers[..100], (0..100).collect::<Vec<_>>());
        assert_eq!(all.iter().filter(|d| d.code == Code::BadYear).count(), 3);
        // The line counting the rest is placed at the first of them, row 100.
        let more = all.last().unwrap();
        assert_eq!(
            more.message,
            "150 more E103 problem(s) in this file from here on, not listed (the first 100 are)"
        );
        assert_eq!(more.row, Some(100));
        assert_eq!(all.len(), 100 + 3 + 1);
    }
}
