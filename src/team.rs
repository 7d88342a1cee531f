//! `meedoen team join`, `meedoen team invite`, `meedoen sync` and `meedoen server`: wiring
//! between the command line, the store and the sync client.

use std::path::Path;

use crate::cli::{Cli, CliError, TeamCommand, data_dir, exit};
use crate::i18n::Strings;
use crate::store::crypto::{KdfParams, Key};
use crate::store::sync::TeamLink;
use crate::store::{Store, StoreError, StoreState};
use crate::sync::client::{self, Report, SyncError};
use crate::unlock::Create;

pub fn run(cli: &Cli, strings: &Strings, command: &TeamCommand) -> Result<(), CliError> {
    match command {
        TeamCommand::Join { server, code, ca } => join(cli, strings, server, code, ca.as_deref()),
        TeamCommand::Invite { name, hours } => {
            let store = crate::unlock::open_store(&data_dir(cli)?, strings, Create::No)?;
            let link = store.team().map_err(|e| CliError::from_store(e, strings))?;
            let link = link.ok_or_else(|| sync_error(strings, SyncError::NotInTeam))?;
            let code = client::invite(&store, &link, name, *hours).map_err(|e| sync_error(strings, e))?;
            let hours = hours.to_string();
            crate::output::line(strings.fill("team.invite_made", &[("name", name), ("hours", &hours)]))?;
            crate::output::line(code)?;
            Ok(())
        }
    }
}

fn join(cli: &Cli, strings: &Strings, server: &str, code: &str, ca: Option<&Path>) -> Result<(), CliError> {
    let err = |e: StoreError| CliError::from_store(e, strings);
    let ca = match ca {
        Some(path) => Some(std::fs::read_to_string(path).map_err(|e| {
            CliError::new(
                strings.fill("team.no_ca", &[("file", &path.display().to_string()), ("why", &e.to_string())]),
                exit::USAGE,
            )
        })?),
        None => None,
    };
    if crate::protocol::parse_code(code).is_none() {
        return Err(CliError::new(strings.get("team.not_a_code"), exit::USAGE));
    }
    let dir = data_dir(cli)?;
    // A new caseload: its passphrase is asked before the code is used.
    let early = crate::unlock::ask_before_creating(&dir, strings)?;
    let locked = Store::open_locked(&dir).map_err(err)?;
    let store = match locked.state().map_err(err)? {
        StoreState::New => {
            locked.check_nothing_lost().map_err(err)?;
            let passphrase = match early {
                Some(p) => p,
                None => crate::unlock::new_passphrase(strings)?,
            };
            let device = *uuid::Uuid::new_v4().as_bytes();
            let (resp, payload) =
                client::redeem(server, ca.as_deref(), code, device).map_err(|e| join_error(strings, e))?;
            let store = match &payload {
                Some(p) => locked.init_with_master(
                    &passphrase,
                    KdfParams::STANDARD,
                    Key::from_secret(zeroize::Zeroizing::new(p.master)),
                ),
                None => locked.init(&passphrase, KdfParams::STANDARD),
            }
            .map_err(err)?;
            store.adopt_device(device).map_err(err)?;
            // Who this account is: the name its inviter gave, or (a team's first coach) the
            // coach using meedoen now.
            let coach = match &payload {
                Some(p) => p.name.clone(),
                None => crate::cli::current_coach(cli, &store),
            };
            link(&store, server, ca, &resp, payload.is_some(), coach).map_err(err)?;
            store
        }
        _ => {
            drop(locked);
            // The passphrase is kept: an invited colleague's caseload is sealed again under the
            // team's key, which this passphrase protects from then on.
            let (store, passphrase) = crate::unlock::unlock_with(strings, |p| Store::open(&dir, p))?;
            if store.team().map_err(err)?.is_some() {
                return Err(CliError::new(strings.get("team.already"), exit::USAGE));
            }
            let pending = match store.pending_join().map_err(err)? {
                // The code of a join that was cut off was used then: that join is finished.
                Some(pending) => {
                    crate::output::line(strings.get("team.join_resumed"))?;
                    pending
                }
                None => {
                    let device = store.device_id().map_err(err)?;
                    let (resp, payload) =
                        client::redeem(server, ca.as_deref(), code, device).map_err(|e| join_error(strings, e))?;
                    let Some(payload) = payload else {
                        // The team's first coach: this caseload's key becomes the team's.
                        let coach = crate::cli::current_coach(cli, &store);
                        link(&store, server, ca, &resp, false, coach).map_err(err)?;
                        crate::output::line(strings.get("team.joined"))?;
                        return finish(strings, &store, fill(strings, &store));
                    };
                    // Another team's key: the caseload is sealed again under it and uploaded
                    // whole at the first sync. Written down first, so a stop finishes later.
                    let mut link = TeamLink::joined(server, ca, &resp, false);
                    link.coach = payload.name.trim().to_string();
                    let pending = crate::store::PendingJoin { link, master: payload.master };
                    store.set_pending_join(&pending).map_err(err)?;
                    pending
                }
            };
            let (store, rekeyed) = store.take_team_key(&passphrase, &pending).map_err(err)?;
            crate::output::line(strings.get("team.joined"))?;
            let synced = finish(strings, &store, fill(strings, &store));
            renumbered(strings, &store, &rekeyed.renumbered)?;
            return synced;
        }
    };
    crate::output::line(strings.get("team.joined"))?;
    finish(strings, &store, fill(strings, &store))
}

