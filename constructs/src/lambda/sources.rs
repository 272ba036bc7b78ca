//! Event sources: poll-based mappings ([`StreamSource`] for DynamoDB
//! streams, [`QueueSource`] for SQS) that Lambda reads for the function and
//! invokes it with synchronously, and the checks AWS would otherwise make at
//! deploy time.

use cfnkit_core::diag::{DiagKind, Diagnostic, Severity};
use cfnkit_core::token::Value;
use cfnkit_core::tree::{NodeId, Stack};
use cfnkit_core::units::Duration;
use cfnkit_l1::lambda as l1;

use super::FunctionRef;
use crate::dynamodb::TableRef;
use crate::sqs::QueueRef;

/// Where a stream-based event source starts reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum StartingPosition {
    /// `TRIM_HORIZON`: the oldest record (the default).
    #[default]
    TrimHorizon,
    /// `LATEST`: new records only.
    Latest,
}

/// A DynamoDB stream event source.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamSource {
    table: TableRef,
    start: StartingPosition,
    batch_size: u32,
    retries: Option<u32>,
    on_failure: Option<QueueRef>,
}

impl StreamSource {
    /// Reads `table`'s stream from the oldest record, 100 records a batch,
    /// reporting failed items individually.
    pub fn new(table: TableRef) -> Self {
        StreamSource { table, start: StartingPosition::TrimHorizon, batch_size: 100, retries: None, on_failure: None }
    }
    /// Sets the starting position.
    pub fn starting_at(mut self, p: StartingPosition) -> Self {
        self.start = p;
        self
    }
    /// Sets the batch size (1 to 10,000).
    pub fn batch_size(mut self, n: u32) -> Self {
        self.batch_size = n;
        self
    }
    /// Bounds the retries of a failing batch (0 to 10,000).
    pub fn retry_attempts(mut self, n: u32) -> Self {
        self.retries = Some(n);
        self
    }
    /// Sends the metadata of records that still fail after the retries to a
    /// standard queue (instead of dropping them), and splits a failing batch
    /// in two before retrying; the function's role gets `sqs:SendMessage` on it.
    pub fn on_failure(mut self, queue: QueueRef) -> Self {
        self.on_failure = Some(queue);
        self
    }
}

/// An SQS event source: Lambda polls the queue and invokes the function with
/// batches of messages, deleting those the function reports as processed.
///
/// Defaults: 10 messages a batch, no batching window, `ReportBatchItemFailures`
/// on (only the failed messages of a batch return to the queue), no
/// concurrency cap. The function is granted `grant_consume_messages` on the
/// queue. At synthesis the queue's visibility timeout must be at least the
/// function's timeout (AWS rejects the mapping otherwise), and a warning
/// says when it is under AWS's recommendation of six times the timeout
/// plus the batching window.
///
/// ```
/// use cfnkit_constructs::lambda::{Code, Function, QueueSource, Runtime};
/// use cfnkit_constructs::sqs::Queue;
/// use cfnkit_core::tree::App;
/// use cfnkit_core::units::Duration;
/// let mut app = App::new();
/// let stack = app.stack("demo");
/// let orders = Queue::new("Orders").visibility_timeout(Duration::minutes(3)).without_dead_letter_queue("demo").add_to(stack);
/// Function::new("Worker", Runtime::Nodejs24x, Code::inline("exports.handler = async () => ({batchItemFailures: []});"))
///     .timeout(Duration::seconds(30))
///     .event_source(QueueSource::new(orders).batch_size(100).max_batching_window(Duration::seconds(5)).max_concurrency(5))
///     .add_to(stack);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueueSource {
    queue: QueueRef,
    batch_size: u32,
    window: Option<Duration>,
    report_failures: bool,
    max_concurrency: Option<u32>,
}

impl QueueSource {
    /// Reads `queue` 10 messages a batch, reporting failed messages individually.
    pub fn new(queue: QueueRef) -> Self {
        QueueSource { queue, batch_size: 10, window: None, report_failures: true, max_concurrency: None }
    }
    /// Sets the batch size: 1 to 10 for a FIFO queue; 1 to 10,000 for a
    /// standard queue, above 10 only with a batching window.
    pub fn batch_size(mut self, n: u32) -> Self {
        self.batch_size = n;
        self
    }
    /// Waits up to `d` to fill a batch (0 to 300 s; standard queues only).
    pub fn max_batching_window(mut self, d: Duration) -> Self {
        self.window = Some(d);
        self
    }
    /// Caps the concurrent invocations this source starts (2 to 1,000).
    pub fn max_concurrency(mut self, n: u32) -> Self {
        self.max_concurrency = Some(n);
        self
    }
    /// Turns `ReportBatchItemFailures` off: a failure returns the whole batch
    /// to the queue (the handler then must not return `batchItemFailures`).
    pub fn without_batch_item_failures(mut self) -> Self {
        self.report_failures = false;
        self
    }
    /// The queue.
    pub fn queue(self) -> QueueRef {
        self.queue
    }
}

