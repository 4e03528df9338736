//! `cwi schema`: the JSON Schema of the spec format.

/// Print the JSON Schema (draft-07) of the spec format.
///
/// Save it and point your editor's TOML support at it (e.g. a `#:schema spec.schema.json`
/// first line for Taplo / Even Better TOML) to have specs checked as you type.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the tables of every method (imputation, treatment, normalisation, aggregation)
    /// with their parameters, in Markdown, as docs/spec.md gives them, instead of the schema.
    #[arg(long, conflicts_with = "codes")]
    methods: bool,
    /// Print the table of every problem code (code, severity, what it means), in Markdown, as
    /// docs/validation.md gives it, instead of the schema.
    #[arg(long)]
    codes: bool,
}

pub fn run(args: Args) -> Result<(), super::error::Error> {
    if args.codes {
        return super::stdout(&cwi::diagnostic::codes_markdown());
    }
    if args.methods {
        return super::stdout(&cwi::spec::tables::methods_markdown());
    }
    let schema = cwi::spec::schema::json_schema();
    super::stdout(
        &(serde_json::to_string_pretty(&schema).expect("the schema is valid JSON") + "\n"),
    )
}
