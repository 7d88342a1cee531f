//! The one table of key bindings. It dispatches keys, and the footer hints and the help overlay
//! are drawn from it, so the hints can never lie.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Where a key is pressed. Popups come first, then the screen, then global keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// Everywhere a text field does not have the focus.
    Global,
    Start,
    List,
    Search,
    Participant,
    Form,
    /// A long text in a form has the focus (before [`Context::Form`]: Enter starts a new line).
    LongText,
    Confirm,
    DraftOffer,
    Help,
    /// The participant screen's Positive Health tab.
    HealthTab,
    /// The participant screen's goals tab.
    GoalsTab,
    /// The guided Positive Health conversation.
    Assessment,
    /// The participant screen's modules tab.
    ModulesTab,
    /// The module catalogue.
    Catalogue,
    /// One module's page.
    Module,
    Week,
    Roster,
    /// Choosing a module to enrol in (a query field has the focus).
    Enrol,
    /// The participant screen's privacy tab (consent and access log).
    PrivacyTab,
    /// The participant screen's signals tab (signals and referrals).
    SignalsTab,
    /// The participant screen's contacts tab (appointments and the contact log).
    ContactsTab,
    /// Closed trajectories past the retention period.
    Retention,
    /// Confirming an erasure by typing the participant number.
    Erase,
    /// A question answered with a typed reason (a correction, a withdrawal).
    Reason,
    /// The screen is locked: the passphrase is typed.
    Locked,
    /// The period reports.
    Reports,
    /// The conflicts to review after a sync.
    Conflicts,
    /// One module's page with the cursor on its sessions (before [`Context::Module`]).
    ModuleSessions,
    /// One module's page with the cursor on its waitlist (before [`Context::Module`]).
    Waitlist,
}

/// What a key asks for, with its arguments (a score, a step number, a direction): resolved once,
/// from the key that matched, so no screen reads key codes for a bound action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Quit,
    Help,
    NewIntake,
    OpenSearch,
    OpenList,
    Up,
    Down,
    PageUp,
    PageDown,
    First,
    Last,
    Open,
    Back,
    Edit,
    NextTab,
    PrevTab,
    NextField,
    PrevField,
    Save,
    ChoiceNext,
    ChoicePrev,
    /// A line break in a long text.
    NewLine,
    ToggleClosed,
    Yes,
    No,
    Discard,
    Later,
    NewAssessment,
    NewGoal,
    MarkCompare,
    WriteChart,
    /// Withdraws the chosen conversation (saved by mistake), or takes its withdrawal back.
    WithdrawAssessment,
    /// Ticks step `n` (1-based) of the selected goal off or on.
    ToggleStep(u8),
    MakeGoal,
    Talk,
    Remark,
    /// A score one step down (-1) or up (+1).
    Adjust(i8),
    /// A digit typed as a score.
    Score(u8),
    Skip,
    OpenModules,
    OpenWeek,
    NewModule,
    AddClosure,
    CancelSession,
    PrevWeek,
    NextWeek,
    Today,
    MarkPresent,
    MarkAbsent,
    MarkExcused,
    /// Opens the participant a question is about instead (a duplicate at intake).
    OpenExisting,
    /// Takes a roster mark away again.
    ClearMark,
    Enrol,
    StopEnrolment,
    LogContact,
    PlanAppointment,
    Advance,
    Extend,
    CloseTrajectory,
    Reopen,
    WriteAdvice,
    NewSignal,
    NewReferral,
    ToggleTeam,
    /// The list's filters: the next status, municipality or neighbourhood; all filters off.
    CycleStatus,
    /// Cancel the chosen appointment, or withdraw the chosen contact.
    CancelOrWithdraw,
    /// The participant did not come to the chosen appointment.
    NoShow,
    CycleMunicipality,
    CycleNeighbourhood,
    ClearFilters,
    OpenRetention,
    ToggleConsent,
    Erase,
    OpenReports,
    PrevPeriod,
    NextPeriod,
    PeriodKind,
    WriteReport,
    OpenConflicts,
    /// Puts the other side's value of a conflict in place.
    TakeOther,
    /// Keeps the value the merge chose for a conflict.
    KeepValue,
}

