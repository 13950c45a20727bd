//! The `tidings` binary: everything lives in the library; see `tidings::cli`.

fn main() -> std::process::ExitCode {
    tidings::cli::main()
}
