//! The `cfnkit` binary: the reference stacks, run through the same entry
//! point every cfnkit program uses ([`cfnkit::run`]).

fn main() -> std::process::ExitCode {
    cfnkit::run(cfnkit::reference::define)
}