/// A key as the table names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Key {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

const fn k(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::NONE }
}
const fn code(code: KeyCode) -> Key {
    Key { code, mods: KeyModifiers::NONE }
}
const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), mods: KeyModifiers::CONTROL }
}

impl Key {
    /// How the key is written in hints: `Ctrl+S`, `Tab`, `↑`, `n`, `Spatie` (the space bar named
    /// as the coach's keyboard and language name it).
    pub fn label(&self, strings: &crate::i18n::Strings) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => strings.get("key_name.space").to_string(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Enter => "Enter".into(),
            KeyCode::Esc => "Esc".into(),
            KeyCode::Tab => "Tab".into(),
            KeyCode::BackTab => "Shift+Tab".into(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::Home => "Home".into(),
            KeyCode::End => "End".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        };
        if self.mods.contains(KeyModifiers::CONTROL) { format!("Ctrl+{}", base.to_uppercase()) } else { base }
    }

    fn matches(&self, ev: &KeyEvent) -> bool {
        let mods = ev.modifiers & (KeyModifiers::CONTROL | KeyModifiers::ALT);
        match (self.code, ev.code) {
            // Letters match whatever the terminal reports for Shift.
            (KeyCode::Char(a), KeyCode::Char(b)) => a == b && mods == self.mods,
            (KeyCode::BackTab, KeyCode::BackTab) => true,
            (a, b) => a == b && mods == self.mods,
        }
    }
}

/// One row of the table.
#[derive(Debug, Clone, Copy)]
pub struct Binding {
    pub context: Context,
    pub keys: &'static [Key],
    pub action: Action,
    /// String-table key of the description.
    pub describe: &'static str,
    /// Shown in the footer (all rows are shown in the help overlay).
    pub hint: bool,
}

const fn b(context: Context, keys: &'static [Key], action: Action, describe: &'static str, hint: bool) -> Binding {
    Binding { context, keys, action, describe, hint }
}

/// The digit keys 0-9 (a score's argument is the digit).
const DIGITS: [Key; 10] = [k('0'), k('1'), k('2'), k('3'), k('4'), k('5'), k('6'), k('7'), k('8'), k('9')];

impl Action {
    /// The action a binding asks for when `key` matched it: an action with an argument takes it
    /// from the key (the digit of a score or a step, the direction of an arrow).
    pub fn with_key(self, key: &Key) -> Action {
        let digit = match key.code {
            KeyCode::Char(c) => c.to_digit(10).and_then(|d| u8::try_from(d).ok()),
            _ => None,
        };
        match self {
            Action::ToggleStep(_) => digit.map_or(self, Action::ToggleStep),
            Action::Score(_) => digit.map_or(self, Action::Score),
            Action::Adjust(_) => match key.code {
                KeyCode::Left => Action::Adjust(-1),
                KeyCode::Right => Action::Adjust(1),
                _ => self,
            },
            other => other,
        }
    }
}

use Action as A;
use Context as C;

