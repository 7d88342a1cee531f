//! Team sync, the replica's side: the client of the team's server ([`client`]), speaking
//! [`crate::protocol`] and building on the store's change log (`store::sync`).

pub mod background;
pub mod client;
