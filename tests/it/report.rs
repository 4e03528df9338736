//! `cwi report` as a person would see it: charts (non-blank PNGs; SVGs with the labels and one
//! mark per region), the HTML page opened in headless Chromium, the workbook read back.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::common::{cwi, root, scratch};

/// The report of the Kazakhstan sample in `lang`, into a fresh directory.
fn kz_report(name: &str, lang: &str, extra: &[&str]) -> PathBuf {
    let out = scratch(&format!("report-{name}"));
    let mut args = vec![
        "report",
        "--spec",
        "indicators/kz-cwi.toml",
        "--data",
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
        "--out",
        out.to_str().unwrap(),
        "--lang",
        lang,
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = cwi(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// Region names in a language, from the shipped units table (read independently of cwi).
fn region_names(lang: &str) -> Vec<String> {
    let text = fs::read_to_string(root().join("indicators/kz-regions.csv")).unwrap();
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header
        .iter()
        .position(|h| *h == format!("name_{lang}"))
        .unwrap();
    lines
        .map(|l| l.split(',').nth(col).unwrap().to_string())
        .collect()
}

#[test]
fn charts_are_drawn_with_every_region_in_kazakh() {
    let out = kz_report("charts", "kk", &[]);
    let charts = out.join("charts");
    let names = region_names("kk");
    assert_eq!(names.len(), 20);
    let svg = |name: &str| fs::read_to_string(charts.join(format!("{name}.svg"))).unwrap();

    // Ranking: every region labelled, one bar (the bar colour #31688E) per region.
    let ranking = svg("ranking-kz-cwi-2024");
    for n in &names {
        assert!(
            ranking.contains(&format!("\n{n}\n</text>")),
            "ranking lacks {n}"
        );
    }
    assert_eq!(ranking.matches("fill=\"#31688E\"").count(), 20);
    assert!(
        ranking.contains("Ел бойынша орташа"),
        "the national average is marked"
    );
    // Heatmap: 20 regions x (index + 4 directions) cells of 122 x 22 pixels.
    let heat = svg("heatmap-directions-2024");
    assert_eq!(heat.matches("width=\"122\" height=\"22\"").count(), 100);
    for direction in ["Бала", "Отбасы және", "Мемлекеттік", "Елдің"] {
        assert!(heat.contains(direction), "heatmap lacks {direction}");
    }
    // Tile map: one 128 x 80 tile per region.
    let map = svg("map-kz-cwi-2024");
    assert_eq!(map.matches("width=\"128\" height=\"80\"").count(), 20);
    // Trends and slope name every region; the slope chart twice (both years).
    let trends = svg("trends-kz-cwi");
    let slope = svg("slope-kz-cwi-2023-2024");
    for n in &names {
        assert!(trends.contains(n), "trends lack {n}");
        assert_eq!(slope.matches(n.as_str()).count(), 2, "slope: {n}");
    }
    // A profile per region.
    for code in ["KZ-10", "KZ-15", "KZ-79"] {
        let profile = svg(&format!("profile-{code}-2024"));
        assert!(profile.contains("Психологиялық әл-ауқат"));
    }
    // Every PNG is a real picture: sized, mostly white but with ink and many colours.
    for entry in fs::read_dir(&charts).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "png") {
            let (w, h, ink, colours) = png_stats(&path);
            assert!(w >= 800 && h >= 200, "{}: {w}x{h}", path.display());
            assert!(ink > 0.02 && ink < 0.9, "{}: ink {ink}", path.display());
            assert!(colours > 20, "{}: {colours} colours", path.display());
        }
    }
}

#[test]
fn the_page_is_self_contained_and_in_the_chosen_language() {
    let kk = fs::read_to_string(kz_report("html-kk", "kk", &[]).join("report.html")).unwrap();
    let ru = fs::read_to_string(kz_report("html-ru", "ru", &[]).join("report.html")).unwrap();
    for html in [&kk, &ru] {
        assert!(
            !html.contains("http://")
                || html.matches("http://").count()
                    == html.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
            "no network resource"
        );
        assert!(!html.contains("<script"), "no script");
        assert!(!html.contains("src=\"http"), "no remote source");
        assert!(html.contains("@media print") && html.contains("size: A4"));
        for section in [
            "summary",
            "ranking",
            "directions",
            "regions",
            "quality",
            "coherence",
            "methodology",
            "manifest",
        ] {
            assert!(
                html.contains(&format!("<section id=\"{section}\">")),
                "{section}"
            );
        }
        assert_eq!(html.matches("<div class=\"card\" id=\"region-").count(), 20);
    }
    assert!(kk.contains("Ақтөбе облысы") && kk.contains("Негізгі қорытындылар"));
    assert!(ru.contains("Актюбинская область") && ru.contains("Основные итоги"));
    // The national score is the mean of the 20 regional index scores in scores.csv.
    let out = kz_report("html-mean", "en", &[]);
    let csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    let scores: Vec<f64> = csv
        .lines()
        .filter(|l| l.starts_with("2024,") && l.contains(",kz-cwi,"))
        .map(|l| l.split(',').nth(7).unwrap().parse().unwrap())
        .collect();
    assert_eq!(scores.len(), 20);
    let mean = scores.iter().sum::<f64>() / 20.0;
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    assert!(
        html.contains(&format!("<div class=\"big\">{mean:.1}</div>")),
        "national {mean:.1}"
    );
}

/// Opens the report in headless Chromium: it must render with no console error or failed
/// resource, show the Kazakh (or Russian) labels, and a screenshot is saved. CI installs
/// Chromium and sets CWI_REQUIRE_BROWSER=1; elsewhere the test is skipped when there is none.
#[test]
fn the_report_renders_in_a_browser() {
    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(chromium) = chromium else {
        assert!(
            std::env::var("CWI_REQUIRE_BROWSER").is_err(),
            "CWI_REQUIRE_BROWSER is set but Chromium is not installed"
        );
        eprintln!("skipped: no Chromium (install the Debian package chromium to run it)");
        return;
    };
    for (lang, expected) in [
        (
            "kk",
            ["Ақтөбе облысы", "Негізгі қорытындылар", "Ел бойынша орташа"],
        ),
        (
            "ru",
            ["Актюбинская область", "Основные итоги", "Среднее по стране"],
        ),
    ] {
        let out = kz_report(&format!("browser-{lang}"), lang, &[]);
        let html = fs::read_to_string(out.join("report.html")).unwrap();
        // A probe that counts errors (script errors, console.error, failed resources) and
        // writes the count on <body> once the page has loaded.
        let probe = "<script>window.__e=0;addEventListener('error',function(){window.__e++},true);var __ce=console.error;console.error=function(){window.__e++;__ce.apply(console,arguments)};addEventListener('load',function(){document.body.setAttribute('data-console-errors',String(window.__e))});</script>";
        let probed = out.join("probed.html");
        fs::write(
            &probed,
            html.replacen("<head>", &format!("<head>{probe}"), 1),
        )
        .unwrap();
        let flags = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ];
        let profile = out.join("chromium-profile");
        let url = format!("file://{}", probed.display());
        let o = Command::new(chromium)
            .args(flags)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("--dump-dom")
            .arg(&url)
            .output()
            .unwrap();
        let dom = String::from_utf8_lossy(&o.stdout);
        assert!(
            dom.contains("data-console-errors=\"0\""),
            "{lang}: console errors or no load event: {}",
            &dom[..dom.len().min(300)]
        );
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(
            !stderr.lines().any(|l| l.contains(":CONSOLE")),
            "{lang}: console output: {stderr}"
        );
        for text in expected {
            assert!(dom.contains(text), "{lang}: the page lacks {text}");
        }
        // Kept after the run (cargo's target/tmp), for a person to look at.
        let shot = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("report-screenshot-{lang}.png"));
        let _ = fs::remove_file(&shot);
        let o = Command::new(chromium)
            .args(flags)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=1280,2400")
            .arg(&url)
            .output()
            .unwrap();
        assert!(
            shot.exists(),
            "{lang}: no screenshot: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        let (w, h, ink, colours) = png_stats(&shot);
        assert_eq!((w, h), (1280, 2400));
        assert!(
            ink > 0.05 && colours > 50,
            "{lang}: the screenshot looks blank ({ink}, {colours})"
        );
    }
}

