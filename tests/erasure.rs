//! Erasure as an attacker would test it, and backups from before an erasure.
//!
//! - The recovery attempt of the attack that found the defect: with the passphrase, scan every
//!   file meedoen wrote for every copy of the erased person's wrapped key and try to open it with
//!   every key the files and the passphrase give. Before key epochs it opened old copies of the
//!   key chunk that sled keeps in its log.
//! - A backup written before an erasure restores clean, without the person, with the trace.
//! - A backup's register belongs to the caseload (the data directory) that wrote it.
#![allow(clippy::unwrap_used, clippy::panic)]

mod common;

use std::path::{Path, PathBuf};

use common::*;
use meedoen::domain::{Participant, ParticipantId};
use meedoen::store::Store;
use meedoen::store::crypto::{Key, Keyring, Keys, WrappedKey};
use zeroize::Zeroizing;

/// Every file under `dir` with its bytes, read at once (opening sled later changes the folder).
fn files_under(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            let bytes = std::fs::read(&p).unwrap();
            out.push((p, bytes));
        }
    }
}

/// The files of the caseload in `dir` and the backup `outside`.
fn snapshot(dir: &Path, outside: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    files_under(dir, &mut files);
    files.push((outside.to_path_buf(), std::fs::read(outside).unwrap()));
    files
}

fn find(hay: &[u8], needle: &[u8]) -> Vec<usize> {
    hay.windows(needle.len()).enumerate().filter(|(_, w)| *w == needle).map(|(i, _)| i).collect()
}

/// Every key an attacker with the passphrase gets from the files: the master key (from any copy
/// of the keyring in the caseload's database) and every (epoch, secret) in any key slot file,
/// whether the slot is intact or not, any sealed epoch secret in a backup, and the key ids to try
/// (random since key ids stopped being a counter, so the scan tries every id the files name).
struct Loot {
    master: Key,
    secrets: Vec<(u64, Key)>,
    /// The key ids a wrapped key may be bound to (its associated data names its id).
    key_ids: Vec<u32>,
}

fn loot(files: &[(PathBuf, Vec<u8>)], db_dir: &Path) -> Loot {
    // The keyring from a copy of the database (sled rewrites files when it opens one).
    let copy = tempfile::tempdir().unwrap();
    copy_dir(db_dir, copy.path());
    let db = sled::open(copy.path()).unwrap();
    let raw = db.open_tree("meta").unwrap().get(b"keyring").unwrap().unwrap();
    let ring: Keyring = meedoen::store::codec::decode_plain(&raw).unwrap();
    let master = ring.unlock(TEST_PASSPHRASE).unwrap();
    drop(db);
    let keys = Keys::new(master.clone());
    let mut secrets = Vec::new();
    for (f, bytes) in files {
        if f.file_name().is_some_and(|n| n == "keyslots") {
            for slot in bytes.chunks(64).filter(|s| s.len() >= 48) {
                let epoch = u64::from_le_bytes(slot[8..16].try_into().unwrap());
                let mut s = Zeroizing::new([0u8; 32]);
                s.copy_from_slice(&slot[16..48]);
                secrets.push((epoch, Key::from_secret(s)));
            }
        }
        // A backup's entry "@keyslot": [name len u16][name][key len u32][epoch][value len u32][sealed].
        for at in find(bytes, b"@keyslot") {
            let rest = &bytes[at + 8..];
            if rest.len() < 4 + 8 + 4 {
                continue;
            }
            let epoch = u64::from_be_bytes(rest[4..12].try_into().unwrap());
            let len = u32::from_le_bytes(rest[12..16].try_into().unwrap()) as usize;
            if let Some(sealed) = rest.get(16..16 + len)
                && let Ok(secret) = keys.open_secret(epoch, sealed)
            {
                secrets.push((epoch, secret));
            }
        }
    }
    Loot { master, secrets, key_ids: key_ids_named(files) }
}

/// Every key id the files name: the header of every sealed record (`MD`, format, kind, schema,
/// key id) carries it in plain, and keys from the counter of earlier versions were numbered from 2.
fn key_ids_named(files: &[(PathBuf, Vec<u8>)]) -> Vec<u32> {
    let mut ids: std::collections::BTreeSet<u32> = (2..=64).collect();
    for (_, bytes) in files {
        for at in find(bytes, b"MD") {
            if let Ok(h) = meedoen::store::codec::header(&bytes[at..]) {
                ids.insert(h.key_id);
            }
        }
    }
    ids.into_iter().filter(|id| *id >= 2).collect()
}

/// How many copies of `p`'s wrapped key in `files` open with what `loot` holds.
fn openable_copies(files: &[(PathBuf, Vec<u8>)], p: ParticipantId, loot: &Loot) -> (usize, usize) {
    let (mut found, mut opened) = (0, 0);
    for (_, bytes) in files {
        for at in find(bytes, p.as_bytes()) {
            // bincode: the id, then the nonce (length 12) and the wrapped key (length 48).
            let Some(w) = bytes.get(at..at + 16 + 1 + 12 + 1 + 48) else { continue };
            if w[16] != 12 || w[29] != 48 {
                continue;
            }
            found += 1;
            let mut candidates: Vec<(u64, Option<&Key>)> = vec![(0, None)];
            candidates.extend(loot.secrets.iter().map(|(e, s)| (*e, Some(s))));
            let opens = candidates.iter().any(|(epoch, secret)| {
                loot.key_ids.iter().any(|&id| {
                    let keys = Keys::new(loot.master.clone());
                    if let Some(s) = secret {
                        keys.add_epoch(*epoch, s).unwrap();
                    }
                    let wrapped = WrappedKey {
                        participant: p,
                        nonce: w[17..29].to_vec(),
                        wrapped: w[30..78].to_vec(),
                        coach: None,
                        epoch: *epoch,
                    };
                    keys.load_all(Box::new(std::iter::once(Ok((id, wrapped))))).unwrap();
                    keys.rewrapped(*epoch).is_ok()
                })
            });
            if opens {
                opened += 1;
            }
        }
    }
    (found, opened)
}

