// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page table locking details": while the PTE
//       spinlock is held the task is in atomic context; the outer (mmap-lock) token, which would
//       allow sleeping calls, is lent to the PTE lock until it is released.
// expect-error: E0499
// expect-message: cannot borrow `ctx` as mutable more than once at a time
//
//! Compile-fail case: zapping a VMA of ours with the parent (mmap-lock) token while a `PteGuard`
//! lives.
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
    let page = {
        let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr).ok_or(EINVAL)?;
        ours.zap_vma_range(&mut ctx, pte.addr(), PAGE_SIZE)?; // misuse
        pte.get().is_present().then(|| pte.addr())
        // `pte_unmap_unlock` runs here.
    };
    if let Some(page) = page {
        ours.zap_vma_range(&mut ctx, page, PAGE_SIZE)?;
    }
    Ok(())
}
