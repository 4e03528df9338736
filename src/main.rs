use std::process::ExitCode;

fn main() -> ExitCode {
    cwi::cli::main()
}