/// Decodes a PNG (RGB or RGBA) and returns (width, height, share of non-white pixels,
/// distinct colours).
fn png_stats(path: &Path) -> (u32, u32, f64, usize) {
    let mut decoder = png::Decoder::new(std::io::BufReader::new(fs::File::open(path).unwrap()));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let px: Vec<&[u8]> = buf[..info.buffer_size()]
        .chunks(step)
        .map(|p| &p[..3])
        .collect();
    let ink = px
        .iter()
        .filter(|p| p != &&[255u8, 255, 255].as_slice())
        .count();
    let colours: std::collections::HashSet<&[u8]> = px.iter().copied().collect();
    (
        info.width,
        info.height,
        ink as f64 / px.len() as f64,
        colours.len(),
    )
}

#[test]
fn the_workbook_holds_what_the_csv_holds() {
    use calamine::{Data, DataType, Reader, open_workbook_auto};
    let out = kz_report("xlsx", "ru", &["--formats", "xlsx"]);
    assert!(
        !out.join("report.html").exists(),
        "only the workbook was asked for"
    );
    // scores.csv by (year, region, node).
    let csv = fs::read_to_string(out.join("scores.csv")).unwrap();
    let mut expected: HashMap<(i32, String, String), Option<f64>> = HashMap::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let n = f.len();
        expected.insert(
            (f[0].parse().unwrap(), f[1].to_string(), f[3].to_string()),
            f[n - 7].parse().ok(),
        );
    }
    let mut book = open_workbook_auto(out.join("report.xlsx")).unwrap();
    let sheets = book.sheet_names();
    let score_sheets: Vec<String> = sheets
        .iter()
        .filter(|s| s.starts_with("Балл"))
        .cloned()
        .collect();
    assert_eq!(score_sheets.len(), 4, "levels 0-3: {sheets:?}");
    let mut checked = 0;
    for name in &score_sheets {
        let range = book.worksheet_range(name).unwrap();
        let rows: Vec<&[Data]> = range.rows().collect();
        let ids: Vec<String> = rows[1].iter().map(|c| c.to_string()).collect();
        assert_eq!(&ids[..3], ["year", "region_code", "region_name"]);
        for row in &rows[2..] {
            let year = row[0].as_f64().unwrap() as i32;
            let code = row[1].to_string();
            for (c, id) in ids.iter().enumerate().skip(3) {
                let want = expected[&(year, code.clone(), id.clone())];
                match (&row[c], want) {
                    (Data::Float(v), Some(w)) => {
                        assert!((v - w).abs() < 1e-9, "{name} {year} {code} {id}")
                    }
                    (Data::Empty, None) => {}
                    (cell, want) => panic!("{name} {year} {code} {id}: {cell:?} against {want:?}"),
                }
                checked += 1;
            }
        }
    }
    assert_eq!(
        checked,
        expected.len(),
        "every score of the CSV is in the workbook"
    );
    // Labels in Russian, and the other sheets.
    let first = book.worksheet_range(&score_sheets[0]).unwrap();
    assert_eq!(
        first.get((0, 3)).unwrap().to_string(),
        "Индекс благополучия детей"
    );
    for prefix in [
        "Место",
        "Исходные значения",
        "Заполненные и обработанные",
        "Нормализация",
        "Итоговый вес",
        "Качество данных",
        "Сведения о расчёте",
    ] {
        assert!(
            sheets.iter().any(|s| s.starts_with(prefix)),
            "{prefix}: {sheets:?}"
        );
    }
}