/// Every binding meedoen knows, in the order hints are shown.
pub const BINDINGS: &[Binding] = &[
    // Popups
    b(C::Confirm, &[k('j'), k('y')], A::Yes, "key.yes", true),
    b(C::Confirm, &[k('n'), code(KeyCode::Esc)], A::No, "key.no", true),
    b(C::Confirm, &[k('o')], A::OpenExisting, "key.open_existing", false),
    b(C::DraftOffer, &[code(KeyCode::Enter)], A::Yes, "key.draft_continue", true),
    b(C::DraftOffer, &[k('d')], A::Discard, "key.draft_discard", true),
    b(C::DraftOffer, &[code(KeyCode::Esc)], A::Later, "key.draft_later", true),
    b(C::Help, &[code(KeyCode::Esc), k('?'), k('q')], A::Back, "key.close", true),
    // Start screen
    b(C::Start, &[k('n')], A::NewIntake, "key.new_intake", true),
    b(C::Start, &[k('/')], A::OpenSearch, "key.search", true),
    b(C::Start, &[k('l')], A::OpenList, "key.list", true),
    b(C::Start, &[k('m')], A::OpenModules, "key.modules", true),
    b(C::Start, &[k('w')], A::OpenWeek, "key.week", true),
    b(C::Start, &[k('t')], A::ToggleTeam, "key.toggle_team", false),
    b(C::Start, &[k('r')], A::OpenReports, "key.reports", true),
    b(C::Start, &[k('b')], A::OpenRetention, "key.retention", false),
    b(C::Start, &[k('c')], A::OpenConflicts, "key.conflicts", false),
    b(C::Start, &[code(KeyCode::Enter)], A::Open, "key.open", true),
    b(C::Start, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::Start, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::Start, &[code(KeyCode::PageUp)], A::PageUp, "key.page_up", false),
    b(C::Start, &[code(KeyCode::PageDown)], A::PageDown, "key.page_down", false),
    b(C::Start, &[code(KeyCode::Home)], A::First, "key.first", false),
    b(C::Start, &[code(KeyCode::End)], A::Last, "key.last", false),
    // Participant list
    b(C::List, &[k('/')], A::OpenSearch, "key.search", true),
    b(C::List, &[code(KeyCode::Enter)], A::Open, "key.open", true),
    b(C::List, &[k('n')], A::NewIntake, "key.new_intake", true),
    b(C::List, &[k('a')], A::ToggleClosed, "key.toggle_closed", false),
    b(C::List, &[k('s')], A::CycleStatus, "key.filter_status", false),
    b(C::List, &[k('t')], A::ToggleTeam, "key.toggle_team", false),
    b(C::List, &[k('m')], A::CycleMunicipality, "key.filter_municipality", false),
    b(C::List, &[k('w')], A::CycleNeighbourhood, "key.filter_neighbourhood", false),
    b(C::List, &[k('x')], A::ClearFilters, "key.clear_filters", false),
    b(C::List, &[code(KeyCode::Esc)], A::Back, "key.back", true),
    b(C::List, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::List, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::List, &[code(KeyCode::PageUp)], A::PageUp, "key.page_up", false),
    b(C::List, &[code(KeyCode::PageDown)], A::PageDown, "key.page_down", false),
    b(C::List, &[code(KeyCode::Home), k('g')], A::First, "key.first", false),
    b(C::List, &[code(KeyCode::End), k('G')], A::Last, "key.last", false),
    // Search (the query field has the focus: letters are typed, not bound)
    b(C::Search, &[code(KeyCode::Enter)], A::Open, "key.open", true),
    b(C::Search, &[code(KeyCode::Up)], A::Up, "key.up", true),
    b(C::Search, &[code(KeyCode::Down)], A::Down, "key.down", true),
    b(C::Search, &[code(KeyCode::PageUp)], A::PageUp, "key.page_up", false),
    b(C::Search, &[code(KeyCode::PageDown)], A::PageDown, "key.page_down", false),
    b(C::Search, &[code(KeyCode::Esc)], A::Back, "key.close", true),
    b(C::Search, &[code(KeyCode::F(1))], A::Help, "key.help", true),
    // Participant screen
    b(C::HealthTab, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::HealthTab, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::HealthTab, &[k(' ')], A::MarkCompare, "key.mark_compare", true),
    b(C::HealthTab, &[k('x')], A::WriteChart, "key.write_chart", true),
    b(C::HealthTab, &[code(KeyCode::Enter)], A::Open, "key.correct_assessment", true),
    b(C::HealthTab, &[k('w')], A::WithdrawAssessment, "key.withdraw_assessment", true),
    b(C::GoalsTab, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::GoalsTab, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::GoalsTab, &[code(KeyCode::Enter)], A::Open, "key.edit_goal", true),
    b(C::GoalsTab, &[k('1'), k('2'), k('3'), k('4'), k('5')], A::ToggleStep(0), "key.toggle_step", true),
    b(C::ModulesTab, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::ModulesTab, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::ModulesTab, &[k('s')], A::StopEnrolment, "key.stop_enrolment", true),
    b(C::ContactsTab, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::ContactsTab, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::ContactsTab, &[code(KeyCode::PageUp)], A::PageUp, "key.page_up", false),
    b(C::ContactsTab, &[code(KeyCode::PageDown)], A::PageDown, "key.page_down", false),
    b(C::ContactsTab, &[code(KeyCode::Home)], A::First, "key.first", false),
    b(C::ContactsTab, &[code(KeyCode::End)], A::Last, "key.last", false),
    b(C::ContactsTab, &[code(KeyCode::Enter)], A::Open, "key.correct", true),
    b(C::ContactsTab, &[k('x')], A::CancelOrWithdraw, "key.cancel_or_withdraw", true),
    b(C::ContactsTab, &[k('n')], A::NoShow, "key.no_show", true),
    b(C::SignalsTab, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::SignalsTab, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::SignalsTab, &[code(KeyCode::Enter)], A::Open, "key.edit_signal", true),
    b(C::PrivacyTab, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::PrivacyTab, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::PrivacyTab, &[k(' ')], A::ToggleConsent, "key.toggle_consent", true),
    b(C::PrivacyTab, &[k('X')], A::Erase, "key.erase", true),
    b(C::Participant, &[k('e')], A::Edit, "key.edit", true),
    b(C::Participant, &[k('h')], A::NewAssessment, "key.new_assessment", true),
    b(C::Participant, &[k('g')], A::NewGoal, "key.new_goal", true),
    b(C::Participant, &[k('m')], A::Enrol, "key.enrol", true),
    b(C::Participant, &[k('c')], A::LogContact, "key.log_contact", true),
    b(C::Participant, &[k('a')], A::PlanAppointment, "key.plan_appointment", true),
    b(C::Participant, &[k('+')], A::Advance, "key.advance", false),
    b(C::Participant, &[k('v')], A::Extend, "key.extend", false),
    b(C::Participant, &[k('b')], A::CloseTrajectory, "key.close_trajectory", false),
    b(C::Participant, &[k('o')], A::Reopen, "key.reopen", false),
    b(C::Participant, &[k('d')], A::WriteAdvice, "key.write_advice", false),
    b(C::Participant, &[k('!')], A::NewSignal, "key.new_signal", false),
    b(C::Participant, &[k('r')], A::NewReferral, "key.new_referral", false),
    b(C::Participant, &[code(KeyCode::Tab), code(KeyCode::Right)], A::NextTab, "key.next_tab", true),
    b(C::Participant, &[code(KeyCode::BackTab), code(KeyCode::Left)], A::PrevTab, "key.prev_tab", false),
    b(C::Participant, &[k('/')], A::OpenSearch, "key.search", true),
    b(C::Participant, &[code(KeyCode::Up), k('k')], A::Up, "key.scroll_up", false),
    b(C::Participant, &[code(KeyCode::Down), k('j')], A::Down, "key.scroll_down", false),
    b(C::Participant, &[code(KeyCode::PageUp)], A::PageUp, "key.page_up", false),
    b(C::Participant, &[code(KeyCode::PageDown)], A::PageDown, "key.page_down", false),
    b(C::Participant, &[code(KeyCode::Home)], A::First, "key.first", false),
    b(C::Participant, &[code(KeyCode::End)], A::Last, "key.last", false),
    b(C::Participant, &[code(KeyCode::Esc)], A::Back, "key.back", true),
    // A long text in a form (before the form's own keys, which apply there too)
    b(C::LongText, &[code(KeyCode::Enter)], A::NewLine, "key.new_line", false),
    b(C::LongText, &[code(KeyCode::Up)], A::Up, "key.line_up", false),
    b(C::LongText, &[code(KeyCode::Down)], A::Down, "key.line_down", false),
    // Forms (a text field has the focus)
    b(C::Form, &[ctrl('s')], A::Save, "key.save", true),
    b(C::Form, &[code(KeyCode::Tab), code(KeyCode::Enter), code(KeyCode::Down)], A::NextField, "key.next_field", true),
    b(C::Form, &[code(KeyCode::BackTab), code(KeyCode::Up)], A::PrevField, "key.prev_field", true),
    b(C::Form, &[code(KeyCode::PageDown)], A::PageDown, "key.page_down", false),
    b(C::Form, &[code(KeyCode::PageUp)], A::PageUp, "key.page_up", false),
    b(C::Form, &[code(KeyCode::Esc)], A::Back, "key.cancel", true),
    b(C::Form, &[code(KeyCode::F(1))], A::Help, "key.help", true),
    // Modules
    b(C::Catalogue, &[code(KeyCode::Enter)], A::Open, "key.open", true),
    b(C::Catalogue, &[k('n')], A::NewModule, "key.new_module", true),
    b(C::Catalogue, &[k('w')], A::OpenWeek, "key.week", true),
    b(C::Catalogue, &[k('k')], A::AddClosure, "key.add_closure", true),
    b(C::Catalogue, &[code(KeyCode::Up)], A::Up, "key.up", false),
    b(C::Catalogue, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::Catalogue, &[code(KeyCode::Esc)], A::Back, "key.back", true),
    // A module page: the cursor's side first (sessions or waitlist), then the page's own keys.
    b(C::ModuleSessions, &[code(KeyCode::Enter)], A::Open, "key.roster", true),
    b(C::ModuleSessions, &[k('c')], A::CancelSession, "key.cancel_session", true),
    // On the sessions `s` says where to choose someone first (not a hint there).
    b(C::ModuleSessions, &[k('s')], A::StopEnrolment, "key.off_waitlist", false),
    b(C::Waitlist, &[code(KeyCode::Enter)], A::Open, "key.open_person", true),
    b(C::Waitlist, &[k('s')], A::StopEnrolment, "key.off_waitlist", true),
    b(C::Module, &[k('e')], A::Edit, "key.edit", true),
    b(C::Module, &[code(KeyCode::Tab)], A::NextTab, "key.sessions_waitlist", true),
    b(C::Module, &[k('m')], A::Enrol, "key.enrol_someone", true),
    b(C::Module, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::Module, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::Module, &[code(KeyCode::Esc)], A::Back, "key.back", true),
    b(C::Week, &[code(KeyCode::Enter)], A::Open, "key.open", true),
    b(C::Week, &[code(KeyCode::Left)], A::PrevWeek, "key.prev_week", true),
    b(C::Week, &[code(KeyCode::Right)], A::NextWeek, "key.next_week", true),
    b(C::Week, &[k('t')], A::Today, "key.today", true),
    b(C::Week, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::Week, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::Week, &[code(KeyCode::Esc)], A::Back, "key.back", true),
    b(C::Roster, &[k('p')], A::MarkPresent, "key.present", true),
    b(C::Roster, &[k('a')], A::MarkAbsent, "key.absent", true),
    b(C::Roster, &[k('x')], A::MarkExcused, "key.excused", true),
    b(C::Roster, &[code(KeyCode::Backspace), code(KeyCode::Delete), k('-')], A::ClearMark, "key.clear_mark", true),
    b(C::Roster, &[ctrl('s')], A::Save, "key.save", true),
    b(C::Roster, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::Roster, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::Roster, &[code(KeyCode::Esc)], A::Back, "key.back", true),
    b(C::Reports, &[code(KeyCode::Left)], A::PrevPeriod, "key.prev_period", true),
    b(C::Reports, &[code(KeyCode::Right)], A::NextPeriod, "key.next_period", true),
    b(C::Reports, &[k('p')], A::PeriodKind, "key.period_kind", true),
    b(C::Reports, &[code(KeyCode::Tab)], A::NextTab, "key.figures_charts", true),
    b(C::Reports, &[k('t')], A::ToggleTeam, "key.toggle_team", true),
    b(C::Reports, &[k('x')], A::WriteReport, "key.write_report", true),
    b(C::Reports, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::Reports, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::Reports, &[code(KeyCode::PageUp)], A::PageUp, "key.page_up", false),
    b(C::Reports, &[code(KeyCode::PageDown)], A::PageDown, "key.page_down", false),
    b(C::Reports, &[code(KeyCode::Esc)], A::Back, "key.back", true),
    b(C::Retention, &[code(KeyCode::Enter)], A::Open, "key.open", true),
    b(C::Retention, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::Retention, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::Retention, &[code(KeyCode::Esc)], A::Back, "key.back", true),
    b(C::Conflicts, &[k('h')], A::KeepValue, "key.keep_value", true),
    b(C::Conflicts, &[k('a')], A::TakeOther, "key.take_other", true),
    b(C::Conflicts, &[code(KeyCode::Enter)], A::Open, "key.open", true),
    b(C::Conflicts, &[code(KeyCode::Up), k('k')], A::Up, "key.up", false),
    b(C::Conflicts, &[code(KeyCode::Down), k('j')], A::Down, "key.down", false),
    b(C::Conflicts, &[code(KeyCode::PageUp)], A::PageUp, "key.page_up", false),
    b(C::Conflicts, &[code(KeyCode::PageDown)], A::PageDown, "key.page_down", false),
    b(C::Conflicts, &[code(KeyCode::Esc)], A::Back, "key.back", true),
    b(C::Erase, &[code(KeyCode::Enter)], A::Yes, "key.erase_confirm", true),
    b(C::Erase, &[code(KeyCode::Esc)], A::No, "key.cancel", true),
    b(C::Reason, &[code(KeyCode::Enter)], A::Yes, "key.reason_confirm", true),
    b(C::Reason, &[code(KeyCode::Esc)], A::No, "key.back", true),
    b(C::Locked, &[code(KeyCode::Enter)], A::Yes, "key.unlock", true),
    b(C::Enrol, &[code(KeyCode::Enter)], A::Open, "key.enrol_here", true),
    b(C::Enrol, &[code(KeyCode::Up)], A::Up, "key.up", false),
    b(C::Enrol, &[code(KeyCode::Down)], A::Down, "key.down", false),
    b(C::Enrol, &[code(KeyCode::Esc)], A::Back, "key.cancel", true),
    b(C::Enrol, &[code(KeyCode::F(1))], A::Help, "key.help", false),
    // The Positive Health conversation (in a remark or on the summary page these keys are text)
    b(C::Assessment, &[ctrl('s')], A::Save, "key.save", true),
    b(C::Assessment, &[code(KeyCode::Enter)], A::NextField, "key.next_aspect", true),
    b(C::Assessment, &[code(KeyCode::PageDown)], A::PageDown, "key.next_page", true),
    b(C::Assessment, &[code(KeyCode::PageUp)], A::PageUp, "key.prev_page", false),
    b(C::Assessment, &[k(' ')], A::Talk, "key.talk", false),
    b(C::Assessment, &[code(KeyCode::Tab)], A::Remark, "key.remark", false),
    b(C::Assessment, &[code(KeyCode::Left), code(KeyCode::Right)], A::Adjust(0), "key.adjust", false),
    b(C::Assessment, &DIGITS, A::Score(0), "key.score", false),
    b(C::Assessment, &[code(KeyCode::Backspace), code(KeyCode::Delete)], A::Skip, "key.skip", false),
    b(C::Assessment, &[code(KeyCode::Up)], A::Up, "key.up", false),
    b(C::Assessment, &[code(KeyCode::Down)], A::Down, "key.down", false),
    b(C::Assessment, &[code(KeyCode::BackTab)], A::PrevField, "key.prev_field", false),
    b(C::Assessment, &[ctrl('g')], A::MakeGoal, "key.make_goal", false),
    b(C::Assessment, &[code(KeyCode::Esc)], A::Back, "key.cancel", true),
    b(C::Assessment, &[code(KeyCode::F(1))], A::Help, "key.help", true),
    // Global (not while typing)
    b(C::Global, &[k('?')], A::Help, "key.help", true),
    b(C::Global, &[k('q')], A::Quit, "key.quit", true),
    // F1 opens help too (where letters are typed it is the only way: see Search, Form, Enrol).
    b(C::Global, &[code(KeyCode::F(1))], A::Help, "key.help", false),
];