/// An event source of a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventSource {
    /// A DynamoDB stream.
    DynamoDbStream(StreamSource),
    /// An SQS queue.
    Sqs(QueueSource),
}

impl From<StreamSource> for EventSource {
    fn from(s: StreamSource) -> Self {
        EventSource::DynamoDbStream(s)
    }
}

impl From<QueueSource> for EventSource {
    fn from(s: QueueSource) -> Self {
        EventSource::Sqs(s)
    }
}

/// The construct id for the mapping of a source `resource` under `scope`:
/// the source construct's id (`OrdersEventSource`); its whole path below its
/// stack when that id is taken (`Team-OrdersEventSource`); and its stack's
/// name first when it lives in another stack (`data-OrdersEventSource`).
/// Two sources never share an id, in one stack or across stacks.
fn source_id(stack: &Stack, scope: NodeId, resource: cfnkit_core::tree::ResourceId) -> String {
    let path = stack.path_in_app(resource).unwrap_or_default();
    let mut parts: Vec<&str> = path.split('/').collect();
    if parts.len() > 2 && parts.last() == Some(&"Resource") {
        parts.pop();
    }
    let id = if stack.node_of(resource).is_some() {
        let short = format!("{}EventSource", parts.last().copied().unwrap_or("Source"));
        if stack.child(scope, &short).is_none() {
            return short;
        }
        parts[1..].join("-")
    } else {
        parts.join("-")
    };
    format!("{id}EventSource")
}

/// What the mapping needs to know of the function it feeds.
pub(super) struct Target<'a> {
    pub(super) function: FunctionRef,
    pub(super) scope: NodeId,
    pub(super) path: &'a str,
    pub(super) timeout: Duration,
    pub(super) reserved_concurrency: Option<u32>,
}

pub(super) fn add_stream_source(stack: &mut Stack, t: &Target<'_>, s: &StreamSource) {
    let table = s.table;
    if !table.has_stream() {
        stack.report(
            Diagnostic::error_of(DiagKind::Wiring, t.path, "DynamoDB stream event source on a table without a stream")
                .property("EventSourceArn")
                .allowed("call .stream(StreamView::..) on the table"),
        );
    }
    if !(1..=10_000).contains(&s.batch_size) {
        stack.report(
            Diagnostic::error(t.path, "batch size out of range")
                .property("BatchSize")
                .value(s.batch_size.to_string())
                .allowed("1 to 10000"),
        );
    }
    let source = source_id(stack, t.scope, table.handle().id());
    table.grant_stream_read(stack, &t.function);
    let mut m = l1::EventSourceMapping::new(Value::from(t.function.name()))
        .event_source_arn(Value::from(table.stream_arn()))
        .starting_position(
            match s.start {
                StartingPosition::TrimHorizon => "TRIM_HORIZON",
                StartingPosition::Latest => "LATEST",
            }
            .to_string(),
        )
        .batch_size(i64::from(s.batch_size))
        .function_response_types(vec![Value::Lit("ReportBatchItemFailures".to_string())]);
    if let Some(r) = s.retries {
        m = m.maximum_retry_attempts(i64::from(r));
    }
    if let Some(q) = s.on_failure {
        if q.is_fifo() {
            stack.report(
                Diagnostic::error(t.path, "a stream's on-failure destination must be a standard queue")
                    .property("DestinationConfig.OnFailure")
                    .allowed("a standard SQS queue"),
            );
        }
        crate::iam::grant(
            stack,
            &t.function,
            crate::iam::PolicyStatement::allow().actions(["sqs:SendMessage"]).resource(q.arn()),
        );
        m = m.bisect_batch_on_function_error(true).destination_config(
            l1::EventSourceMappingDestinationConfig::new()
                .on_failure(l1::EventSourceMappingOnFailure::new().destination(Value::from(q.arn()))),
        );
    }
    stack.within(t.scope, |st| st.add(&source, m));
}

