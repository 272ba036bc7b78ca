//! Criterion benchmark: building and synthesizing the reference stacks.

use criterion::{criterion_group, criterion_main, Criterion};

fn order_monitoring(c: &mut Criterion) {
    c.bench_function("synth order-monitoring (build + synth)", |b| {
        b.iter(|| {
            let mut app = cfnkit::core::tree::App::new();
            cfnkit::reference::order_monitoring::order_monitoring(&mut app);
            std::hint::black_box(app.synth().expect("valid"))
        });
    });
}

criterion_group!(benches, order_monitoring);
criterion_main!(benches);
