//! Numbers on one device, and on two laptops of a team that register people offline (through
//! the fake server of `store::merge`'s tests, which checks bases as `meedoen-server` does).

use super::*;
use std::collections::HashMap;

use crate::domain::Participant;
use crate::store::merge::tests::{Link, Server, replica, sync};
use crate::store::sync::TeamLink;

fn people(n: usize) -> Vec<Participant> {
    (0..n).map(|_| Participant::new(ParticipantId::new_random(), 0, chrono::Utc::now())).collect()
}

#[test]
fn one_device_numbers_on_without_gaps_and_another_device_claims_its_own_block() {
    let store = Store::temporary().unwrap();
    let a = store.add_participants(people(150)).unwrap();
    let b = store.add_participants(people(60)).unwrap();
    let numbers: Vec<u32> = a.iter().chain(&b).map(|p| p.number).collect();
    assert_eq!(numbers, (1001..1211).collect::<Vec<_>>());
    let blocks: Vec<NumberBlock> = store.scan(&store.meta, BLOCK_PREFIX).unwrap();
    assert_eq!(
        blocks.iter().map(|b| (b.first, b.last)).collect::<Vec<_>>(),
        [(1001, 1100), (1101, 1200), (1201, 1300)]
    );
    // A copy of the caseload on another device (its own id, the claims synced): its first
    // number comes from a block after every claimed one.
    let other = [9u8; 16];
    store.writer.lock().unwrap().device = other;
    store.meta.remove(META_NEXT_NUMBER).unwrap();
    let c = store.add_participants(people(2)).unwrap();
    assert_eq!(c.iter().map(|p| p.number).collect::<Vec<_>>(), [1301, 1302]);
    assert_eq!(store.check_change_log().unwrap(), Vec::<String>::new());
}

/// Links `store` to a team (the fake server needs no address).
fn in_team(store: &Store) {
    let link = TeamLink {
        server: "https://team.example".into(),
        ca: None,
        team: [1; 16],
        account: [2; 16],
        token: [3; 32],
        pushed: 0,
        pulled: 0,
        uploaded: true,
        parked: Vec::new(),
        coach: String::new(),
        people_until: 0,
    };
    store.set_team(&link).unwrap();
}

/// Every participant's number on `store`.
fn numbers(store: &Store) -> HashMap<ParticipantId, u32> {
    store.participants().unwrap().into_iter().map(|p| (p.id, p.number)).collect()
}

fn clean(store: &Store) {
    assert_eq!(store.check_indexes().unwrap(), Vec::<String>::new());
    assert_eq!(store.check_change_log().unwrap(), Vec::<String>::new());
    assert_eq!(store.waiting_for_numbers(), 0);
    assert!(store.conflicts().unwrap().is_empty(), "a claim of a number block is never a conflict for coaches");
}

