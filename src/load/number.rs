//! Numbers as agencies and tools write them: `12.5` or `12,5`, thousands grouped with spaces,
//! no-break spaces, commas or points; a leading `+`, `-` or Unicode minus; scientific notation
//! (`6.965354271137869e-07`, `2E+03`) as R, pandas and statistics packages write small and
//! large numbers; no digit before the decimal mark (`.155`, `-.83`) as Stata writes them.
//! Years written as floats (`2022.0`, `2.022e+03`, as pandas writes a year column with a
//! missing value) are whole numbers. A file's decimal mark is declared or decided from its unambiguous cells; a
//! cell that could be read two ways is refused, never guessed.

use crate::spec::DecimalMark;

/// What a cell says about the file's decimal mark.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vote {
    Point,
    Comma,
    /// No separator, or one that could be either (`1,234`).
    None,
}

const GROUP_SPACES: [char; 3] = [' ', '\u{a0}', '\u{202f}'];

/// A cell split as tools write numbers: its sign (`+`, `-` or the Unicode minus U+2212), the
/// mantissa, and the exponent after `e` or `E` (`None` without one). `Err` for an exponent
/// that is not a whole number.
fn split_scientific(text: &str) -> Result<(bool, &str, Option<i32>), ()> {
    let (negative, body) = if let Some(b) = text.strip_prefix('-') {
        (true, b)
    } else if let Some(b) = text.strip_prefix('\u{2212}') {
        (true, b)
    } else if let Some(b) = text.strip_prefix('+') {
        (false, b)
    } else {
        (false, text)
    };
    let Some(at) = body.find(['e', 'E']) else {
        return Ok((negative, body, None));
    };
    let (mantissa, exponent) = (&body[..at], &body[at + 1..]);
    let (exp_negative, exp_digits) = match exponent.as_bytes().first() {
        Some(b'+') => (false, &exponent[1..]),
        Some(b'-') => (true, &exponent[1..]),
        _ => match exponent.strip_prefix('\u{2212}') {
            Some(d) => (true, d),
            None => (false, exponent),
        },
    };
    if mantissa.is_empty() || !digits(exp_digits) || exp_digits.len() > 4 {
        return Err(());
    }
    let value: i32 = exp_digits.parse().map_err(|_| ())?;
    Ok((
        negative,
        mantissa,
        Some(if exp_negative { -value } else { value }),
    ))
}

/// Removes thousands grouping by spaces (`1 234,5`), if the cell uses it consistently.
fn without_space_groups(text: &str) -> Option<std::borrow::Cow<'_, str>> {
    if !text.contains(GROUP_SPACES) {
        return Some(std::borrow::Cow::Borrowed(text));
    }
    let (sign, body) = text.strip_prefix('-').map_or(("", text), |b| ("-", b));
    let int_end = body.find(['.', ',']).unwrap_or(body.len());
    let (int, frac) = body.split_at(int_end);
    let groups: Vec<&str> = int.split(GROUP_SPACES).collect();
    let ok = groups[0].len() <= 3
        && !groups[0].is_empty()
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
        && !frac.contains(GROUP_SPACES);
    ok.then(|| std::borrow::Cow::Owned(format!("{sign}{}{frac}", groups.concat())))
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Whether `int` is thousands-grouped with `sep` (`1,234,567`).
fn grouped(int: &str, sep: char) -> bool {
    let groups: Vec<&str> = int.split(sep).collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && digits(groups[0])
        && groups[1..].iter().all(|g| g.len() == 3 && digits(g))
}

/// The decimal mark a cell shows unambiguously, if any.
pub fn vote(cell: &str) -> Vote {
    let Ok((_, mantissa, exponent)) = split_scientific(cell.trim()) else {
        return Vote::None;
    };
    let Some(text) = without_space_groups(mantissa) else {
        return Vote::None;
    };
    let text = &*text;
    // A mantissa is never thousands-grouped: its one separator is the decimal mark.
    if exponent.is_some() {
        return match (text.contains('.'), text.contains(',')) {
            (true, false) => Vote::Point,
            (false, true) => Vote::Comma,
            _ => Vote::None,
        };
    }
    match (text.rfind('.'), text.rfind(',')) {
        // Both: the last one is the decimal mark.
        (Some(p), Some(c)) => {
            if p > c {
                Vote::Point
            } else {
                Vote::Comma
            }
        }
        (Some(p), None) => single_vote(text, p, Vote::Point),
        (None, Some(c)) => single_vote(text, c, Vote::Comma),
        (None, None) => Vote::None,
    }
}

