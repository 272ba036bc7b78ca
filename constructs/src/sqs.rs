//! sqs constructs (in progress).
