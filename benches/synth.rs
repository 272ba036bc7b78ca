//! Criterion benchmarks: building and synthesizing the reference stacks.

use criterion::{criterion_main, Criterion};

fn order_monitoring(c: &mut Criterion) {
    c.bench_function("synth order-monitoring (build + synth)", |b| {
        b.iter(|| {
            let mut app = cfnkit::core::tree::App::new();
            cfnkit::reference::order_monitoring::order_monitoring(&mut app);
            std::hint::black_box(app.synth().expect("valid"))
        });
    });
}

fn all_reference_stacks(c: &mut Criterion) {
    c.bench_function("synth all four reference stacks (build + synth)", |b| {
        b.iter(|| std::hint::black_box(cfnkit::reference::app().synth().expect("valid")));
    });
}

#[allow(missing_docs)] // criterion_group! expands to an undocumented function
mod group {
    criterion::criterion_group!(benches, super::order_monitoring, super::all_reference_stacks);
}
criterion_main!(group::benches);