fn person(n: usize) -> Participant {
    let mut p = Participant::new(ParticipantId::new_random(), 0, now());
    p.given_names = format!("Persoon{n}");
    p.family_name = "Aanvaller".into();
    p
}

#[test]
fn no_file_holds_a_copy_of_an_erased_persons_key_that_the_passphrase_opens() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let outside = tmp.path().join("handmatig.backup");
    let victim;
    {
        let store = open(&dir);
        // Several batches, so the chunk of keys is rewritten (and old copies left) several times.
        let first = store.add_participants((0..10).map(person).collect()).unwrap();
        victim = first[3].id;
        for batch in 1..6 {
            store.add_participants((batch * 10..batch * 10 + 10).map(person).collect()).unwrap();
        }
        store.write_backup(&outside).unwrap();
        store.daily_backup(today()).unwrap();
    }
    // Before the erasure the scan finds the key and opens it: the test can tell.
    let files = snapshot(&dir, &outside);
    let (found, opened) = openable_copies(&files, victim, &loot(&files, &dir.join("db")));
    assert!(found > 1 && opened > 0, "before the erasure: {found} copies, {opened} open");
    {
        let store = open(&dir);
        store.erase(victim, "Sanne", today()).unwrap();
        // More work after the erasure, as a coach goes on.
        store.add_participants((60..70).map(person).collect()).unwrap();
    }
    // After the erasure and after closing: the old copies are still in sled's file, but none opens.
    let files = snapshot(&dir, &outside);
    let loot = loot(&files, &dir.join("db"));
    let (found, opened) = openable_copies(&files, victim, &loot);
    assert_eq!(opened, 0, "{found} copies of the erased person's key found, {opened} open");
    assert!(found > 0, "the scan must still see sled's old copies (else it proves nothing)");
    // Everyone else still opens.
    let store = open(&dir);
    assert_eq!(store.participants().unwrap().len(), 69);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}

#[test]
fn a_backup_written_before_an_erasure_restores_clean_without_the_person() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("caseload");
    let out = run_meedoen(&dir, &["demo", "--participants", "20", "--seed", "3"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let file = tmp.path().join("B.backup");
    assert!(run_meedoen(&dir, &["backup", file.to_str().unwrap()]).status.success());
    {
        let store = Store::open(&dir, TEST_PASSPHRASE).unwrap();
        let p = store.participant_by_number(1005).unwrap();
        store.erase(p.id, "Sanne de Vries", today()).unwrap();
    }
    let new = tmp.path().join("NEW");
    let out = run_meedoen(&new, &["restore", file.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}{}", String::from_utf8_lossy(&out.stderr));
    assert!(text.contains("in orde (19 deelnemers)"), "{text}");
    let out = run_meedoen(&new, &["export"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let numbers: Vec<&str> =
        v["participants"].as_array().unwrap().iter().map(|p| p["number"].as_str().unwrap()).collect();
    assert_eq!(numbers.len(), 19);
    assert!(!numbers.contains(&"1005"));
    assert_eq!(v["erasures"].as_array().unwrap().len(), 1, "the erasure trace is kept");
    let out = run_meedoen(&new, &["report", "--from", "01-01-2025", "--to", "31-12-2026"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn an_erasure_in_a_copied_data_directory_leaves_the_originals_backups_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("origineel"), tmp.path().join("kopie"));
    let file = tmp.path().join("voor-upgrade.backup");
    {
        let store = open(&a);
        filled_store(&store);
        store.write_backup(&file).unwrap();
    }
    copy_dir(&a, &b);
    let before = std::fs::read(&file).unwrap();
    {
        let copy = open(&b);
        let p = copy.participant_by_number(1001).unwrap();
        let report = copy.erase(p.id, "Sanne", today()).unwrap();
        assert_eq!(report.other_caseload_backups, vec![std::fs::canonicalize(&file).unwrap().display().to_string()]);
        assert!(report.unreachable_backups.is_empty());
    }
    assert_eq!(std::fs::read(&file).unwrap(), before, "the original caseload's backup is untouched");
    {
        let original = open(&a);
        let p = original.participant_by_number(1002).unwrap();
        let report = original.erase(p.id, "Sanne", today()).unwrap();
        assert!(report.other_caseload_backups.is_empty() && report.unreachable_backups.is_empty());
    }
    assert_ne!(std::fs::read(&file).unwrap(), before, "the caseload's own backup loses the person");
    let restored = tmp.path().join("hersteld");
    let backup = meedoen::store::Backup::read(&file).unwrap();
    let done = Store::restore(&backup, &backup.unlock(TEST_PASSPHRASE).unwrap(), &restored).unwrap();
    assert_eq!(done.skipped, 0, "the backup itself lost the person's records");
    let store = open(&restored);
    assert!(store.participant_by_number(1002).is_err());
    assert_eq!(store.participant_by_number(1001).unwrap().family_name, "Öztürk");
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
}
