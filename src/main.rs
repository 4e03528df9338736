//! The `cwi` command line: the subcommands, their arguments and the error that spans every
//! layer live here, private to the binary; the library (`cwi`) never imports them.

mod cli;

use std::process::ExitCode;

fn main() -> ExitCode {
    cli::main()
}
