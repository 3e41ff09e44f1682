// SPDX-License-Identifier: GPL-2.0

//! One SA database per network namespace: created with the namespace (or at module load for
//! those that exist), dropped with it (or at module unload), which deletes its SAs and wipes
//! their keys.

use crate::kfuncs::pernet::{Pernet, PernetData, PernetId};
use crate::kfuncs::Net;
use crate::sadb::Sadb;
use core::pin::Pin;
use kernel::alloc::KBox;
use kernel::prelude::*;

/// The slot of the database in each namespace.
static NET_ID: PernetId = PernetId::new();

/// The subsystem; registered by module init.
pub(crate) static PERNET: Pernet<Sadb> = Pernet::new();

impl PernetData for Sadb {
    const ID: &'static PernetId = &NET_ID;

    fn new() -> Result<Pin<KBox<Self>>> {
        Sadb::new()
    }
}

/// The database of `net`.
pub(crate) fn sadb(net: &Net) -> Option<&Sadb> {
    PERNET.get(net)
}
