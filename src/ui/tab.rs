//! The tabs of the participant screen, as plain data: an effect names the tab to open
//! without knowing the screen, and the screens that link to a tab need only this.

/// The tabs of the participant screen. Later issues fill the ones after the profile.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Profile,
    PositiveHealth,
    Goals,
    Contacts,
    Modules,
    Signals,
    Privacy,
}

impl Tab {
    pub const ALL: [Tab; 7] =
        [Tab::Profile, Tab::PositiveHealth, Tab::Goals, Tab::Contacts, Tab::Modules, Tab::Signals, Tab::Privacy];
    /// The key of the tab's name in the strings.
    pub fn key(self) -> &'static str {
        match self {
            Tab::Profile => "tab.profile",
            Tab::PositiveHealth => "tab.positive_health",
            Tab::Goals => "tab.goals",
            Tab::Contacts => "tab.contacts",
            Tab::Modules => "tab.modules",
            Tab::Signals => "tab.signals",
            Tab::Privacy => "tab.privacy",
        }
    }
}
