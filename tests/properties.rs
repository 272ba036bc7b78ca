//! Properties that must hold for any input: synthesis never panics, output
//! is valid JSON and deterministic, whatever ids, names and values users pass.

use cfnkit::prelude::*;
use proptest::prelude::*;

fn build(ids: &[String], names: &[String], timeout: u64, memory: u64, batch: u32, code: &str) -> App {
    let mut app = App::new();
    let stack = app.stack(names.first().map_or("s", String::as_str)).conventions(Conventions::tap("props"));
    for (i, id) in ids.iter().enumerate() {
        let name = names.get(i).cloned().unwrap_or_default();
        let t = Table::new(id, Key::string(&name)).name(name.as_str()).stream(StreamView::NewImage).add_to(stack);
        let b = Bucket::new(&format!("{id}b")).name(name.as_str()).add_to(stack);
        let topic = Topic::new(&format!("{id}t")).name(name.as_str()).display_name(&name).add_to(stack);
        let f = Function::new(&format!("{id}f"), Runtime::Python313, Code::inline(code))
            .timeout(Duration::seconds(timeout))
            .memory(Size::mebibytes(memory))
            .env(&name, name.as_str())
            .event_source(StreamSource::new(t).batch_size(batch))
            .add_to(stack);
        b.grant_put(stack, &f);
        topic.grant_publish(stack, &f);
        Alarm::new(&format!("{id}a"), f.metric_errors()).greater_than(timeout as f64).action(topic).add_to(stack);
        stack.export(&name, t.arn()).description(&name);
    }
    app
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn synthesis_never_panics_and_gives_valid_deterministic_json(
        ids in proptest::collection::vec("\\PC{0,12}", 0..4),
        names in proptest::collection::vec("\\PC{0,70}", 0..4),
        timeout in 0u64..2000,
        memory in 0u64..20_000,
        batch in 0u32..20_000,
        code in "\\PC{0,50}",
    ) {
        let a = build(&ids, &names, timeout, memory, batch, &code).synth();
        let b = build(&ids, &names, timeout, memory, batch, &code).synth();
        match (a, b) {
            (Ok(a), Ok(b)) => {
                for (x, y) in a.stacks.iter().zip(&b.stacks) {
                    prop_assert_eq!(&x.json, &y.json);
                    let parsed: serde_json::Value = serde_json::from_str(&x.json).expect("valid JSON");
                    prop_assert_eq!(&parsed, &x.template);
                }
            }
            (Err(a), Err(b)) => {
                prop_assert!(!a.diagnostics.is_empty());
                prop_assert_eq!(a, b);
            }
            _ => prop_assert!(false, "synthesis is not deterministic"),
        }
    }
}
