use std::process::ExitCode;

fn main() -> ExitCode {
    slo::main().into()
}
