//! Which form is being filled in and what it edits: a type, not a string. A draft stores it, so
//! resuming and saving a draft is one exhaustive match; a new form is a new variant, and every
//! place that must know it fails to compile until it does. Ids only, no personal data.

use serde::{Deserialize, Serialize};

use super::ParticipantId;
use super::contact::RecordId;
use super::goal::GoalId;
use super::module::ModuleId;
use super::privacy::ConsentScope;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum FormKind {
    /// A new participant.
    Intake,
    /// A participant's own details.
    EditParticipant(ParticipantId),
    /// A contact made or tried (with the next appointment).
    Contact(ParticipantId),
    Appointment(ParticipantId),
    /// Trajectory steps.
    Extend(ParticipantId),
    Reopen(ParticipantId),
    Advice(ParticipantId),
    Close(ParticipantId),
    /// A new signal, or a change to the signal `signal`.
    Signal {
        participant: ParticipantId,
        signal: Option<RecordId>,
    },
    /// A referral to a partner.
    Referral(ParticipantId),
    /// A new goal, or a change to the goal `goal`.
    Goal {
        participant: ParticipantId,
        goal: Option<GoalId>,
    },
    /// A new module, or a change to one.
    Module(Option<ModuleId>),
    /// Closure days (no module sessions).
    Closure,
    // Added later: stored by their place in this list, so new ones go at the end.
    /// A planned appointment moved to another day, time or place.
    MoveAppointment {
        participant: ParticipantId,
        appointment: RecordId,
    },
    /// A planned appointment called off, with the reason.
    CancelAppointment {
        participant: ParticipantId,
        appointment: RecordId,
    },
    /// A logged contact put right (the old values are kept).
    CorrectContact {
        participant: ParticipantId,
        contact: RecordId,
    },
    /// A logged contact taken back (recorded by mistake), with the reason.
    WithdrawContact {
        participant: ParticipantId,
        contact: RecordId,
    },
    /// A referral's status and result brought up to date.
    UpdateReferral {
        participant: ParticipantId,
        referral: RecordId,
    },
    /// A consent given or withdrawn, on the day typed.
    Consent {
        participant: ParticipantId,
        scope: ConsentScope,
    },
}

impl FormKind {
    /// The participant the form is about: its draft is sealed under that person's key and
    /// erased with them.
    pub fn participant(self) -> Option<ParticipantId> {
        match self {
            FormKind::Intake | FormKind::Module(_) | FormKind::Closure => None,
            FormKind::EditParticipant(p)
            | FormKind::Contact(p)
            | FormKind::Appointment(p)
            | FormKind::Extend(p)
            | FormKind::Reopen(p)
            | FormKind::Advice(p)
            | FormKind::Close(p)
            | FormKind::Referral(p)
            | FormKind::Signal { participant: p, .. }
            | FormKind::Goal { participant: p, .. }
            | FormKind::MoveAppointment { participant: p, .. }
            | FormKind::CancelAppointment { participant: p, .. }
            | FormKind::CorrectContact { participant: p, .. }
            | FormKind::WithdrawContact { participant: p, .. }
            | FormKind::UpdateReferral { participant: p, .. }
            | FormKind::Consent { participant: p, .. } => Some(p),
        }
    }

