//! The per-app registry: what constructs record about their resources
//! (facts) and where every resource sits, shared by every stack of one
//! [`App`](crate::tree::App).
//!
//! Why: a grant, event source, subscription or alarm action needs facts of
//! the resource it wires to (its customer managed key, its stream, its
//! visibility timeout...). Reading them back out of the generated L1 struct
//! only works in the stack that holds it, so a wiring across stacks silently
//! lost them. Facts recorded here are found from any stack of the same app,
//! and a handle of another app is recognised by its app id.
//!
//! Facts are typed: a construct records a value of its own type
//! ([`Stack::record_fact`](crate::tree::Stack::record_fact)) and reads it
//! back by type ([`Stack::fact`](crate::tree::Stack::fact)); nothing is
//! looked up by construct-id string.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt;
use std::rc::{Rc, Weak};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::token::Token;

/// Where a resource sits: its app, stack and index (the parts of a
/// [`ResourceId`](crate::tree::ResourceId)).
pub(crate) type Key = (u32, u32);

/// Facts and construct paths of one app's resources.
#[derive(Default)]
pub(crate) struct Registry {
    /// Construct path of every resource.
    paths: HashMap<Key, String>,
    /// Stack name and region of every stack, by stack index.
    stacks: Vec<String>,
    /// Typed facts, one value per resource and type.
    facts: HashMap<(Key, TypeId), Box<dyn Any>>,
    /// Items to append to list properties at synthesis: resource, dotted path, item.
    appends: Vec<(Key, String, Token)>,
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("resources", &self.paths.len())
            .field("stacks", &self.stacks)
            .field("facts", &self.facts.len())
            .field("appends", &self.appends.len())
            .finish()
    }
}

/// The registry as stacks hold it.
pub(crate) type Shared = Rc<RefCell<Registry>>;

static NEXT_APP: AtomicU32 = AtomicU32::new(1);

thread_local! {
    /// Every live app of this thread, to name another app's construct path
    /// in an error.
    static APPS: RefCell<HashMap<u32, Weak<RefCell<Registry>>>> = RefCell::new(HashMap::new());
}

/// A fresh app id and its registry.
pub(crate) fn new_app() -> (u32, Shared) {
    let id = NEXT_APP.fetch_add(1, Ordering::Relaxed);
    let reg: Shared = Rc::new(RefCell::new(Registry::default()));
    APPS.with(|a| {
        let mut a = a.borrow_mut();
        a.retain(|_, w| w.strong_count() > 0);
        a.insert(id, Rc::downgrade(&reg));
    });
    (id, reg)
}

/// The construct path of a resource of any live app of this thread.
pub(crate) fn path_in_app(app: u32, key: Key) -> Option<String> {
    APPS.with(|a| a.borrow().get(&app).and_then(Weak::upgrade)).and_then(|r| r.borrow().path(key))
}

impl Registry {
    pub(crate) fn add_stack(&mut self, name: &str) {
        self.stacks.push(name.to_string());
    }

    pub(crate) fn add_resource(&mut self, key: Key, path: String) {
        self.paths.insert(key, path);
    }

    pub(crate) fn path(&self, key: Key) -> Option<String> {
        self.paths.get(&key).cloned()
    }

    pub(crate) fn stack_name(&self, stack: u32) -> Option<&str> {
        self.stacks.get(stack as usize).map(String::as_str)
    }

    pub(crate) fn record<F: Any + Clone>(&mut self, key: Key, fact: F) {
        self.facts.insert((key, TypeId::of::<F>()), Box::new(fact));
    }

    pub(crate) fn append(&mut self, key: Key, path: &str, item: Token) {
        if !self.appends.iter().any(|(k, p, t)| *k == key && p == path && *t == item) {
            self.appends.push((key, path.to_string(), item));
        }
    }

    /// The appends to resource `key`, in the order they were asked for.
    pub(crate) fn appends_to(&self, key: Key) -> Vec<(String, Token)> {
        self.appends.iter().filter(|(k, ..)| *k == key).map(|(_, p, t)| (p.clone(), t.clone())).collect()
    }

    pub(crate) fn fact<F: Any + Clone>(&self, key: Key) -> Option<F> {
        self.facts.get(&(key, TypeId::of::<F>())).and_then(|b| b.downcast_ref::<F>()).cloned()
    }
}
