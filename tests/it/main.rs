//! The end-to-end tests, as modules of one test crate so that polars links once.

mod accuracy;
mod all_at_once;
mod analysis;
mod architecture;
mod charts;
mod cli;
mod coinr_workbook;
mod common;
mod diff;
mod edition;
mod engine;
mod exports;
mod faults;
mod fuzz;
mod golden;
mod import;
mod limits;
mod pipeline;
mod print;
mod report;
mod reproductions;
mod submission;
mod template;
mod tools;
mod uncertainty;
mod validate;
