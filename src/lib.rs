//! cwi: composite child well-being indices from a declarative indicator spec.
//!
//! The data flow one way, one module per stage:
//! `spec` + `load` -> `panel` -> `normalise` -> `aggregate` -> `rank` -> `output`.
//! `pipeline::run` chains them. The command line is the binary's (`src/main.rs` and its
//! private `cli` modules): it wires these calls to commands, and nothing here imports it.

pub mod aggregate;
pub mod audit;
pub mod boundaries;
pub mod chart;
pub mod comparability;
pub mod compare;
pub mod diagnostic;
pub mod diff;
pub mod digest;
pub mod edition;
pub mod error;
pub mod explain;
pub mod formula;
pub mod i18n;
pub mod import;
pub mod labels;
pub mod load;
pub mod named;
pub mod normalise;
pub mod output;
pub mod panel;
pub mod pipeline;
pub(crate) mod polars_internals;
pub mod rank;
pub mod recipe;
pub mod report;
pub mod sheet_layout;
pub mod spec;
pub mod stats;
pub mod submission;
pub mod template;
pub mod timing;
pub mod treat;
pub mod uncertainty;
pub mod units;
pub mod validate;
pub mod weight;
