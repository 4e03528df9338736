//! What calamine does not say about an .xlsx cell: whether its number format shows a
//! percentage (the cell holds 0.855 and shows 85.5%) or only the year of a date (the cell holds
//! the serial 44562 and shows 2022). Read from the workbook's parts: the sheet's cells and
//! their style indices, the styles' number formats (Office Open XML, ECMA-376 part 1, 18.8).

use std::collections::HashMap;
use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

/// What a cell's number format shows, where that changes how its value must be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// A percent format: the value shown is the stored one times 100.
    Percent,
    /// A date format that shows the year and nothing else (`yyyy`).
    YearOnly,
}

/// The cells of sheet `sheet` whose format is a percent or year-only format, by (row, column),
/// both 0-based. Empty for other workbooks (.xls, .ods) and for parts that cannot be read:
/// calamine reads the cells themselves and reports a damaged workbook.
pub fn shown(bytes: &[u8], sheet: &str) -> HashMap<(u32, u32), Shown> {
    read(bytes, sheet).unwrap_or_default()
}

fn read(bytes: &[u8], sheet: &str) -> Option<HashMap<(u32, u32), Shown>> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).ok()?;
    let mut part = |name: &str| -> Option<Vec<u8>> {
        let mut file = zip.by_name(name).ok()?;
        let mut out = Vec::new();
        file.read_to_end(&mut out).ok()?;
        Some(out)
    };
    let styles = style_formats(&part("xl/styles.xml")?);
    if styles.iter().all(Option::is_none) {
        return Some(HashMap::new());
    }
    let id = sheet_relation(&part("xl/workbook.xml")?, sheet)?;
    let target = relation_target(&part("xl/_rels/workbook.xml.rels")?, &id)?;
    let path = match target.strip_prefix('/') {
        Some(absolute) => absolute.to_string(),
        None => format!("xl/{target}"),
    };
    Some(cells(&part(&path)?, &styles))
}

fn local(name: &[u8]) -> &[u8] {
    name.rsplit(|&b| b == b':').next().unwrap_or(name)
}

/// An attribute's value, its XML escapes (`&quot;`) resolved; the parts are UTF-8.
fn value(a: &quick_xml::events::attributes::Attribute) -> Option<String> {
    let text = std::str::from_utf8(&a.value).ok()?;
    quick_xml::escape::unescape(text)
        .ok()
        .map(|v| v.into_owned())
}

fn attribute(e: &BytesStart, wanted: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find_map(|a| (a.key.as_ref() == wanted).then(|| value(&a)).flatten())
}

/// Each element of a part, start or empty, with the depth path of its parents' local names.
fn each_element(xml: &[u8], mut visit: impl FnMut(&[Vec<u8>], &BytesStart)) {
    let mut reader = quick_xml::Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut path: Vec<Vec<u8>> = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                visit(&path, &e);
                path.push(local(e.name().as_ref()).to_vec());
            }
            Ok(Event::Empty(e)) => visit(&path, &e),
            Ok(Event::End(_)) => {
                path.pop();
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
        buf.clear();
    }
}

/// Per cell style (`cellXfs`, in order), what its number format shows.
fn style_formats(styles: &[u8]) -> Vec<Option<Shown>> {
    let mut custom: HashMap<u32, String> = HashMap::new();
    let mut xfs: Vec<u32> = Vec::new();
    each_element(styles, |path, e| {
        let name = local(e.name().as_ref()).to_vec();
        let parent = path.last().map(Vec::as_slice);
        if name == b"numFmt"
            && let (Some(id), Some(code)) = (
                attribute(e, b"numFmtId").and_then(|i| i.parse().ok()),
                attribute(e, b"formatCode"),
            )
        {
            custom.insert(id, code);
        } else if name == b"xf" && parent == Some(b"cellXfs") {
            xfs.push(
                attribute(e, b"numFmtId")
                    .and_then(|i| i.parse().ok())
                    .unwrap_or(0),
            );
        }
    });
    xfs.iter()
        .map(|id| match custom.get(id) {
            Some(code) => classify(code),
            // The built-in formats 9 (0%) and 10 (0.00%); no built-in date shows the year alone.
            None => matches!(id, 9 | 10).then_some(Shown::Percent),
        })
        .collect()
}