/// The first sync of a fresh replica, saying when the people are in (the rest follows; a coach
/// who stops the join then finds them on the start screen, and meedoen fetches the rest).
fn fill(strings: &Strings, store: &Store) -> Result<Report, SyncError> {
    client::sync_telling(store, &mut |p| {
        if p.people && p.last {
            let n = store.participant_count().to_string();
            let _ = crate::output::line(strings.fill("team.people_in", &[("n", &n)]));
        }
    })
}

fn link(
    store: &Store,
    server: &str,
    ca: Option<String>,
    resp: &crate::protocol::JoinResponse,
    invited: bool,
    coach: String,
) -> Result<(), StoreError> {
    let mut link = TeamLink::joined(server, ca, resp, invited);
    link.coach = coach.trim().to_string();
    store.set_team(&link)
}

/// The numbers this caseload's people had before it joined a team, and the team's numbers
/// they have now ("volgt": at the next sync).
fn renumbered(
    strings: &Strings,
    store: &Store,
    people: &[(crate::domain::ParticipantId, u32)],
) -> Result<(), CliError> {
    if people.is_empty() {
        return Ok(());
    }
    crate::output::line(strings.fill("team.renumbered", &[("n", &people.len().to_string())]))?;
    for (id, old) in people {
        let Some(p) = store.participant(*id).map_err(|e| CliError::from_store(e, strings))? else { continue };
        let new = match p.number {
            0 => strings.get("team.number_follows").to_string(),
            n => n.to_string(),
        };
        let old = if *old == 0 { "-".to_string() } else { old.to_string() };
        crate::output::line(format!("  {old} → {new}  {}", p.listed_name()))?;
    }
    Ok(())
}

/// `meedoen sync`: also says who lost a module place to an earlier enrolment from a colleague.
pub fn sync(cli: &Cli, strings: &Strings) -> Result<(), CliError> {
    use crate::ui::modules_data::ModuleData;
    let store = crate::unlock::open_store(&data_dir(cli)?, strings, Create::No)?;
    let to_cli = |e| CliError::from_store(e, strings);
    if store.team().map_err(to_cli)?.is_none() && store.pending_join().map_err(to_cli)?.is_some() {
        return Err(CliError::new(strings.get("team.join_unfinished"), exit::USAGE));
    }
    let before = ModuleData::load(&store).map_err(to_cli)?;
    finish(strings, &store, client::sync(&store))?;
    let after = ModuleData::load(&store).map_err(to_cli)?;
    let today = chrono::Local::now().date_naive();
    for (e, m) in after.places_lost(&before, today) {
        let name = store.participant(e.participant).map_err(to_cli)?.map(|p| p.listed_name()).unwrap_or_default();
        crate::output::line(strings.fill("sync.place_lost", &[("name", &name), ("module", &m.name)]))?;
    }
    Ok(())
}

fn finish(strings: &Strings, store: &Store, result: Result<Report, SyncError>) -> Result<(), CliError> {
    let report = result.map_err(|e| sync_error(strings, e))?;
    if report.server_went_back {
        crate::output::line(strings.get("team.server_went_back"))?;
    }
    let (sent, received) = (report.accepted.to_string(), report.received.records.to_string());
    crate::output::line(strings.fill("team.synced", &[("sent", &sent), ("received", &received)]))?;
    if report.superseded > 0 {
        crate::output::line(strings.fill("team.superseded", &[("n", &report.superseded.to_string())]))?;
    }
    if report.received.erased > 0 {
        crate::output::line(strings.fill("team.erased", &[("n", &report.received.erased.to_string())]))?;
    }
    for why in report.refused.iter().chain(&report.received.problems) {
        crate::output::line(strings.fill("team.refused", &[("why", why)]))?;
    }
    let open = store.conflicts().map_err(|e| CliError::from_store(e, strings))?;
    let open = open.iter().filter(|c| c.resolved.is_none()).count();
    if open > 0 {
        crate::output::line(strings.fill("team.conflicts", &[("n", &open.to_string())]))?;
    }
    Ok(())
}

/// A join that failed before anything changed here.
fn join_error(strings: &Strings, e: SyncError) -> CliError {
    match e {
        SyncError::Unreachable(why) => {
            CliError::new(strings.fill("team.join_unreachable", &[("why", &why)]), exit::UNREACHABLE)
        }
        other => sync_error(strings, other),
    }
}

fn sync_error(strings: &Strings, e: SyncError) -> CliError {
    match e {
        SyncError::Unreachable(why) => {
            CliError::new(strings.fill("team.unreachable", &[("why", &why)]), exit::UNREACHABLE)
        }
        SyncError::Store(e) => CliError::from_store(e, strings),
        SyncError::NotInTeam => CliError::new(strings.get("team.not_in_team"), exit::USAGE),
        SyncError::Refused { status: 404, .. } => CliError::new(strings.get("team.unknown_code"), exit::ERROR),
        SyncError::Refused { status: 410, .. } => CliError::new(strings.get("team.used_code"), exit::ERROR),
        SyncError::BadAddress(why) => CliError::new(strings.fill("team.bad_address", &[("why", &why)]), exit::USAGE),
        SyncError::Insecure(why) => CliError::new(strings.fill("team.untrusted", &[("why", &why)]), exit::ERROR),
        other => CliError::new(strings.fill("team.failed", &[("why", &other.to_string())]), exit::ERROR),
    }
}
