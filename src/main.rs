//! The `cfnkit` binary: synthesizes the reference stacks.

fn main() {
    let code = cfnkit::cli::run(
        std::env::args_os(),
        cfnkit::reference::app,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
