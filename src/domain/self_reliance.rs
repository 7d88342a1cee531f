//! The Zelfredzaamheid-Matrix: 13 life domains, each scored 1 (acute problems) to 5 (fully
//! self-reliant). (Scratch: simulating a new form.)

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Score {
    Acute,
    NotSelfReliant,
    BarelySelfReliant,
    SelfReliant,
    FullySelfReliant,
}

impl Score {
    pub const ALL: [Score; 5] =
        [Score::Acute, Score::NotSelfReliant, Score::BarelySelfReliant, Score::SelfReliant, Score::FullySelfReliant];
    pub fn code(self) -> &'static str {
        match self {
            Score::Acute => "1",
            Score::NotSelfReliant => "2",
            Score::BarelySelfReliant => "3",
            Score::SelfReliant => "4",
            Score::FullySelfReliant => "5",
        }
    }
}

/// The 13 domains, in the matrix's order.
pub const DOMAINS: usize = 13;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    pub scores: Vec<Option<Score>>,
}