/// What a format code shows, from its first section: a `%` outside quotes, escapes and
/// brackets is a percentage; date letters that are only `y` are a year.
pub fn classify(code: &str) -> Option<Shown> {
    let (mut quoted, mut escaped, mut bracket) = (false, false, 0u32);
    let mut letters = String::new();
    let mut percent = false;
    for c in code.chars() {
        if escaped {
            escaped = false;
            continue;
        }
        match c {
            '"' => quoted = !quoted,
            _ if quoted => {}
            '\\' | '_' | '*' => escaped = true,
            '[' => bracket += 1,
            ']' => bracket = bracket.saturating_sub(1),
            _ if bracket > 0 => {}
            ';' => break,
            '%' => percent = true,
            c if "ymdhsYMDHS".contains(c) => letters.push(c.to_ascii_lowercase()),
            _ => {}
        }
    }
    if percent {
        Some(Shown::Percent)
    } else if !letters.is_empty() && letters.chars().all(|c| c == 'y') {
        Some(Shown::YearOnly)
    } else {
        None
    }
}

/// The `r:id` of the sheet named `sheet` in workbook.xml.
fn sheet_relation(workbook: &[u8], sheet: &str) -> Option<String> {
    let mut found = None;
    each_element(workbook, |_, e| {
        if found.is_none()
            && local(e.name().as_ref()) == b"sheet"
            && attribute(e, b"name").as_deref() == Some(sheet)
        {
            found = e.attributes().flatten().find_map(|a| {
                (local(a.key.as_ref()) == b"id")
                    .then(|| value(&a))
                    .flatten()
            });
        }
    });
    found
}

fn relation_target(rels: &[u8], id: &str) -> Option<String> {
    let mut found = None;
    each_element(rels, |_, e| {
        if found.is_none()
            && local(e.name().as_ref()) == b"Relationship"
            && attribute(e, b"Id").as_deref() == Some(id)
        {
            found = attribute(e, b"Target");
        }
    });
    found
}

/// A cell reference (`B12`) as 0-based (row, column).
fn position(reference: &str) -> Option<(u32, u32)> {
    let split = reference.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = reference.split_at(split);
    let mut col: u32 = 0;
    for c in letters.chars() {
        if !c.is_ascii_uppercase() {
            return None;
        }
        col = col
            .checked_mul(26)?
            .checked_add(c as u32 - 'A' as u32 + 1)?;
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col.checked_sub(1)?))
}

fn cells(sheet: &[u8], styles: &[Option<Shown>]) -> HashMap<(u32, u32), Shown> {
    let mut out = HashMap::new();
    each_element(sheet, |_, e| {
        if local(e.name().as_ref()) != b"c" {
            return;
        }
        let style = attribute(e, b"s").and_then(|s| s.parse::<usize>().ok());
        let shown = style.and_then(|s| styles.get(s).copied().flatten());
        if let (Some(shown), Some(at)) = (shown, attribute(e, b"r").and_then(|r| position(&r))) {
            out.insert(at, shown);
        }
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_codes() {
        assert_eq!(classify("0%"), Some(Shown::Percent));
        assert_eq!(classify("0.0%"), Some(Shown::Percent));
        assert_eq!(
            classify("#,##0.00\\%"),
            None,
            "an escaped percent sign is text"
        );
        assert_eq!(classify("0.0\" %\""), None, "a quoted one too");
        assert_eq!(classify("yyyy"), Some(Shown::YearOnly));
        assert_eq!(classify("[$-419]yyyy;@"), Some(Shown::YearOnly));
        assert_eq!(classify("yy"), Some(Shown::YearOnly));
        assert_eq!(classify("dd.mm.yyyy"), None);
        assert_eq!(classify("mmm yyyy"), None);
        assert_eq!(classify("General"), None);
        assert_eq!(classify("0.00E+00"), None);
    }

    #[test]
    fn cell_references() {
        assert_eq!(position("A1"), Some((0, 0)));
        assert_eq!(position("B12"), Some((11, 1)));
        assert_eq!(position("AA3"), Some((2, 26)));
        assert_eq!(position("1A"), None);
        assert_eq!(position("A0"), None);
    }
}