/// Choice fields in a form take ← → and Space; these are resolved by the form itself because
/// they depend on the kind of field that has the focus.
pub const CHOICE_BINDINGS: &[Binding] = &[
    b(C::Form, &[code(KeyCode::Right), k(' ')], A::ChoiceNext, "key.choice_next", false),
    b(C::Form, &[code(KeyCode::Left)], A::ChoicePrev, "key.choice_prev", false),
];

/// Resolves a key in the given contexts, most specific first. Global keys apply only when
/// `typing` is false (a text field would otherwise lose the letter `q`).
pub fn resolve(ev: &KeyEvent, contexts: &[Context], typing: bool) -> Option<Action> {
    for ctx in contexts {
        if let Some(action) = resolve_in(BINDINGS, ev, *ctx) {
            return Some(action);
        }
    }
    if !typing {
        return resolve_in(BINDINGS, ev, Context::Global);
    }
    None
}

/// Resolves a key against one table in one context, with the arguments the key gives.
pub fn resolve_in(table: &[Binding], ev: &KeyEvent, ctx: Context) -> Option<Action> {
    table
        .iter()
        .filter(|b| b.context == ctx)
        .find_map(|b| b.keys.iter().find(|k| k.matches(ev)).map(|k| b.action.with_key(k)))
}

