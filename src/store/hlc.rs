//! A hybrid logical clock: wall-clock milliseconds plus a counter.
//!
//! Every change-log entry carries one. A device's timestamps only grow, whatever its wall clock
//! does: the next timestamp is the larger of the last one and the wall clock, with the counter
//! raised when the wall clock did not move past the last one (or went back). The last timestamp
//! is kept in the store with the entries it stamped, so a restart keeps the order too.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A point in hybrid logical time. Ordered by milliseconds, then counter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch (the wall clock, or a later time already seen).
    pub millis: u64,
    /// Orders events within one millisecond, or while the wall clock lags behind.
    pub counter: u32,
}

/// The wall clock the store reads for its timestamps (replaceable in tests).
pub type WallClock = Box<dyn Fn() -> DateTime<Utc> + Send + Sync>;

impl Hlc {
    pub const LEN: usize = 12;

    /// The timestamp of a local event at wall-clock time `now`, after `self`.
    #[must_use]
    pub fn tick(self, now: DateTime<Utc>) -> Hlc {
        let wall = u64::try_from(now.timestamp_millis()).unwrap_or(0);
        if wall > self.millis {
            Hlc { millis: wall, counter: 0 }
        } else {
            Hlc { millis: self.millis, counter: self.counter.saturating_add(1) }
        }
    }

    /// The timestamp of a local event after `self` that follows `remote` (an entry received from
    /// another device): later than both, and than the wall clock.
    #[must_use]
    pub fn receive(self, remote: Hlc, now: DateTime<Utc>) -> Hlc {
        self.max(remote).tick(now)
    }

    pub fn to_bytes(self) -> [u8; Self::LEN] {
        let mut out = [0; Self::LEN];
        out[..8].copy_from_slice(&self.millis.to_be_bytes());
        out[8..].copy_from_slice(&self.counter.to_be_bytes());
        out
    }

    pub fn from_bytes(bytes: &[u8]) -> Option<Hlc> {
        let millis = u64::from_be_bytes(bytes.get(..8)?.try_into().ok()?);
        let counter = u32::from_be_bytes(bytes.get(8..Self::LEN)?.try_into().ok()?);
        Some(Hlc { millis, counter })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(ms: i64) -> DateTime<Utc> {
        Utc.timestamp_millis_opt(ms).unwrap()
    }

    #[test]
    fn a_clock_that_goes_back_does_not_reorder_a_devices_own_events() {
        let a = Hlc::default().tick(at(10_000));
        let b = a.tick(at(10_000));
        let c = b.tick(at(4_000)); // the laptop clock was set back
        let d = c.tick(at(12_000));
        assert!(a < b && b < c && c < d);
        assert_eq!(c, Hlc { millis: 10_000, counter: 2 });
        assert_eq!(d, Hlc { millis: 12_000, counter: 0 });
        assert_eq!(Hlc::from_bytes(&c.to_bytes()), Some(c));
        let r = Hlc { millis: 50_000, counter: 7 };
        assert_eq!(d.receive(r, at(12_001)), Hlc { millis: 50_000, counter: 8 });
    }
}
