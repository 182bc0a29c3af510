// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Locking": VMAs live in the address space of an mm;
//       an mmgrab reference (`Mm`) keeps only the struct alive, so the mmap lock and VMA access
//       need an mmget reference (`MmWithUser`, via mmget_not_zero).
// expect-error: E0599
// expect-message: no method named `mmap_read_lock` found for reference `&Mm`
//
//! Compile-fail case: taking the mmap lock through an mmgrab-only reference.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, Mm};

fn count(mm: &Mm) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let user = mm; // misuse: let user = mm.mmget_not_zero()?;
    let (mmap, _ctx) = user.mmap_read_lock(&mut ctx);
    Some(mmap.vmas(0, usize::MAX).count())
}
