// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page table locking details": the outer token is
//       usable again once the PTE spinlock is released.
//
//! Control: the `PteGuard` lives in an inner block; the parent token zaps after it ends.
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
    let page = {
        let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr).ok_or(EINVAL)?;
        pte.get().is_present().then(|| pte.addr())
        // `pte_unmap_unlock` runs here.
    };
    if let Some(page) = page {
        vma.zap_vma_range(&mut ctx, page, PAGE_SIZE)?;
    }
    Ok(())
}
