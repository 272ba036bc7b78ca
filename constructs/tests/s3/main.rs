//! `s3::Bucket`: defaults, KMS enforcement, grants, event notifications
//! (with the permissions and ordering they need), and every validation error.

mod defaults;
mod encryption;
mod grants;
mod helpers;
mod names;
mod notifications;
