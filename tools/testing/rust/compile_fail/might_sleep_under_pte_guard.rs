// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page table locking details": the PTE lock is a
//       spinlock taken with pte_offset_map_lock, which "holds an RCU read lock while the PTE page
//       table lock is held": atomic context, in which the task must not sleep (might_sleep()).
// expect-error: E0599
// expect-message: the method `might_sleep` exists for struct `Ctx<'_, PageTableLock>`
// expect-message: but its trait bounds were not satisfied
// expect-message: `PageTableLock: Sleepable`
//
//! Compile-fail case: `might_sleep` with the token of a held PTE lock (`PteGuard`).
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PteGuard, MmWithUser};

fn present(mm: &MmWithUser, addr: usize) -> Option<bool> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let (pte, mut ctx) = PteGuard::lock(&mut ctx, vma, addr)?; // misuse: ctx.might_sleep();
    ctx.might_sleep(); // misuse: let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr)?;
    Some(pte.get().is_present())
}
