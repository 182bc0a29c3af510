// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page table locking details": the task may sleep
//       under the mmap lock, not under the PTE spinlock.
//
//! Control: `might_sleep` with the mmap-lock token, before the PTE lock is taken.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PteGuard, MmWithUser};

fn present(mm: &MmWithUser, addr: usize) -> Option<bool> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    ctx.might_sleep();
    let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr)?;
    Some(pte.get().is_present())
}
