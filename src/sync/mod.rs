//! Team sync: the protocol shared with the server ([`protocol`]). The client side (the outbox,
//! applying what comes in, `meedoen team` and `meedoen sync`) builds on the store's change log.

pub mod protocol;