pub(super) fn add_queue_source(stack: &mut Stack, t: &Target<'_>, s: &QueueSource) {
    let queue = s.queue;
    let fifo = queue.is_fifo();
    let mut problems = Vec::new();
    let max_batch = if fifo { 10 } else { 10_000 };
    if !(1..=max_batch).contains(&s.batch_size) {
        problems.push(
            Diagnostic::error(t.path, "batch size out of range")
                .property("BatchSize")
                .value(s.batch_size.to_string())
                .allowed(if fifo { "1 to 10 for a FIFO queue" } else { "1 to 10000" }),
        );
    }
    let window = s.window.map(Duration::to_seconds);
    if let Some(w) = window {
        if fifo {
            problems.push(
                Diagnostic::error(t.path, "a batching window is not supported for FIFO queues")
                    .property("MaximumBatchingWindowInSeconds")
                    .allowed("no batching window on a FIFO queue's source"),
            );
        } else if w > 300 {
            problems.push(
                Diagnostic::error(t.path, "batching window out of range")
                    .property("MaximumBatchingWindowInSeconds")
                    .value(format!("{w} seconds"))
                    .allowed("0 to 300 seconds"),
            );
        }
    }
    if !fifo && s.batch_size > 10 && window.unwrap_or(0) < 1 {
        problems.push(
            Diagnostic::error(t.path, "a batch size above 10 needs a batching window of at least 1 second")
                .property("MaximumBatchingWindowInSeconds")
                .value(format!("batch size {}", s.batch_size))
                .allowed("call .max_batching_window(Duration::seconds(1..=300)), or a batch size of at most 10"),
        );
    }
    if let Some(c) = s.max_concurrency {
        if !(2..=1000).contains(&c) {
            problems.push(
                Diagnostic::error(t.path, "maximum concurrency out of range")
                    .property("ScalingConfig.MaximumConcurrency")
                    .value(c.to_string())
                    .allowed("2 to 1000"),
            );
        } else if let Some(r) = t.reserved_concurrency.filter(|&r| r < c) {
            problems.push(
                Diagnostic::warning(
                    t.path,
                    format!(
                        "the source may start {c} concurrent invocations but the function reserves only {r}: \
                         the rest are throttled and their messages return to the queue"
                    ),
                )
                .property("ScalingConfig.MaximumConcurrency")
                .allowed("a maximum concurrency at most the reserved concurrency"),
            );
        }
    }
    // AWS rejects a mapping whose queue hides messages for less time than the
    // function may run; it recommends six times the timeout plus the window.
    // The queue's handle carries its visibility timeout, wherever the queue lives.
    {
        let v = queue.visibility_timeout_seconds();
        let timeout = t.timeout.to_seconds();
        let recommended = timeout.saturating_mul(6).saturating_add(window.unwrap_or(0));
        if v < timeout {
            problems.push(
                Diagnostic::error(
                    t.path,
                    "the queue's visibility timeout is shorter than the function's timeout: AWS rejects the mapping",
                )
                .property("Timeout")
                .value(format!("function timeout {timeout} seconds, queue visibility timeout {v} seconds"))
                .allowed(format!(
                    "a queue visibility timeout of at least {timeout} seconds ({recommended} recommended)"
                )),
            );
        } else if v < recommended {
            problems.push(
                Diagnostic::warning(
                    t.path,
                    format!(
                        "the queue's visibility timeout ({v} seconds) is under AWS's recommendation of six times \
                         the function timeout plus the batching window ({recommended} seconds): messages may be \
                         received twice while throttled invocations retry"
                    ),
                )
                .property("Timeout"),
            );
        }
    }
    // A value already reported is left out, so the schema check does not report it twice.
    let invalid =
        |prop: &str| problems.iter().any(|d| d.severity == Severity::Error && d.property.as_deref() == Some(prop));
    let (bad_batch, bad_window, bad_concurrency) =
        (invalid("BatchSize"), invalid("MaximumBatchingWindowInSeconds"), invalid("ScalingConfig.MaximumConcurrency"));
    for p in problems {
        stack.report(p);
    }

    let source = source_id(stack, t.scope, queue.handle().id());
    queue.grant_consume_messages(stack, &t.function);
    let mut m = l1::EventSourceMapping::new(Value::from(t.function.name())).event_source_arn(Value::from(queue.arn()));
    if !bad_batch {
        m = m.batch_size(i64::from(s.batch_size));
    }
    if let Some(w) = window.filter(|_| !bad_window) {
        m = m.maximum_batching_window_in_seconds(w as i64);
    }
    if s.report_failures {
        m = m.function_response_types(vec![Value::Lit("ReportBatchItemFailures".to_string())]);
    }
    if let Some(c) = s.max_concurrency.filter(|_| !bad_concurrency) {
        m = m.scaling_config(l1::ScalingConfig::new().maximum_concurrency(i64::from(c)));
    }
    stack.within(t.scope, |st| st.add(&source, m));
}