#[test]
fn two_team_laptops_registering_offline_get_unique_numbers_and_no_number_seen_changes() {
    let (da, db) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (a, b) = (replica(da.path()), replica(db.path()));
    in_team(&a);
    in_team(&b);
    let mut server = Server::default();
    let (mut la, mut lb) = (Link::default(), Link::default());
    // Neither has synced: no confirmed number, so everyone waits, findable by name.
    let from_a: Vec<ParticipantId> = a.add_participants(people(3)).unwrap().iter().map(|p| p.id).collect();
    let mut from_b = b.add_participants(people(1)).unwrap();
    // Registered after someone who waits: waits too (numbers go in order of registration).
    from_b.extend(b.add_participants(people(1)).unwrap());
    assert!(from_b.iter().all(|p| p.number == PENDING));
    assert!(from_a.iter().all(|id| a.participant(*id).unwrap().unwrap().number == PENDING));
    assert_eq!((a.waiting_for_numbers(), b.waiting_for_numbers()), (3, 2));
    assert!(matches!(a.participant_by_number(PENDING), Err(StoreError::NoSuchNumber(_))));
    // Both claimed the first free block while offline.
    let claim = |s: &Store| s.scan::<NumberBlock>(&s.meta, BLOCK_PREFIX).unwrap();
    assert_eq!(claim(&a).iter().map(|c| c.first).collect::<Vec<_>>(), [1001]);
    assert_eq!(claim(&b).iter().map(|c| c.first).collect::<Vec<_>>(), [1001]);

    // a syncs first: its claim is stored, its waiting people get numbers in order.
    assert_eq!(sync(&a, &mut server, &mut la), 0);
    let got: Vec<u32> = from_a.iter().map(|id| a.participant(*id).unwrap().unwrap().number).collect();
    assert_eq!(got, [1001, 1002, 1003]);
    // b's claim of the same block is refused; the pull brings a's, which replaces b's claim
    // (no merge, no conflict); b claims the block after it and numbers its people from it.
    assert_eq!(sync(&b, &mut server, &mut lb), 1, "b's claim of block 1001 is refused");
    let block = claim(&b);
    assert_eq!(
        block.iter().map(|c| (c.first, c.device)).collect::<Vec<_>>(),
        [(1001, a.device_id().unwrap()), (1101, b.device_id().unwrap())]
    );
    sync(&a, &mut server, &mut la);
    let seen = numbers(&a);
    assert_eq!(seen, numbers(&b));
    let mut all: Vec<u32> = seen.values().copied().collect();
    all.sort_unstable();
    assert_eq!(all, [1001, 1002, 1003, 1101, 1102]);
    assert_eq!(from_b.iter().map(|p| seen[&p.id]).collect::<Vec<_>>(), [1101, 1102]);

    // Both have confirmed numbers in hand now: offline registrations are numbered at once, and
    // no number either has shown changes at the syncs that follow.
    let c = a.add_participant(people(1).remove(0)).unwrap();
    let d = b.add_participant(people(1).remove(0)).unwrap();
    assert_eq!((c.number, d.number), (1004, 1103));
    for _ in 0..2 {
        sync(&a, &mut server, &mut la);
        sync(&b, &mut server, &mut lb);
    }
    let after = numbers(&a);
    assert_eq!(after, numbers(&b));
    for (id, n) in &seen {
        assert_eq!(after[id], *n, "a number a coach saw changed");
    }
    assert_eq!((after[&c.id], after[&d.id]), (1004, 1103));
    clean(&a);
    clean(&b);
}

#[test]
fn a_team_device_claims_ahead_and_the_people_registered_past_its_confirmed_block_wait_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let a = replica(dir.path());
    in_team(&a);
    let mut server = Server::default();
    let mut link = Link::default();
    // The first sync claims a block, which the server confirms: numbers in hand.
    sync(&a, &mut server, &mut link);
    let blocks = |s: &Store| s.scan::<NumberBlock>(&s.meta, BLOCK_PREFIX).unwrap().len();
    assert_eq!(blocks(&a), 1);
    let first: Vec<u32> = a.add_participants(people(80)).unwrap().iter().map(|p| p.number).collect();
    assert_eq!(first, (1001..1081).collect::<Vec<_>>());
    assert_eq!(blocks(&a), 1, "twenty numbers left: no claim yet");
    assert_eq!(a.add_participant(people(1).remove(0)).unwrap().number, 1081);
    assert_eq!(blocks(&a), 2, "nineteen left: the next block is claimed ahead");
    let rest: Vec<u32> = a.add_participants(people(19)).unwrap().iter().map(|p| p.number).collect();
    assert_eq!(rest, (1082..1101).collect::<Vec<_>>());
    // Offline past the confirmed block: the claimed-ahead block is not confirmed yet.
    let late = a.add_participants(people(2)).unwrap();
    assert!(late.iter().all(|p| p.number == PENDING));
    assert_eq!(blocks(&a), 2, "one claim on its way is enough");
    sync(&a, &mut server, &mut link);
    let got: Vec<u32> = late.iter().map(|p| a.participant(p.id).unwrap().unwrap().number).collect();
    assert_eq!(got, [1101, 1102]);
    assert_eq!(a.add_participant(people(1).remove(0)).unwrap().number, 1103);
    clean(&a);
}
