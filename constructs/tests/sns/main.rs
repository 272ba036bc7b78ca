//! `sns::Topic` and `sns::Subscription`: defaults, settings, grants,
//! metrics, what subscriptions add for delivery, and every validation error.

mod foreign_topics;
mod helpers;
mod subscription_options;
mod subscriptions;
mod topic;
