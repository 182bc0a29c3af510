// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology": locks are taken and released by the
//       task that uses them; what may cross threads is the mm reference (mmget), which the
//       other thread then locks itself.
//
//! Control for the `send_*` cases: an `mmget` reference is `Send`; the receiving thread takes
//! its own token and lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};
use kernel::sync::aref::ARef;

fn to_other_thread<T: Send>(_value: T) {}

fn on_other_thread(mm: ARef<MmWithUser>) {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    let _first = mmap.find_vma(0);
}

fn hand_off(mm: &MmWithUser) {
    let mm = ARef::from(mm);
    to_other_thread(move || on_other_thread(mm));
}
