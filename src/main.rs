//! The `hamburglar` binary: parse the command line, run, exit.

fn main() {
    std::process::exit(hamburglar::cli::main());
}
