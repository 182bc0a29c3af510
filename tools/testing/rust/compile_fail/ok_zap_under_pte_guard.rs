// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": zapping needs only a stable VMA (here
//       the mmap read lock), and it may sleep, so it runs after the PTE lock is released.
//
//! Control: read the entry under the PTE lock, release it, then zap with the mmap-lock token.
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
    let (present, page) = (pte.get().is_present(), pte.addr());
    drop(pte);
    if present {
        vma.zap_vma_range(&mut ctx, page, PAGE_SIZE)?;
    }
    Ok(())
}
