//! Signals the coach escalates ("opschalen") and referrals to partners.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::ParticipantId;
use super::contact::RecordId;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignalKind {
    MultipleProblems,
    UnstableHome,
    Debts,
    Safety,
    Health,
    Housing,
    Addiction,
    Other,
}

impl SignalKind {
    pub const ALL: [SignalKind; 8] = [
        SignalKind::MultipleProblems,
        SignalKind::UnstableHome,
        SignalKind::Debts,
        SignalKind::Safety,
        SignalKind::Health,
        SignalKind::Housing,
        SignalKind::Addiction,
        SignalKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            SignalKind::MultipleProblems => "multiple_problems",
            SignalKind::UnstableHome => "unstable_home",
            SignalKind::Debts => "debts",
            SignalKind::Safety => "safety",
            SignalKind::Health => "health",
            SignalKind::Housing => "housing",
            SignalKind::Addiction => "addiction",
            SignalKind::Other => "other",
        }
    }
    pub fn parse(s: &str) -> Option<SignalKind> {
        SignalKind::ALL.iter().copied().find(|k| k.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SignalStatus {
    Open,
    InProgress,
    Closed,
}

impl SignalStatus {
    pub const ALL: [SignalStatus; 3] = [SignalStatus::Open, SignalStatus::InProgress, SignalStatus::Closed];
    pub fn code(self) -> &'static str {
        match self {
            SignalStatus::Open => "open",
            SignalStatus::InProgress => "in_progress",
            SignalStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<SignalStatus> {
        SignalStatus::ALL.iter().copied().find(|k| k.code() == s)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Signal {
    pub id: RecordId,
    pub participant: ParticipantId,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub kind: SignalKind,
    /// Support team, core team or a partner.
    pub escalated_to: String,
    pub status: SignalStatus,
    #[serde(with = "super::compact::date_opt")]
    pub follow_up: Option<NaiveDate>,
    pub note: String,
    #[serde(with = "super::compact::moment")]
    pub created_at: DateTime<Utc>,
}

impl Signal {
    /// Not closed and its follow-up date has come.
    pub fn follow_up_due(&self, today: NaiveDate) -> bool {
        self.status != SignalStatus::Closed && self.follow_up.is_some_and(|f| f <= today)
    }
}

/// The kinds of partner in DOMAIN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum PartnerKind {
    ServiceDesk,
    DebtCounselling,
    GeneralPractitioner,
    LanguageClasses,
    SocialSupport,
    HealthInsuranceCare,
    Welfare,
    Library,
    Volunteering,
    LabourMarket,
    Other,
    // Added later: stored by their place in this list, so new ones go at the end.
    MentalHealth,
    AddictionCare,
    SocialWork,
    NeighbourhoodTeam,
}

impl PartnerKind {
    /// In the order the form offers them.
    pub const ALL: [PartnerKind; 15] = [
        PartnerKind::ServiceDesk,
        PartnerKind::DebtCounselling,
        PartnerKind::GeneralPractitioner,
        PartnerKind::LanguageClasses,
        PartnerKind::SocialSupport,
        PartnerKind::HealthInsuranceCare,
        PartnerKind::Welfare,
        PartnerKind::Library,
        PartnerKind::Volunteering,
        PartnerKind::LabourMarket,
        PartnerKind::MentalHealth,
        PartnerKind::AddictionCare,
        PartnerKind::SocialWork,
        PartnerKind::NeighbourhoodTeam,
        PartnerKind::Other,
    ];
    pub fn code(self) -> &'static str {
        match self {
            PartnerKind::ServiceDesk => "service_desk",
            PartnerKind::DebtCounselling => "debt_counselling",
            PartnerKind::GeneralPractitioner => "gp",
            PartnerKind::LanguageClasses => "language_classes",
            PartnerKind::SocialSupport => "social_support",
            PartnerKind::HealthInsuranceCare => "health_insurance_care",
            PartnerKind::Welfare => "welfare",
            PartnerKind::Library => "library",
            PartnerKind::Volunteering => "volunteering",
            PartnerKind::LabourMarket => "labour_market",
            PartnerKind::Other => "other",
            PartnerKind::MentalHealth => "mental_health",
            PartnerKind::AddictionCare => "addiction_care",
            PartnerKind::SocialWork => "social_work",
            PartnerKind::NeighbourhoodTeam => "neighbourhood_team",
        }
    }
    pub fn parse(s: &str) -> Option<PartnerKind> {
        PartnerKind::ALL.iter().copied().find(|k| k.code() == s)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReferralStatus {
    Proposed,
    Referred,
    Started,
    Finished,
    Declined,
    // Added later: stored by its place in this list, so it goes at the end.
    /// The partner took the referral on (before it started).
    Accepted,
}

impl ReferralStatus {
    /// In the order a referral goes through them.
    pub const ALL: [ReferralStatus; 6] = [
        ReferralStatus::Proposed,
        ReferralStatus::Referred,
        ReferralStatus::Accepted,
        ReferralStatus::Started,
        ReferralStatus::Finished,
        ReferralStatus::Declined,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ReferralStatus::Proposed => "proposed",
            ReferralStatus::Referred => "referred",
            ReferralStatus::Started => "started",
            ReferralStatus::Finished => "finished",
            ReferralStatus::Declined => "declined",
            ReferralStatus::Accepted => "accepted",
        }
    }
    pub fn parse(s: &str) -> Option<ReferralStatus> {
        ReferralStatus::ALL.iter().copied().find(|k| k.code() == s)
    }
}

/// A referral to a partner, with the participant's consent to share data with that partner.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PartnerReferral {
    pub id: RecordId,
    pub participant: ParticipantId,
    pub partner_kind: PartnerKind,
    /// The partner's name (organisation or person).
    pub partner: String,
    pub purpose: String,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub status: ReferralStatus,
    pub result: String,
    /// Consent to share data with this partner, and when it was given.
    pub consent: bool,
    #[serde(with = "super::compact::date_opt")]
    pub consent_date: Option<NaiveDate>,
    #[serde(with = "super::compact::moment")]
    pub created_at: DateTime<Utc>,
    /// Every later status with the day it happened, oldest first (the first status and its
    /// day are `date` and the status it was recorded with, kept in the first step's `from`).
    pub steps: Vec<ReferralStep>,
}

/// A referral's status changing: to what, on which day, recorded by whom and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralStep {
    pub from: ReferralStatus,
    pub to: ReferralStatus,
    #[serde(with = "super::compact::date")]
    pub date: NaiveDate,
    pub by: String,
    #[serde(with = "super::compact::moment")]
    pub recorded_at: DateTime<Utc>,
}

/// Why a referral's update is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpdateRefused {
    /// The day lies before the referral or its last step.
    BeforeLast,
    /// Neither the status nor the result changed.
    Unchanged,
}

impl PartnerReferral {
    /// The day of the last status: the referral's own date or its last step's.
    pub fn status_date(&self) -> NaiveDate {
        self.steps.last().map_or(self.date, |s| s.date)
    }

    /// Puts the referral's status and result up to date; a new status is a step with its day,
    /// the old status kept. A result alone may change without a step.
    pub fn update(
        &mut self,
        status: ReferralStatus,
        date: NaiveDate,
        result: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<(), UpdateRefused> {
        let result = result.trim();
        if status == self.status && result == self.result {
            return Err(UpdateRefused::Unchanged);
        }
        if status != self.status {
            if date < self.status_date() {
                return Err(UpdateRefused::BeforeLast);
            }
            self.steps.push(ReferralStep { from: self.status, to: status, date, by: by.to_string(), recorded_at: now });
            self.status = status;
        }
        self.result = result.to_string();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    /// Partner kinds are stored by their place in the type: the ones added later (GGZ,
    /// addiction care, social work, neighbourhood team) come after the first eleven.
    #[test]
    fn partner_kinds_added_later_keep_the_stored_place_of_the_first_ones() {
        let stored = |k: super::PartnerKind| bincode::serde::encode_to_vec(k, bincode::config::standard()).unwrap();
        assert_eq!(stored(super::PartnerKind::ServiceDesk), [0]);
        assert_eq!(stored(super::PartnerKind::Other), [10]);
        assert_eq!(stored(super::PartnerKind::MentalHealth), [11]);
        assert_eq!(stored(super::PartnerKind::NeighbourhoodTeam), [14]);
        for k in super::PartnerKind::ALL {
            assert_eq!(super::PartnerKind::parse(k.code()), Some(k));
        }
    }

    use super::*;

    #[test]
    fn follow_up_due_when_the_date_has_come_and_not_closed() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        let mut s = Signal {
            id: RecordId::new_random(),
            participant: ParticipantId::new_random(),
            date: today,
            kind: SignalKind::Debts,
            escalated_to: "Kernteam".into(),
            status: SignalStatus::Open,
            follow_up: NaiveDate::from_ymd_opt(2026, 11, 24),
            note: String::new(),
            created_at: Utc::now(),
        };
        assert!(s.follow_up_due(today));
        s.follow_up = NaiveDate::from_ymd_opt(2026, 11, 25);
        assert!(!s.follow_up_due(today));
        s.follow_up = NaiveDate::from_ymd_opt(2026, 11, 1);
        s.status = SignalStatus::Closed;
        assert!(!s.follow_up_due(today));
        for k in SignalKind::ALL {
            assert_eq!(SignalKind::parse(k.code()), Some(k));
        }
        for k in PartnerKind::ALL {
            assert_eq!(PartnerKind::parse(k.code()), Some(k));
        }
    }

    #[test]
    fn a_referral_goes_through_its_statuses_with_their_days() {
        use chrono::TimeZone;
        let day = |d: u32| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 11, 24, 9, 0, 0).unwrap();
        let mut r = PartnerReferral {
            id: RecordId::new_random(),
            participant: ParticipantId::new_random(),
            partner_kind: PartnerKind::DebtCounselling,
            partner: "Schuldhulp".into(),
            purpose: String::new(),
            date: day(2),
            status: ReferralStatus::Referred,
            result: String::new(),
            consent: true,
            consent_date: Some(day(2)),
            created_at: now,
            steps: Vec::new(),
        };
        assert_eq!(r.update(ReferralStatus::Referred, day(3), "", "Sanne", now), Err(UpdateRefused::Unchanged));
        assert_eq!(r.update(ReferralStatus::Accepted, day(1), "", "Sanne", now), Err(UpdateRefused::BeforeLast));
        r.update(ReferralStatus::Accepted, day(9), "", "Sanne", now).unwrap();
        r.update(ReferralStatus::Started, day(16), "intake gehad", "Sanne", now).unwrap();
        assert_eq!(r.status_date(), day(16));
        assert_eq!(r.update(ReferralStatus::Finished, day(10), "", "Sanne", now), Err(UpdateRefused::BeforeLast));
        // The result alone: no new step.
        r.update(ReferralStatus::Started, day(20), "loopt", "Sanne", now).unwrap();
        let steps: Vec<_> = r.steps.iter().map(|s| (s.from, s.to, s.date)).collect();
        assert_eq!(
            steps,
            [
                (ReferralStatus::Referred, ReferralStatus::Accepted, day(9)),
                (ReferralStatus::Accepted, ReferralStatus::Started, day(16))
            ]
        );
        assert_eq!(r.result, "loopt");
        // Accepted was added later: it is stored after the first five.
        assert_eq!(bincode::serde::encode_to_vec(ReferralStatus::Accepted, bincode::config::standard()).unwrap(), [5]);
    }
}
