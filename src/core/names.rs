//! The strings by which the values of the core's enums reach JavaScript (event types, reasons,
//! sources, error names): one table per enum, written with `named!`, which gives both the name
//! of each value and the list of all values. The name lookup is an exhaustive `match`, so a new
//! variant does not compile until it has a name, and the list is built from the same rows, so it
//! cannot miss one.

/// An enum whose values have fixed names in JavaScript.
pub trait Named: Sized + Copy + PartialEq + 'static {
    /// Every value, in the order of its table.
    const ALL: &'static [Self];

    /// The name JavaScript sees.
    fn name(self) -> &'static str;

    /// The value called `name`, if any.
    fn parse(name: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|value| value.name() == name)
    }
}

/// `named!(Type { Variant => "name", … })` implements [`Named`] for `Type`, and `Serialize` as its
/// name.
macro_rules! named {
    ($ty:ident { $($variant:ident => $name:expr,)+ }) => {
        impl $crate::core::names::Named for $ty {
            const ALL: &'static [Self] = &[$(Self::$variant),+];

            fn name(self) -> &'static str {
                match self {
                    $(Self::$variant => $name,)+
                }
            }
        }

        impl serde::Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str($crate::core::names::Named::name(*self))
            }
        }
    };
}
pub(crate) use named;

#[cfg(test)]
mod tests {
    use super::Named;
    use crate::core::errors::ErrorClass;
    use crate::core::events::{EventKind, Operation};
    use crate::core::machine::{EndReason, FailureKind, ReplayReason, TokenSource, Trigger};

    /// Every name of `T`: distinct, non-empty, and parsed back to its value.
    fn check<T: Named + core::fmt::Debug>() -> usize {
        for (i, value) in T::ALL.iter().enumerate() {
            let name = value.name();
            assert!(!name.is_empty(), "{value:?} has an empty name");
            assert_eq!(T::parse(name), Some(*value), "{name}");
            assert!(T::ALL[..i].iter().all(|other| other.name() != name), "{name} is used twice");
        }
        assert_eq!(T::parse("nothing-is-called-this"), None);
        T::ALL.len()
    }

    #[test]
    fn every_table_names_each_value_once() {
        let counts = [
            ("event types", check::<EventKind>(), 9),
            ("triggers", check::<Trigger>(), 4),
            ("failure reasons", check::<FailureKind>(), 8),
            ("session-end reasons", check::<EndReason>(), 6),
            ("replay reasons", check::<ReplayReason>(), 2),
            ("token sources", check::<TokenSource>(), 5),
            ("storage operations", check::<Operation>(), 3),
            ("error classes", check::<ErrorClass>(), 3),
            ("cross-tab-off reasons", check::<crate::core::tabs::CrossTabOff>(), 5),
            ("cross-tab messages", check::<crate::core::tabs::Message>(), 2),
        ];
        for (what, count, expected) in counts {
            assert_eq!(count, expected, "{what}");
        }
    }

    #[test]
    fn names_serialize_as_strings() {
        let cases = [
            (serde_json::to_value(Trigger::Proactive), "proactive"),
            (serde_json::to_value(FailureKind::NoRefreshToken), "no-refresh-token"),
            (serde_json::to_value(EventKind::StorageFallback), "storage-fallback"),
            (serde_json::to_value(ErrorClass::Refresh), "RefreshError"),
        ];
        for (value, name) in cases {
            assert_eq!(value.expect("serializes"), serde_json::Value::from(name));
        }
    }
}