/// One kind of separator: a decimal mark unless it could be thousands grouping.
fn single_vote(text: &str, at: usize, mark: Vote) -> Vote {
    let sep = if mark == Vote::Point { '.' } else { ',' };
    if text.matches(sep).count() > 1 {
        // 1.234.567: grouping, so the other mark is the decimal one.
        return if mark == Vote::Point {
            Vote::Comma
        } else {
            Vote::Point
        };
    }
    let (int, frac) = (&text[..at], &text[at + 1..]);
    // A leading group never starts with 0, so 0.949 is a decimal; 1,234 may be either.
    if frac.len() == 3 && int.len() <= 3 && digits(int) && digits(frac) && !int.starts_with('0') {
        Vote::None
    } else {
        mark
    }
}

/// Decides a file's decimal mark from the votes of its cells; `Err` when both marks occur.
pub fn decide(declared: DecimalMark, points: usize, commas: usize) -> Result<DecimalMark, ()> {
    match declared {
        DecimalMark::Auto => match (points, commas) {
            (0, 0) => Ok(DecimalMark::Auto),
            (_, 0) => Ok(DecimalMark::Point),
            (0, _) => Ok(DecimalMark::Comma),
            _ => Err(()),
        },
        other => Ok(other),
    }
}

/// Why a cell is not a number: the message and the hint.
pub type Refusal = (crate::diagnostic::Code, String, String);

/// Parses a cell with the file's decimal mark (`Auto`: the file showed none). Empty cells and
/// declared markers are missing values. Unless the mark was `declared` in the spec, a single
/// group of thousands (`1.234` in a decimal-comma file) is refused as ambiguous.
pub fn parse(
    cell: &str,
    mark: DecimalMark,
    declared: bool,
    missing: &[String],
) -> Result<Option<f64>, Refusal> {
    use crate::diagnostic::Code;
    let text = cell.trim();
    if text.is_empty() || is_marker(text, missing, mark) {
        return Ok(None);
    }
    let not_a_number = || {
        (
            Code::NotANumber,
            format!("\"{text}\" is not a number"),
            "write a number (12.5 or 12,5), leave the cell empty for a missing value, or declare the marker in [data] missing_values".to_string(),
        )
    };
    let (negative, mantissa, exponent) = split_scientific(text).map_err(|()| not_a_number())?;
    let sign = if negative { "-" } else { "" };
    let ungrouped = without_space_groups(mantissa).ok_or_else(not_a_number)?;
    let body: &str = &ungrouped;
    if exponent.is_some() && body.contains(GROUP_SPACES) {
        return Err(not_a_number());
    }
    let (decimal, group) = match mark {
        DecimalMark::Point => ('.', ','),
        DecimalMark::Comma => (',', '.'),
        DecimalMark::Auto => {
            if exponent.is_none()
                && vote(text) == Vote::None
                && body.contains(['.', ','])
                && !digits(body)
            {
                return Err((
                    Code::AmbiguousNumber,
                    format!("\"{text}\" can be read as a decimal or as thousands"),
                    "the file shows no other decimal mark; declare it in the spec: [data] decimal = \".\" or \",\"".into(),
                ));
            }
            match vote(text) {
                Vote::Comma => (',', '.'),
                _ => ('.', ','),
            }
        }
    };
    let (int, frac) = match body.rfind(decimal) {
        Some(at) => (&body[..at], Some(&body[at + 1..])),
        None => (body, None),
    };
    let int = if int.contains(group) {
        if exponent.is_some() {
            // A mantissa is never grouped: the other mark is a conflict, not thousands.
            return Err((
                Code::AmbiguousNumber,
                format!("\"{text}\" uses \"{group}\" where this file's decimal mark is \"{decimal}\""),
                "the file mixes decimal marks; write every number the same way, or declare [data] decimal".into(),
            ));
        }
        if !declared && frac.is_none() && int.matches(group).count() == 1 {
            return Err((
                Code::AmbiguousNumber,
                format!("\"{text}\" can be read as a decimal or as thousands"),
                format!(
                    "this file's decimal mark looks like \"{decimal}\"; declare it in the spec ([data] decimal = \"{decimal}\") to read \"{group}\" as a thousands separator"
                ),
            ));
        }
        if !grouped(int, group) {
            return Err(if int.contains(decimal) {
                not_a_number()
            } else {
                (
                    Code::AmbiguousNumber,
                    format!("\"{text}\" uses \"{group}\" where this file's decimal mark is \"{decimal}\""),
                    "the file mixes decimal marks; write every number the same way, or declare [data] decimal".into(),
                )
            });
        }
        int.replace(group, "")
    } else {
        int.to_string()
    };
    if frac.is_some_and(|f| f.contains([group, decimal])) {
        return Err(not_a_number());
    }
    let exponent = exponent.map_or(String::new(), |e| format!("e{e}"));
    let plain = match frac {
        Some(f) => format!("{sign}{int}.{f}{exponent}"),
        None => format!("{sign}{int}{exponent}"),
    };
    // Stata writes no digit before the decimal mark (`.155`, `-.83`): an empty whole part
    // with a fraction is zero.
    let int_ok = digits(&int) || (int.is_empty() && frac.is_some_and(digits));
    if !int_ok || frac.is_some_and(|f| !digits(f)) {
        return Err(not_a_number());
    }
    match plain.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(not_a_number()),
    }
}

