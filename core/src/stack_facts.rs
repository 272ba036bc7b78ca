//! Typed facts a stack holds for its constructs: one value per Rust type
//! (the stack's shared log key, its shared access-log bucket), set by the
//! construct that creates the shared resource and read by the ones that
//! reuse it. A fact is found by its type, never by a construct-id string,
//! so a program cannot shadow it by naming a construct alike.

use std::any::{Any, TypeId};

use indexmap::IndexMap;

use crate::tree::Stack;

/// The facts of one stack, keyed by type.
#[derive(Default)]
pub(crate) struct StackFacts {
    values: IndexMap<TypeId, Box<dyn Any>>,
}

impl std::fmt::Debug for StackFacts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StackFacts({} values)", self.values.len())
    }
}

impl Stack {
    /// The stack's fact of type `T`, if one was set.
    ///
    /// ```
    /// use cfnkit_core::tree::App;
    /// #[derive(Clone, Copy, Debug, PartialEq)]
    /// struct SharedThing(u32);
    /// let mut app = App::new();
    /// let stack = app.stack("demo");
    /// assert_eq!(stack.stack_fact::<SharedThing>(), None);
    /// stack.set_stack_fact(SharedThing(7));
    /// assert_eq!(stack.stack_fact::<SharedThing>(), Some(SharedThing(7)));
    /// ```
    pub fn stack_fact<T: Any + Clone>(&self) -> Option<T> {
        self.facts.values.get(&TypeId::of::<T>()).and_then(|v| v.downcast_ref::<T>()).cloned()
    }

    /// Sets the stack's fact of type `T`, replacing any earlier one.
    pub fn set_stack_fact<T: Any + Clone>(&mut self, value: T) -> &mut Self {
        self.facts.values.insert(TypeId::of::<T>(), Box::new(value));
        self
    }
}
