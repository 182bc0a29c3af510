// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": zapping needs only a stable VMA, but
//       zap_vma_range() takes the PTE locks itself and may sleep (cond_resched, TLB gather), so it
//       must not run under a PTE spinlock ("Page table locking details").
// expect-error: E0277
// expect-message: the trait bound `PageTableLock: Sleepable` is not satisfied
//
//! Compile-fail case: `OwnedVma::zap_vma_range` with the token of a held PTE lock (`PteGuard`).
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{order::Ctx, pgtable::PteGuard, MmWithUser},
    page::PAGE_SIZE,
};

include!("support/driver.rs");

fn zap_if_present(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let ours = VM_OPS.owns(vma, buf).ok_or(EINVAL)?;
    let (pte, mut pte_ctx) = // misuse: let (pte, _ctx) =
        PteGuard::lock(&mut ctx, vma, addr).ok_or(EINVAL)?;
    ours.zap_vma_range(&mut pte_ctx, pte.addr(), PAGE_SIZE)?; // misuse
    let (present, page) = (pte.get().is_present(), pte.addr());
    drop(pte);
    if present {
        ours.zap_vma_range(&mut ctx, page, PAGE_SIZE)?;
    }
    Ok(())
}