/// Whether a cell is one of the declared missing-value markers. A numeric marker (`-999`)
/// matches the same number however it is written (`-999.0`, `-9.99e2`, `-999,0`); a text
/// marker (`n/a`) matches as text, ignoring case and surrounding space. The cell is read
/// with the file's decimal mark (`Auto`: the one the cell itself shows).
pub fn is_marker(cell: &str, missing: &[String], mark: DecimalMark) -> bool {
    let text = cell.trim();
    if missing.is_empty() || text.is_empty() {
        return false;
    }
    // A cell that could be a number starts like one; others are compared as text only (this
    // runs for every cell read one by one, so it allocates only for non-ASCII text).
    let numeric = |t: &str| {
        t.starts_with(|c: char| {
            c.is_ascii_digit() || matches!(c, '+' | '-' | '.' | ',' | '\u{2212}')
        })
    };
    let mut as_number: Option<Option<f64>> = None;
    missing.iter().any(|m| {
        let m = m.trim();
        if m.is_empty() {
            return false;
        }
        if m.eq_ignore_ascii_case(text)
            || (!(m.is_ascii() && text.is_ascii()) && m.to_lowercase() == text.to_lowercase())
        {
            return true;
        }
        if !numeric(m) || !numeric(text) {
            return false;
        }
        let Ok(Some(wanted)) = parse(m, DecimalMark::Point, true, &[]) else {
            return false;
        };
        let value = *as_number.get_or_insert_with(|| {
            let mark = match (mark, vote(text)) {
                (DecimalMark::Auto, Vote::Comma) => DecimalMark::Comma,
                (DecimalMark::Auto, _) => DecimalMark::Point,
                (declared, _) => declared,
            };
            parse(text, mark, false, &[]).ok().flatten()
        });
        value == Some(wanted)
    })
}

/// Whether some declared marker is a number (then every cell must be compared by value).
pub fn has_numeric_marker(missing: &[String]) -> bool {
    missing
        .iter()
        .any(|m| matches!(parse(m, DecimalMark::Point, true, &[]), Ok(Some(_))))
}