#[test]
fn excel_style_csv_opens_in_a_russian_locale() {
    let dir = scratch("report-excel-csv");
    let (plain, excel) = (dir.join("plain"), dir.join("excel"));
    for (out, style) in [(&plain, "standard"), (&excel, "excel")] {
        let o = cwi(&[
            "compute",
            "--spec",
            "tests/fixtures/tiny.toml",
            "--data",
            "tests/fixtures/tiny.csv",
            "--out",
            out.to_str().unwrap(),
            "--csv",
            style,
        ]);
        assert!(o.status.success());
    }
    let bytes = fs::read(excel.join("scores.csv")).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(text.starts_with(
        "year;region_code;region_name;node_id;node_name;level;kind;score;rank;flag;score_change;rank_change;score_change_base;rank_change_base\n"
    ));
    // tiny: R3's index is sqrt(1875) = 43.30127..., written with a decimal comma.
    assert!(text.contains(";43,30127018922193;2;;;;;\n"), "{text}");
    let back = text.replace(',', ".").replace(';', ",");
    assert_eq!(back, fs::read_to_string(plain.join("scores.csv")).unwrap());
}

#[test]
fn bad_requests_get_clear_errors() {
    let dir = scratch("report-bad");
    let base = [
        "report",
        "--spec",
        "indicators/kz-cwi.toml",
        "--data",
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
        "--quiet",
    ];
    let run = |extra: &[&str], out: &str| {
        let mut a: Vec<&str> = base.to_vec();
        let out = dir.join(out);
        let out = out.to_str().unwrap().to_string();
        a.extend_from_slice(&["--out", &out]);
        a.extend_from_slice(extra);
        let o = cwi(&a);
        assert_eq!(o.status.code(), Some(1), "{extra:?}");
        assert!(!Path::new(&out).exists(), "{extra:?}: nothing is written");
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    assert!(run(&["--year", "2019"], "a").contains("no year 2019; they cover [2022, 2023, 2024]"));
    assert!(
        run(&["--node", "familly"], "b")
            .contains("node \"familly\" is not in the framework; did you mean \"family\"?")
    );
    assert!(run(&["--lang", "de"], "c").contains("language \"de\" has no labels"));
    // A region without a tile: the map cannot be drawn, and says which region.
    let spec = dir.join("tiles.toml");
    let text = fs::read_to_string(root().join("tests/fixtures/tiny.toml")).unwrap();
    fs::write(
        &spec,
        text.replacen(
            "aliases = [\"Northern Region\"]",
            "aliases = [\"Northern Region\"]\ntile = [0, 0]",
            1,
        ),
    )
    .unwrap();
    let out = dir.join("d");
    let o = cwi(&[
        "report",
        "--spec",
        spec.to_str().unwrap(),
        "--data",
        "tests/fixtures/tiny.csv",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("the tile map has no place for R2, R3"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// `report --sensitivity N` shows the sensitivity indices it also writes: each region's total
/// effects in the report's year as indices.csv gives them (to the two decimals shown), and
/// the regions indices.csv leaves blank marked as not estimated, with the reason.
#[test]
fn the_report_shows_the_sensitivity_of_the_ranks() {
    let out = scratch("language-sensitivity");
    let o = cwi(&[
        "report",
        "--spec",
        "indicators/kz-cwi.toml",
        "--lang",
        "en",
        "--sensitivity",
        "32",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--data",
        "data-samples/kz/statistics.csv",
        "data-samples/kz/surveys.csv",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    let section = &html[html.find("<section id=\"sensitivity\">").unwrap()..];
    let section = &section[..section.find("</section>").unwrap()];
    let mut reader = csv::Reader::from_path(out.join("sensitivity/indices.csv")).unwrap();
    let header = reader.headers().unwrap().clone();
    let col = |n: &str| header.iter().position(|h| h == n).unwrap();
    let (year, region, total) = (col("year"), col("region_code"), col("total_effect"));
    let mut factors = std::collections::BTreeSet::new();
    let mut blank = 0;
    let mut shown = 0;
    for r in reader.records() {
        let r = r.unwrap();
        factors.insert(r[col("factor")].to_string());
        if &r[year] != "2024" {
            continue;
        }
        if r[total].is_empty() {
            blank += 1;
        } else {
            let v: f64 = r[total].parse().unwrap();
            assert!(
                section.contains(&format!("<td class=\"n\">{v:.2}</td>")),
                "{} {v:.2}",
                &r[region]
            );
            shown += 1;
        }
    }
    assert!(shown > 0);
    // A region whose rank does not move has a blank row per factor in indices.csv and one
    // note in the report.
    let factors = factors.len();
    assert!(
        blank > 0,
        "the sample has a region whose 2024 rank never moves"
    );
    assert_eq!(
        section
            .matches("not estimated: the rank moves in under 1% of the runs")
            .count(),
        blank / factors
    );
}

/// A year the data do not have is refused before anything is computed or warned about, and
/// nothing is written; so is a language the spec has no labels in.
#[test]
fn report_refuses_a_year_or_language_before_computing() {
    let out = crate::common::scratch("report-2030");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "report",
            "--spec",
            "indicators/kz-cwi.toml",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ];
        args.extend_from_slice(extra);
        args.extend([
            "--data",
            "data-samples/kz/statistics.csv",
            "data-samples/kz/surveys.csv",
        ]);
        crate::common::cwi(&args)
    };
    let o = run(&["--year", "2030"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        err.trim(),
        "error: the data have no year 2030; they cover [2022, 2023, 2024]"
    );
    assert!(!out.join("report.html").exists() && !out.join("scores.csv").exists());
    let o = run(&["--lang", "fr"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        err.trim()
            .starts_with("error: language \"fr\" has no labels in the spec"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
