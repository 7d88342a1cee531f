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
}

impl ReferralStatus {
    pub const ALL: [ReferralStatus; 5] = [
        ReferralStatus::Proposed,
        ReferralStatus::Referred,
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
}