/// A year as written: a whole number, also with a fraction of zeros or an exponent
/// (`2022.0`, `2.022e+03`: pandas writes a year column with a missing value as floats).
/// `None` for anything else, a real fraction (`2022.5`) included.
pub fn year(cell: &str) -> Option<i32> {
    let text = cell.trim();
    if let Ok(y) = text.parse::<i32>() {
        return Some(y);
    }
    let plain = |b: u8| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-');
    if text.is_empty() || !text.bytes().all(plain) || !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let v: f64 = text.parse().ok()?;
    (v.fract() == 0.0 && v >= f64::from(i32::MIN) && v <= f64::from(i32::MAX)).then_some(v as i32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Code;

    fn p(cell: &str, mark: DecimalMark) -> Result<Option<f64>, Code> {
        parse(cell, mark, true, &["..".to_string(), "н/д".to_string()]).map_err(|e| e.0)
    }

    #[test]
    fn a_mark_decided_from_other_cells_does_not_settle_a_lone_group() {
        let auto = |cell| parse(cell, DecimalMark::Comma, false, &[]).map_err(|e| e.0);
        assert_eq!(auto("1.234"), Err(Code::AmbiguousNumber));
        assert_eq!(auto("1.234.567"), Ok(Some(1_234_567.0)));
        assert_eq!(auto("1.234,5"), Ok(Some(1234.5)));
        assert_eq!(auto("12,5"), Ok(Some(12.5)));
    }

    #[test]
    fn russian_locale_numbers() {
        assert_eq!(p("12,5", DecimalMark::Comma), Ok(Some(12.5)));
        assert_eq!(p("1 234,5", DecimalMark::Comma), Ok(Some(1234.5)));
        assert_eq!(
            p("1\u{a0}234\u{a0}567,25", DecimalMark::Comma),
            Ok(Some(1_234_567.25))
        );
        assert_eq!(p("-0,75", DecimalMark::Comma), Ok(Some(-0.75)));
        assert_eq!(p("1.234,5", DecimalMark::Comma), Ok(Some(1234.5)));
        assert_eq!(p("1,234", DecimalMark::Comma), Ok(Some(1.234)));
        assert_eq!(p("н/д", DecimalMark::Comma), Ok(None));
    }

    #[test]
    fn point_numbers_and_grouping() {
        assert_eq!(p("12.5", DecimalMark::Point), Ok(Some(12.5)));
        assert_eq!(p("1,234,567.5", DecimalMark::Point), Ok(Some(1_234_567.5)));
        assert_eq!(p("1 234.5", DecimalMark::Point), Ok(Some(1234.5)));
        assert_eq!(p("..", DecimalMark::Point), Ok(None));
        assert_eq!(p("42", DecimalMark::Auto), Ok(Some(42.0)));
    }

    #[test]
    fn ambiguous_and_broken_cells_are_refused() {
        // No other cell of the file decided the mark: 1,234 may be 1234 or 1.234.
        assert_eq!(p("1,234", DecimalMark::Auto), Err(Code::AmbiguousNumber));
        assert_eq!(p("1.234", DecimalMark::Auto), Err(Code::AmbiguousNumber));
        // The file uses points; a comma-decimal cell is a conflict, not a guess.
        assert_eq!(p("12,5", DecimalMark::Point), Err(Code::AmbiguousNumber));
        assert_eq!(p("12 34", DecimalMark::Point), Err(Code::NotANumber));
        assert_eq!(p("abc", DecimalMark::Point), Err(Code::NotANumber));
        assert_eq!(p("1.2.3", DecimalMark::Point), Err(Code::NotANumber));
        assert_eq!(p("NaN", DecimalMark::Point), Err(Code::NotANumber));
        assert_eq!(p("1e", DecimalMark::Point), Err(Code::NotANumber));
        assert_eq!(p("e5", DecimalMark::Point), Err(Code::NotANumber));
        assert_eq!(p("1e5.5", DecimalMark::Point), Err(Code::NotANumber));
        assert_eq!(p("1e99999", DecimalMark::Point), Err(Code::NotANumber));
        assert_eq!(p("1e400", DecimalMark::Point), Err(Code::NotANumber));
        assert_eq!(p("++1", DecimalMark::Point), Err(Code::NotANumber));
        assert_eq!(p("inf", DecimalMark::Point), Err(Code::NotANumber));
        // A decimal-comma file with a point in a mantissa mixes marks.
        assert_eq!(p("1.5e-06", DecimalMark::Comma), Err(Code::AmbiguousNumber));
    }

    /// As R's write.csv, pandas and statistics packages write numbers: the values are the
    /// nearest doubles to the decimal text, as Rust's (correctly rounded) parser reads it.
    #[test]
    fn scientific_notation_and_signs() {
        let auto = |cell| parse(cell, DecimalMark::Auto, false, &[]).map_err(|e| e.0);
        assert_eq!(
            auto("6.965354271137869e-07"),
            Ok(Some(6.965354271137869e-07))
        );
        assert_eq!(auto("1.9999999999999999e-06"), Ok(Some(2e-06)));
        assert_eq!(auto("1.5e-06"), Ok(Some(0.0000015)));
        assert_eq!(auto("2E+03"), Ok(Some(2000.0)));
        assert_eq!(auto("-3.1e+00"), Ok(Some(-3.1)));
        assert_eq!(auto("1e5"), Ok(Some(100_000.0)));
        assert_eq!(auto("+12.5"), Ok(Some(12.5)));
        assert_eq!(auto("\u{2212}0.75"), Ok(Some(-0.75)));
        assert_eq!(auto("\u{2212}4e\u{2212}2"), Ok(Some(-0.04)));
        // A mantissa is never grouped, so its separator is the decimal mark.
        assert_eq!(auto("1,234e3"), Ok(Some(1234.0)));
        assert_eq!(p("1,5e-06", DecimalMark::Comma), Ok(Some(0.0000015)));
        assert_eq!(vote("1,5E-06"), Vote::Comma);
        assert_eq!(vote("6.965354271137869e-07"), Vote::Point);
        assert_eq!(vote("+1,5"), Vote::Comma);
    }

    /// Stata's export drops the zero before the decimal mark.
    #[test]
    fn numbers_without_a_leading_zero() {
        let auto = |cell| parse(cell, DecimalMark::Auto, false, &[]).map_err(|e| e.0);
        assert_eq!(auto(".155"), Ok(Some(0.155)));
        assert_eq!(auto("-.83"), Ok(Some(-0.83)));
        assert_eq!(auto("+.5e-2"), Ok(Some(0.005)));
        assert_eq!(p(".25", DecimalMark::Point), Ok(Some(0.25)));
        assert_eq!(p(",25", DecimalMark::Comma), Ok(Some(0.25)));
        assert_eq!(auto("."), Err(Code::NotANumber));
        assert_eq!(auto("-."), Err(Code::NotANumber));
        assert_eq!(auto(".e5"), Err(Code::NotANumber));
        assert_eq!(vote(".155"), Vote::Point);
    }

    #[test]
    fn markers_match_by_value_or_as_text() {
        let markers = ["-999".to_string(), "n/a".to_string()];
        for cell in [
            "-999",
            "-999.0",
            " -9.99e2 ",
            "-999,0",
            "-999.000",
            "\u{2212}999",
        ] {
            assert!(is_marker(cell, &markers, DecimalMark::Auto), "{cell}");
            assert_eq!(parse(cell, DecimalMark::Auto, false, &markers), Ok(None));
        }
        for cell in ["N/A", " n/a ", "N/a"] {
            assert!(is_marker(cell, &markers, DecimalMark::Auto), "{cell}");
        }
        // Another number, or text that only contains the marker, is not the marker.
        for cell in ["-999.5", "999", "-9990", "n/a2", "na"] {
            assert!(!is_marker(cell, &markers, DecimalMark::Auto), "{cell}");
        }
        // Case is ignored in any script.
        assert!(is_marker("Н/Д", &["н/д".to_string()], DecimalMark::Auto));
        assert!(!is_marker("н/д2", &["н/д".to_string()], DecimalMark::Auto));
        // In a file whose decimal mark is the point, -999,000 is grouped thousands.
        assert!(!is_marker("-999,000", &markers, DecimalMark::Point));
        assert!(is_marker("-999,000", &markers, DecimalMark::Comma));
        assert_eq!(
            parse("-999.5", DecimalMark::Point, false, &markers),
            Ok(Some(-999.5))
        );
        assert!(has_numeric_marker(&markers));
        assert!(!has_numeric_marker(&["..".to_string(), "n/a".to_string()]));
    }

    #[test]
    fn years_as_tools_write_them() {
        assert_eq!(year("2022"), Some(2022));
        assert_eq!(year(" 2022.0 "), Some(2022));
        assert_eq!(year("2.022e+03"), Some(2022));
        assert_eq!(year("2022.000"), Some(2022));
        assert_eq!(year("2022.5"), None);
        assert_eq!(year("2,022"), None);
        assert_eq!(year("inf"), None);
        assert_eq!(year("1e20"), None);
        assert_eq!(year(""), None);
        assert_eq!(year("."), None);
    }

    #[test]
    fn votes() {
        assert_eq!(vote("12,5"), Vote::Comma);
        assert_eq!(vote("12.50"), Vote::Point);
        assert_eq!(vote("1,234"), Vote::None);
        assert_eq!(vote("1 234,567"), Vote::Comma);
        assert_eq!(vote("1.234.567"), Vote::Comma);
        assert_eq!(vote("7"), Vote::None);
        assert_eq!(vote("0.949"), Vote::Point);
        assert_eq!(vote("-0,125"), Vote::Comma);
    }
}
