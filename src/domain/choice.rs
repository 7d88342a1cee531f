//! The closed sets a form offers as choices, defined once by the domain enums: every value, its
//! stored code and the string-table key of its label. Forms take their options from here, and a
//! stored code turns back into the value or into an error, never into a default.

use std::borrow::Cow;

use super::contact::{Channel, Initiative, Reached};
use super::esf::{Education, LabourStatus, YesNo};
use super::goal::{Area, GoalStatus, LifeArea};
use super::module::Recurrence;
use super::participant::{Gender, Status};
use super::signal::{PartnerKind, ReferralStatus, SignalKind, SignalStatus};
use super::trajectory::ExitOutcome;

/// A value picked from a fixed list.
pub trait Choice: Copy + PartialEq + Sized + 'static {
    /// The string-table section of the labels: `channel` for `channel.home_visit`.
    const LABELS: &'static str;
    /// Every value, in the order a form offers them.
    fn all() -> &'static [Self];
    /// The stable code stored for the value (in drafts and exports).
    fn code(self) -> Cow<'static, str>;
    /// The string-table key of the value's label.
    fn label_key(self) -> String {
        format!("{}.{}", Self::LABELS, self.code())
    }
    /// The value stored as `code`, if it is one.
    fn from_code(code: &str) -> Option<Self> {
        Self::all().iter().copied().find(|v| v.code() == code)
    }
}

/// A domain enum with an `ALL` list and a `code()`.
macro_rules! choice {
    ($($t:ty => $labels:literal),+ $(,)?) => {$(
        impl Choice for $t {
            const LABELS: &'static str = $labels;
            fn all() -> &'static [Self] {
                &<$t>::ALL
            }
            fn code(self) -> Cow<'static, str> {
                Cow::Borrowed(<$t>::code(self))
            }
        }
    )+};
}

choice!(
    Channel => "channel",
    Initiative => "initiative",
    Reached => "reached",
    LifeArea => "area",
    GoalStatus => "goal_status",
    Recurrence => "recurrence",
    Gender => "gender",
    Status => "status",
    SignalKind => "signal_kind",
    SignalStatus => "signal_status",
    PartnerKind => "partner",
    ReferralStatus => "referral_status",
    ExitOutcome => "outcome",
);

impl Choice for Area {
    const LABELS: &'static str = "area";
    fn all() -> &'static [Self] {
        &Area::ALL
    }
    fn code(self) -> Cow<'static, str> {
        Cow::Owned(Area::code(self))
    }
}

/// The ESF+ answers, whose labels are keyed per question ("esf.not_asked", "esf_labour.employed").
macro_rules! esf_choice {
    ($($t:ty),+) => {$(
        impl Choice for $t {
            const LABELS: &'static str = "esf";
            fn all() -> &'static [Self] {
                <$t>::ALL
            }
            fn code(self) -> Cow<'static, str> {
                Cow::Borrowed(<$t>::code(self))
            }
            fn label_key(self) -> String {
                self.key().to_string()
            }
        }
    )+};
}

esf_choice!(LabourStatus, Education, YesNo);

/// A plain yes or no (an interpreter needed, consent given, a step done).
impl Choice for bool {
    const LABELS: &'static str = "common";
    fn all() -> &'static [Self] {
        &[false, true]
    }
    fn code(self) -> Cow<'static, str> {
        Cow::Borrowed(if self { "yes" } else { "no" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trips<T: Choice + std::fmt::Debug>() {
        for v in T::all() {
            assert_eq!(T::from_code(&v.code()), Some(*v), "{v:?}");
        }
        assert_eq!(T::from_code("no such code"), None);
    }

    #[test]
    fn every_code_reads_back_as_its_value() {
        round_trips::<Channel>();
        round_trips::<Initiative>();
        round_trips::<Reached>();
        round_trips::<LifeArea>();
        round_trips::<Area>();
        round_trips::<GoalStatus>();
        round_trips::<Recurrence>();
        round_trips::<Gender>();
        round_trips::<Status>();
        round_trips::<SignalKind>();
        round_trips::<SignalStatus>();
        round_trips::<PartnerKind>();
        round_trips::<ReferralStatus>();
        round_trips::<ExitOutcome>();
        round_trips::<LabourStatus>();
        round_trips::<Education>();
        round_trips::<YesNo>();
        round_trips::<bool>();
        assert_eq!(Area::all().len(), 6 + LifeArea::ALL.len());
    }
}