/// The bindings to show for these contexts (footer: `hints_only`; help overlay: all).
pub fn bindings_for(contexts: &[Context], typing: bool, hints_only: bool) -> Vec<&'static Binding> {
    let mut out: Vec<&Binding> = Vec::new();
    let mut ctxs: Vec<Context> = contexts.to_vec();
    if !typing {
        ctxs.push(Context::Global);
    }
    for ctx in ctxs {
        for bind in BINDINGS.iter().filter(|b| b.context == ctx && (b.hint || !hints_only)) {
            // A key already taken by a more specific context is not shown twice.
            if !out.iter().any(|o| o.action == bind.action) {
                out.push(bind);
            }
        }
    }
    out
}

/// Joins the labels of a binding's keys: `Tab/Enter/↓`.
pub fn keys_label(bind: &Binding, strings: &crate::i18n::Strings) -> String {
    bind.keys.iter().map(|k| k.label(strings)).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn press(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn screen_keys_before_global_keys() {
        let n = press(KeyCode::Char('n'), KeyModifiers::NONE);
        assert_eq!(resolve(&n, &[Context::Start], false), Some(Action::NewIntake));
        let q = press(KeyCode::Char('q'), KeyModifiers::NONE);
        assert_eq!(resolve(&q, &[Context::Start], false), Some(Action::Quit));
        // While typing, q is a letter.
        assert_eq!(resolve(&q, &[Context::Form], true), None);
        assert_eq!(resolve(&q, &[Context::Search], true), None);
        // A popup answers first.
        assert_eq!(resolve(&n, &[Context::Confirm, Context::Start], false), Some(Action::No));
    }

    #[test]
    fn ctrl_s_saves_from_any_field_and_shift_letters_match() {
        let s = press(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(resolve(&s, &[Context::Form], true), Some(Action::Save));
        let plain_s = press(KeyCode::Char('s'), KeyModifiers::NONE);
        assert_eq!(resolve(&plain_s, &[Context::Form], true), None);
        let big_g = press(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(resolve(&big_g, &[Context::List], false), Some(Action::Last));
        let back = press(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(resolve(&back, &[Context::Form], true), Some(Action::PrevField));
    }

    #[test]
    fn every_binding_has_a_description_in_both_languages() {
        for lang in [crate::i18n::Lang::Nl, crate::i18n::Lang::En] {
            let s = crate::i18n::Strings::new(lang);
            for bind in BINDINGS.iter().chain(CHOICE_BINDINGS) {
                assert_ne!(s.get(bind.describe), bind.describe, "{lang:?} lacks {}", bind.describe);
            }
        }
    }

    #[test]
    fn no_key_is_bound_twice_in_one_context() {
        for (i, a) in BINDINGS.iter().enumerate() {
            for bnd in &BINDINGS[i + 1..] {
                if a.context == bnd.context {
                    for key in a.keys {
                        assert!(!bnd.keys.contains(key), "{:?} bound twice in {:?}", key, a.context);
                    }
                }
            }
        }
    }
}
