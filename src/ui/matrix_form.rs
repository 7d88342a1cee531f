//! The Zelfredzaamheid-Matrix form. (Scratch: simulating a new form.)

use super::form::{FieldDef, Form};
use super::form_values::FieldError;
use crate::domain::ParticipantId;
use crate::domain::form_kind::FormKind;
use crate::domain::self_reliance::{Matrix, Score};
use crate::i18n::Strings;

const KEYS: [&str; 13] = ["d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12", "d13"];

pub const FIELDS: &[FieldDef] = &[
    FieldDef::choice::<Score>("d1", "zrm.finances"),
    FieldDef::choice::<Score>("d2", "zrm.daytime"),
    FieldDef::choice::<Score>("d3", "zrm.housing"),
    FieldDef::choice::<Score>("d4", "zrm.home"),
    FieldDef::choice::<Score>("d5", "zrm.mental"),
    FieldDef::choice::<Score>("d6", "zrm.physical"),
    FieldDef::choice::<Score>("d7", "zrm.addiction"),
    FieldDef::choice::<Score>("d8", "zrm.adl"),
    FieldDef::choice::<Score>("d9", "zrm.network"),
    FieldDef::choice::<Score>("d10", "zrm.community"),
    FieldDef::choice::<Score>("d11", "zrm.justice"),
    FieldDef::choice::<Score>("d12", "zrm.parenting"),
    FieldDef::choice::<Score>("d13", "zrm.language"),
];

pub fn new(strings: &Strings, p: ParticipantId, name: &str) -> Form {
    Form::new(
        FormKind::SelfReliance(p),
        strings.fill("form_title.self_reliance", &[("name", name)]),
        FIELDS,
        &[],
        strings,
    )
}

pub fn read(form: &Form) -> Result<Matrix, FieldError> {
    Ok(Matrix { scores: KEYS.iter().map(|k| form.opt_choice(k)).collect::<Result<_, _>>()? })
}
