//! The report's appendix: the run's inputs with their SHA-256, its settings and warnings.

use std::fmt::Write as _;

use super::Context;
use super::markup::escape;

/// The run manifest as a short appendix: the inputs with their SHA-256, the settings that
/// decide the numbers, and the warnings; manifest.json beside the report holds the whole
/// record (every bound, imputed and treated cell, and output hash).
pub fn run_manifest(h: &mut String, ctx: &Context, manifest: &str) {
    let w = ctx.words();
    let m: serde_json::Value = serde_json::from_str(manifest).unwrap_or_default();
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "–".to_string(),
        other => other.to_string(),
    };
    let _ = write!(
        h,
        "<section id=\"manifest\"><h2>{}</h2><p class=\"meta\">{}</p><table class=\"small\"><thead><tr><th>{}</th><th>SHA-256</th><th class=\"n\">{}</th></tr></thead><tbody>",
        w.manifest, w.full_record, w.input_file, w.rows
    );
    let _ = write!(
        h,
        "<tr><td>{} {}</td><td class=\"hash\">{}</td><td class=\"n\">–</td></tr>",
        w.spec_file,
        escape(&text(&m["spec"]["path"])),
        escape(&text(&m["spec"]["sha256"]))
    );
    for f in m["data"].as_array().into_iter().flatten() {
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"hash\">{}</td><td class=\"n\">{}</td></tr>",
            escape(&text(&f["path"])),
            escape(&text(&f["sha256"])),
            escape(&text(&f["rows"]))
        );
    }
    h.push_str("</tbody></table><table class=\"small\"><tbody>");
    let mut setting = |name: &str, value: String| {
        let _ = write!(h, "<tr><th>{}</th><td>{}</td></tr>", name, escape(&value));
    };
    setting(w.version, format!("cwi {}", text(&m["cwi_version"])));
    setting(
        w.index_version,
        format!(
            "{} {}",
            text(&m["index"]["id"]),
            text(&m["index"]["version"])
        ),
    );
    setting(
        w.pooling,
        super::methods::pooling(&ctx.results.spec.pooling, &ctx.lang),
    );
    setting(
        w.boundaries,
        super::methods::boundaries(ctx.results.boundaries, &ctx.lang),
    );
    if !m["bounds_edition"].is_null() {
        setting(w.bounds_kept, text(&m["bounds_edition"]["path"]));
    }
    if !m["previous_edition"].is_null() {
        setting(w.revisions, text(&m["previous_edition"]["path"]));
    }
    h.push_str("</tbody></table>");
    let warnings: Vec<String> = m["warnings"]
        .as_array()
        .into_iter()
        .flatten()
        .map(text)
        .collect();
    let _ = write!(h, "<h3>{} ({})</h3>", w.warnings, warnings.len());
    if !warnings.is_empty() {
        h.push_str("<ul class=\"small\">");
        for warning in &warnings {
            let _ = write!(h, "<li>{}</li>", escape(warning));
        }
        h.push_str("</ul>");
    }
    h.push_str("</section>\n");
}