    /// A short stable name: the first part of the draft key and the access log's "recorded" entry.
    pub fn code(self) -> &'static str {
        match self {
            FormKind::Intake => "intake",
            FormKind::EditParticipant(_) => "participant",
            FormKind::Contact(_) => "contact",
            FormKind::Appointment(_) => "appointment",
            FormKind::Extend(_) => "extend",
            FormKind::Reopen(_) => "reopen",
            FormKind::Advice(_) => "advice",
            FormKind::Close(_) => "close",
            FormKind::Signal { .. } => "signal",
            FormKind::Referral(_) => "referral",
            FormKind::Goal { .. } => "goal",
            FormKind::Module(_) => "module",
            FormKind::Closure => "closure",
            FormKind::MoveAppointment { .. } => "appointment_moved",
            FormKind::CancelAppointment { .. } => "appointment_cancelled",
            FormKind::CorrectContact { .. } => "contact_corrected",
            FormKind::WithdrawContact { .. } => "contact_withdrawn",
            FormKind::UpdateReferral { .. } => "referral_updated",
            FormKind::Consent { .. } => "consent",
        }
    }

    /// The key the draft is kept under: one draft per form and record, ids only.
    pub fn draft_key(self) -> String {
        let code = self.code();
        match self {
            FormKind::Intake | FormKind::Closure => code.to_string(),
            FormKind::EditParticipant(p)
            | FormKind::Contact(p)
            | FormKind::Appointment(p)
            | FormKind::Extend(p)
            | FormKind::Reopen(p)
            | FormKind::Advice(p)
            | FormKind::Close(p)
            | FormKind::Referral(p)
            | FormKind::Signal { participant: p, signal: None } => format!("{code}:{}", p.0.simple()),
            FormKind::Signal { participant: p, signal: Some(s) } => format!("{code}:{}:{}", p.0.simple(), s.0.simple()),
            FormKind::Goal { participant: p, goal: None } => format!("{code}:{}:new", p.0.simple()),
            FormKind::Goal { participant: p, goal: Some(g) } => format!("{code}:{}:{}", p.0.simple(), g.0.simple()),
            FormKind::Module(None) => format!("{code}:new"),
            FormKind::Module(Some(m)) => format!("{code}:{}", m.0.simple()),
            FormKind::MoveAppointment { participant: p, appointment: r }
            | FormKind::CancelAppointment { participant: p, appointment: r }
            | FormKind::CorrectContact { participant: p, contact: r }
            | FormKind::WithdrawContact { participant: p, contact: r }
            | FormKind::UpdateReferral { participant: p, referral: r } => {
                format!("{code}:{}:{}", p.0.simple(), r.0.simple())
            }
            FormKind::Consent { participant: p, scope } => format!("{code}:{}:{}", p.0.simple(), scope.code()),
        }
    }

    /// The kind a draft of the first schema named with a string and a target's id bytes; `None`
    /// for a form this version does not know (or a known one without the target it needs).
    pub fn from_legacy(form: &str, target: Option<[u8; 16]>) -> Option<FormKind> {
        let p = target.map(ParticipantId::from_bytes);
        Some(match form {
            "intake" => FormKind::Intake,
            "participant" => FormKind::EditParticipant(p?),
            "contact" => FormKind::Contact(p?),
            "appointment" => FormKind::Appointment(p?),
            "extend" => FormKind::Extend(p?),
            "reopen" => FormKind::Reopen(p?),
            "advice" => FormKind::Advice(p?),
            "close" => FormKind::Close(p?),
            // The edited signal's or goal's id was kept only in the draft key: see `with_key`.
            "signal" => FormKind::Signal { participant: p?, signal: None },
            "referral" => FormKind::Referral(p?),
            "goal" => FormKind::Goal { participant: p?, goal: None },
            "module" => FormKind::Module(target.map(|t| ModuleId(uuid::Uuid::from_bytes(t)))),
            "closure" => FormKind::Closure,
            _ => return None,
        })
    }

    /// Completes a kind read from a first-schema draft with the record id its key carried
    /// ("signal:<participant>:<signal>", "goal:<participant>:<goal>").
    pub fn with_key(self, key: &str) -> FormKind {
        let id = || key.split(':').nth(2).and_then(|s| uuid::Uuid::parse_str(s).ok());
        match self {
            FormKind::Signal { participant, signal: None } => {
                FormKind::Signal { participant, signal: id().map(RecordId) }
            }
            FormKind::Goal { participant, goal: None } => FormKind::Goal { participant, goal: id().map(GoalId) },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_schema_strings_read_as_kinds_and_keep_their_keys() {
        let p = ParticipantId(uuid::Uuid::from_u128(7));
        let t = Some(*p.as_bytes());
        for (form, kind) in [
            ("intake", FormKind::Intake),
            ("participant", FormKind::EditParticipant(p)),
            ("contact", FormKind::Contact(p)),
            ("appointment", FormKind::Appointment(p)),
            ("extend", FormKind::Extend(p)),
            ("reopen", FormKind::Reopen(p)),
            ("advice", FormKind::Advice(p)),
            ("close", FormKind::Close(p)),
            ("signal", FormKind::Signal { participant: p, signal: None }),
            ("referral", FormKind::Referral(p)),
            ("goal", FormKind::Goal { participant: p, goal: None }),
            ("closure", FormKind::Closure),
        ] {
            let read = FormKind::from_legacy(form, if form == "intake" || form == "closure" { None } else { t });
            assert_eq!(read, Some(kind), "{form}");
            assert!(kind.draft_key().starts_with(form), "{form}");
        }
        assert_eq!(FormKind::from_legacy("module", None), Some(FormKind::Module(None)));
        assert_eq!(FormKind::Module(None).draft_key(), "module:new");
        // Unknown, or known but without the person it is about: not a kind.
        assert_eq!(FormKind::from_legacy("matrix", t), None);
        assert_eq!(FormKind::from_legacy("contact", None), None);
        // The edited signal's id comes back from the key.
        let s = uuid::Uuid::from_u128(9);
        let key = format!("signal:{}:{}", p.0.simple(), s.simple());
        let kind = FormKind::Signal { participant: p, signal: None }.with_key(&key);
        assert_eq!(kind, FormKind::Signal { participant: p, signal: Some(RecordId(s)) });
        assert_eq!(kind.draft_key(), key);
        let new_goal = format!("goal:{}:new", p.0.simple());
        assert_eq!(FormKind::Goal { participant: p, goal: None }.with_key(&new_goal).draft_key(), new_goal);
    }
}
