//! Tests of reading a COINr workbook and finding its steps.

use super::*;

fn sheet(columns: &[&str], rows: &[&[&str]]) -> Sheet {
    Sheet {
        columns: columns.iter().map(|c| c.to_string()).collect(),
        rows: rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| (!c.is_empty()).then(|| c.to_string()))
                    .collect()
            })
            .collect(),
        lines: (0..rows.len()).map(|r| Some(r + 2)).collect(),
    }
}

/// A unit of Meta.Unit that Data.Raw lacks is refused at its row, not dropped.
#[test]
fn a_unit_without_raw_data_is_refused() {
    let units = sheet(
        &["uCode", "uName"],
        &[&["AUT", "Austria"], &["BEL", "Belgium"]],
    );
    let raw = sheet(&["uCode", "LPI"], &[&["AUT", "4.1"]]);
    let e = joined("coin.xlsx", &units, &raw).unwrap_err();
    assert!(
        e.to_string()
            .contains("unit \"BEL\" of Meta.Unit (row 3) has no row in Data.Raw"),
        "{e}"
    );
    let both = sheet(&["uCode", "LPI"], &[&["AUT", "4.1"], &["BEL", "4.2"]]);
    assert_eq!(joined("coin.xlsx", &units, &both).unwrap().rows.len(), 2);
}

/// winmax from Dets_Table: an indicator winsorised 3 times that then passed and one that
/// failed after 6 bound it to [3, 6], where COINr's default 5 lies; an unreadable count
/// is refused.
#[test]
fn winmax_is_bounded_by_the_points_winsorised() {
    let cols = [
        "iCode",
        "check_SkewKurt0.Pass",
        "winsorise.nwin",
        "check_SkewKurt1.Pass",
    ];
    let dets = sheet(
        &cols,
        &[
            &["a", "TRUE", "", ""],
            &["b", "FALSE", "3", "TRUE"],
            &["c", "FALSE", "6", "FALSE"],
        ],
    );
    assert_eq!(infer_treatment(Some(&dets), None).unwrap().0, 5);
    let tight = sheet(
        &cols,
        &[&["b", "FALSE", "2", "TRUE"], &["c", "FALSE", "3", "FALSE"]],
    );
    assert_eq!(infer_treatment(Some(&tight), None).unwrap().0, 3);
    let bad = sheet(&cols, &[&["b", "FALSE", "x", "TRUE"]]);
    let (at, m) = infer_treatment(Some(&bad), None).unwrap_err();
    assert_eq!(at, "Analysis.Treated.Dets_Table");
    assert!(m.contains("row 2: winsorise.nwin \"x\""), "{m}");
}
