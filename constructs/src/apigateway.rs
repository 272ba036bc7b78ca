//! apigateway constructs (in progress).
