//! `meedoen export --format json`: everything as one JSON object with an array per record kind,
//! records linked by `participant_id`, dates in ISO 8601.
//!
//! The shapes below are the export format, kept apart from the stored types so that the file a
//! municipality reads stays stable when storage changes. A later record kind adds one field to
//! [`Export`].

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::Serialize;

use crate::domain::Participant;
use crate::domain::goal::Goal;
use crate::domain::participant::format_number;
use crate::store::{Store, StoreError};

mod day;
mod health;
pub mod privacy;
mod records;

pub use day::{AmendmentOut, AppointmentOut, ContactOut, FieldChangeOut};
pub use health::{AspectOut, AssessmentOut, ChangeOut, CorrectionOut, DimensionOut};
pub use records::{DraftFieldOut, DraftOut, EsfEntryOut, EsfExitOut};

/// Version of this export format.
pub const EXPORT_FORMAT: u32 = 1;

#[derive(Debug, Serialize)]
pub struct Export {
    pub format_version: u32,
    pub exported_at: String,
    pub participants: Vec<ParticipantOut>,
    pub assessments: Vec<AssessmentOut>,
    pub goals: Vec<GoalOut>,
    pub modules: Vec<ModuleOut>,
    pub sessions: Vec<SessionOut>,
    pub enrolments: Vec<EnrolmentOut>,
    pub contacts: Vec<ContactOut>,
    pub appointments: Vec<AppointmentOut>,
    pub signals: Vec<SignalOut>,
    pub referrals: Vec<PartnerReferralOut>,
    /// Every status change, the advice and the closing, per participant.
    pub trajectories: Vec<TrajectoryOut>,
    /// Who opened or changed what, per participant, oldest first.
    pub access_log: Vec<privacy::AccessOut>,
    pub consents: Vec<privacy::ConsentOut>,
    /// The anonymous traces of erased participants.
    pub erasures: Vec<privacy::ErasureOut>,
    /// Fields two coaches of the team changed apart, with both values.
    pub conflicts: Vec<privacy::ConflictOut>,
    /// Forms begun and not yet saved (kept so nothing typed is lost), about whom they are.
    pub drafts: Vec<DraftOut>,
}

#[derive(Debug, Serialize)]
pub struct SignalOut {
    pub participant_id: String,
    pub date: NaiveDate,
    pub kind: &'static str,
    pub escalated_to: String,
    pub status: &'static str,
    pub follow_up: Option<NaiveDate>,
    pub note: String,
    pub created_at: String,
}

/// A referral to a partner (the participant's own referral source is in `participants`).
#[derive(Debug, Serialize)]
pub struct PartnerReferralOut {
    pub participant_id: String,
    pub partner_kind: &'static str,
    pub partner: String,
    pub purpose: String,
    pub date: NaiveDate,
    pub status: &'static str,
    pub result: String,
    pub consent: bool,
    pub consent_date: Option<NaiveDate>,
    pub created_at: String,
    /// Each later status with its day, who recorded it and when.
    pub steps: Vec<ReferralStepOut>,
}

#[derive(Debug, Serialize)]
pub struct ReferralStepOut {
    pub from: &'static str,
    pub to: &'static str,
    pub date: NaiveDate,
    pub by: String,
    pub recorded_at: String,
}

#[derive(Debug, Serialize)]
pub struct StatusChangeOut {
    pub date: NaiveDate,
    pub from: &'static str,
    pub to: &'static str,
    pub reason: String,
    pub coach: String,
}

#[derive(Debug, Serialize)]
pub struct TrajectoryOut {
    pub participant_id: String,
    pub status_changes: Vec<StatusChangeOut>,
    pub advice: String,
    pub end_date: Option<NaiveDate>,
    pub outcome: Option<&'static str>,
    /// What ESF+ asks at exit (codes; `not_asked` until asked).
    pub esf_exit: EsfExitOut,
    pub updated_at: String,
}

