// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "VMA fields", table "Core fields": `__vm_flags` is
//       written with "mmap write, VMA write"; the mmap write lock alone gives "Write most? N"
//       (lock-state table, row "R/W -/R -/R/W").
// expect-error: E0599
// expect-message: no method named `mod_flags` found for reference `&VmaRef`
//
//! Compile-fail case: changing VMA flags under the mmap write lock without the VMA write lock.
#![allow(dead_code)]

use kernel::error::Result;
use kernel::mm::{order::Ctx, virt::flags, MmWithUser};

fn mark_dontcopy(mm: &MmWithUser, addr: usize) -> Option<Result> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    Some(vma.mod_flags(flags::DONTCOPY, 0))
}
