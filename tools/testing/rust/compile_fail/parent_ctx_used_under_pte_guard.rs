// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page table locking details": while the PTE
//       spinlock is held the task is in atomic context; the outer (mmap-lock) token, which would
//       allow sleeping calls, is lent to the PTE lock until it is released.
// expect-error: E0499
// expect-message: cannot borrow `ctx` as mutable more than once at a time
//
//! Compile-fail case: zapping with the parent (mmap-lock) token while a `PteGuard` lives.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{order::Ctx, pgtable::PteGuard, MmWithUser},
    page::PAGE_SIZE,
};

fn zap_if_present(mm: &MmWithUser, addr: usize) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr).ok_or(EINVAL)?;
    if pte.get().is_present() {
        vma.zap_vma_range(&mut ctx, pte.addr(), PAGE_SIZE)?;
    }
    Ok(())
}