#[derive(Debug, Serialize)]
pub struct ModuleOut {
    pub module_id: String,
    pub name: String,
    pub description: String,
    pub provider: String,
    pub location: String,
    pub facilitator: String,
    pub sessions_per_cycle: usize,
    pub topics: Vec<String>,
    /// ISO weekday, 1 = Monday.
    pub weekday: u32,
    pub start_time: String,
    pub duration_minutes: u16,
    pub recurrence: &'static str,
    pub first_session: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub capacity: u16,
}

#[derive(Debug, Serialize)]
pub struct SessionOut {
    pub module_id: String,
    pub date: NaiveDate,
    pub start_time: String,
    /// 1..N, `null` when the session does not take place.
    pub topic_number: Option<u8>,
    pub cancelled: bool,
    /// Holiday, closure day or cancelled, when it does not take place.
    pub reason: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AttendanceOut {
    pub date: NaiveDate,
    pub mark: &'static str,
}

#[derive(Debug, Serialize)]
pub struct EnrolmentOut {
    pub enrolment_id: String,
    pub participant_id: String,
    pub module_id: String,
    pub module: String,
    pub enrolled_on: NaiveDate,
    pub status: &'static str,
    pub attended_topics: Vec<u8>,
    pub started_on: Option<NaiveDate>,
    pub completed_on: Option<NaiveDate>,
    pub stopped_on: Option<NaiveDate>,
    pub attendance: Vec<AttendanceOut>,
    pub created_at: String,
}

#[derive(Debug, Serialize)]
pub struct StepOut {
    pub text: String,
    pub done: bool,
}

#[derive(Debug, Serialize)]
pub struct GoalOut {
    pub goal_id: String,
    pub participant_id: String,
    pub text: String,
    /// `dimension:0`..`dimension:5` (Positive Health) or a life area.
    pub area: String,
    pub steps: Vec<StepOut>,
    pub target_date: Option<NaiveDate>,
    pub status: &'static str,
    pub status_date: NaiveDate,
    pub created_at: String,
    pub updated_at: String,
}

impl From<&Goal> for GoalOut {
    fn from(g: &Goal) -> Self {
        GoalOut {
            goal_id: g.id.0.to_string(),
            participant_id: g.participant.to_string(),
            text: g.text.clone(),
            area: g.area.code(),
            steps: g.steps.iter().map(|s| StepOut { text: s.text.clone(), done: s.done }).collect(),
            target_date: g.target,
            status: g.status.code(),
            status_date: g.status_date,
            created_at: moment(g.created_at),
            updated_at: moment(g.updated_at),
        }
    }
}

#[derive(Debug, Serialize)]
pub struct ParticipantOut {
    pub participant_id: String,
    pub number: String,
    pub given_names: String,
    pub prefix: String,
    pub family_name: String,
    pub date_of_birth: Option<NaiveDate>,
    pub gender: &'static str,
    pub phone: String,
    pub email: String,
    pub address: AddressOut,
    pub neighbourhood: String,
    pub municipality: String,
    pub referral: ReferralOut,
    pub coach: String,
    pub status: &'static str,
    pub start_date: Option<NaiveDate>,
    pub planned_end_date: Option<NaiveDate>,
    pub language_needs: String,
    pub interpreter: bool,
    pub notes: String,
    pub created_at: String,
    pub updated_at: String,
    /// What ESF+ asks at entry (codes; `not_asked` until asked).
    pub esf_entry: EsfEntryOut,
}

#[derive(Debug, Serialize)]
pub struct AddressOut {
    pub street: String,
    pub house_number: String,
    pub postcode: Option<String>,
    pub place: String,
}

#[derive(Debug, Serialize)]
pub struct ReferralOut {
    pub source: String,
    pub date: Option<NaiveDate>,
}

pub(crate) fn moment(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

impl From<&Participant> for ParticipantOut {
    fn from(p: &Participant) -> Self {
        ParticipantOut {
            participant_id: p.id.to_string(),
            number: format_number(p.number),
            given_names: p.given_names.clone(),
            prefix: p.prefix.clone(),
            family_name: p.family_name.clone(),
            date_of_birth: p.date_of_birth,
            gender: p.gender.code(),
            phone: crate::domain::validate::shown_phone(&p.phone),
            email: p.email.clone(),
            address: AddressOut {
                street: p.address.street.clone(),
                house_number: p.address.house_number.clone(),
                postcode: p.address.postcode.as_ref().map(|c| c.to_string()),
                place: p.address.place.clone(),
            },
            neighbourhood: p.neighbourhood.clone(),
            municipality: p.municipality.clone(),
            referral: ReferralOut { source: p.referral.source.clone(), date: p.referral.date },
            coach: p.coach.clone(),
            status: p.status.code(),
            start_date: p.start_date,
            planned_end_date: p.planned_end_date,
            language_needs: p.language_needs.clone(),
            interpreter: p.interpreter,
            notes: p.notes.clone(),
            created_at: moment(p.created_at),
            updated_at: moment(p.updated_at),
            esf_entry: EsfEntryOut::from(&p.esf_entry),
        }
    }
}

/// The module arrays of the export.
type ModuleRecords = (Vec<ModuleOut>, Vec<SessionOut>, Vec<EnrolmentOut>);

/// Sessions are exported up to this many days ahead.
const SESSIONS_AHEAD: i64 = 90;

fn module_records(store: &Store, today: NaiveDate) -> Result<ModuleRecords, StoreError> {
    use crate::domain::module::{Skip, sessions, simulate};
    let modules = store.modules()?;
    let mut closures = store.closures()?;
    closures.sort_by_key(|c| c.date);
    let enrolments = store.enrolments()?;
    let attendance = store.attendance()?;
    let until = today + chrono::Duration::days(SESSIONS_AHEAD);
    let time = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
    let mut mods = Vec::new();
    let mut sess = Vec::new();
    let mut enrs = Vec::new();
    for m in &modules {
        mods.push(ModuleOut {
            module_id: m.id.0.to_string(),
            name: m.name.clone(),
            description: m.description.clone(),
            provider: m.provider.clone(),
            location: m.location.clone(),
            facilitator: m.facilitator.clone(),
            sessions_per_cycle: m.cycle(),
            topics: m.topics.clone(),
            weekday: m.weekday().number_from_monday(),
            start_time: time(m.start_minute),
            duration_minutes: m.duration_minutes,
            recurrence: m.recurrence.code(),
            first_session: m.first,
            end_date: m.end,
            capacity: m.capacity,
        });
        for x in sessions(m, &closures, until) {
            sess.push(SessionOut {
                module_id: m.id.0.to_string(),
                date: x.date,
                start_time: time(m.start_minute),
                topic_number: x.topic,
                cancelled: x.topic.is_none(),
                reason: x.skip.map(|k| match k {
                    Skip::Holiday(h) => h.to_string(),
                    Skip::Closed(r) => r,
                    Skip::Cancelled => "cancelled".to_string(),
                }),
            });
        }
        let sched = simulate(m, &closures, &enrolments, &attendance, today, until);
        for e in enrolments.iter().filter(|e| e.module == m.id) {
            let Some(p) = sched.progress.get(&e.id) else {
                continue;
            };
            let mut marks: Vec<AttendanceOut> = attendance
                .iter()
                .filter(|a| a.module == m.id)
                .filter_map(|a| {
                    a.marks
                        .iter()
                        .find(|(who, _)| *who == e.participant)
                        .map(|(_, mk)| AttendanceOut { date: a.date, mark: mk.code() })
                })
                .collect();
            marks.sort_by_key(|a| a.date);
            enrs.push(EnrolmentOut {
                enrolment_id: e.id.0.to_string(),
                participant_id: e.participant.to_string(),
                module_id: m.id.0.to_string(),
                module: m.name.clone(),
                enrolled_on: e.enrolled_on,
                status: p.status.code(),
                attended_topics: p.attended.clone(),
                started_on: p.started.filter(|d| *d <= today),
                completed_on: p.completed,
                stopped_on: e.stopped_on,
                attendance: marks,
                created_at: moment(e.created_at),
            });
        }
    }
    enrs.sort_by(|a, b| (&a.participant_id, a.enrolled_on).cmp(&(&b.participant_id, b.enrolled_on)));
    Ok((mods, sess, enrs))
}

/// Builds the export of everything in `store`, participants in number order.
pub fn build(store: &Store, now: DateTime<Utc>) -> Result<Export, StoreError> {
    let (modules, sessions, enrolments) = module_records(store, now.date_naive())?;
    let (access_log, consents, erasures) = privacy::privacy_records(store)?;
    let mut people = store.participants()?;
    people.sort_by_key(|p| p.number);
    Ok(Export {
        format_version: EXPORT_FORMAT,
        exported_at: moment(now),
        participants: people.iter().map(ParticipantOut::from).collect(),
        assessments: {
            let mut a = store.all_assessments()?;
            a.sort_by_key(|x| (x.participant, x.date));
            a.iter().map(AssessmentOut::from).collect()
        },
        goals: {
            let mut g = store.all_goals()?;
            g.sort_by_key(|x| (x.participant, x.created_at));
            g.iter().map(GoalOut::from).collect()
        },
        modules,
        sessions,
        enrolments,
        contacts: store.contacts()?.iter().map(ContactOut::from).collect(),
        appointments: store.appointments()?.iter().map(AppointmentOut::from).collect(),
        signals: store
            .signals()?
            .iter()
            .map(|x| SignalOut {
                participant_id: x.participant.to_string(),
                date: x.date,
                kind: x.kind.code(),
                escalated_to: x.escalated_to.clone(),
                status: x.status.code(),
                follow_up: x.follow_up,
                note: x.note.clone(),
                created_at: moment(x.created_at),
            })
            .collect(),
        referrals: store
            .partner_referrals()?
            .iter()
            .map(|r| PartnerReferralOut {
                participant_id: r.participant.to_string(),
                partner_kind: r.partner_kind.code(),
                partner: r.partner.clone(),
                purpose: r.purpose.clone(),
                date: r.date,
                status: r.status.code(),
                result: r.result.clone(),
                consent: r.consent,
                consent_date: r.consent_date,
                created_at: moment(r.created_at),
                steps: r
                    .steps
                    .iter()
                    .map(|x| ReferralStepOut {
                        from: x.from.code(),
                        to: x.to.code(),
                        date: x.date,
                        by: x.by.clone(),
                        recorded_at: moment(x.recorded_at),
                    })
                    .collect(),
            })
            .collect(),
        trajectories: store
            .trajectories()?
            .iter()
            .map(|t| TrajectoryOut {
                participant_id: t.participant.to_string(),
                status_changes: t
                    .history
                    .iter()
                    .map(|c| StatusChangeOut {
                        date: c.date,
                        from: c.from.code(),
                        to: c.to.code(),
                        reason: c.reason.clone(),
                        coach: c.coach.clone(),
                    })
                    .collect(),
                advice: t.closing.as_ref().map_or_else(|| t.advice.clone(), |c| c.advice.clone()),
                end_date: t.closing.as_ref().map(|c| c.end_date),
                outcome: t.closing.as_ref().map(|c| c.outcome.code()),
                esf_exit: EsfExitOut::from(&t.esf_exit),
                updated_at: moment(t.updated_at),
            })
            .collect(),
        access_log,
        consents,
        erasures,
        conflicts: privacy::conflict_records(store)?,
        drafts: records::drafts(store)?,
    })
}

/// Writes the export as pretty JSON.
///
/// Every participant in it gets a "included in an export of the whole caseload" entry in their
/// access log (by `coach`), written before the export is handed out.
pub fn write_json(store: &Store, coach: &str, out: &mut Vec<u8>) -> Result<(), StoreError> {
    let now = Utc::now();
    let export = build(store, now)?;
    let entries: Vec<crate::domain::privacy::AccessEntry> = export
        .participants
        .iter()
        .filter_map(|p| uuid::Uuid::parse_str(&p.participant_id).ok())
        .map(|id| crate::domain::privacy::AccessEntry {
            participant: crate::domain::ParticipantId(id),
            at: now,
            coach: coach.to_string(),
            action: crate::domain::privacy::AccessAction::CaseloadExported,
        })
        .collect();
    store.log_access_many(&entries)?;
    serde_json::to_writer_pretty(&mut *out, &export)
        .map_err(|e| StoreError::Backend(format!("cannot write JSON: {e}")))?;
    out.push(b'\n');
    Ok(())
}

#[cfg(test)]
mod tests;
