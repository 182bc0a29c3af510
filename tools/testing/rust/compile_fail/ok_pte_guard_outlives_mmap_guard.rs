// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": page tables are locked while the VMA
//       is kept stable.
//
//! Control: the `PteGuard` is dropped before the mmap read lock is released.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PteGuard, MmWithUser};

fn present(mm: &MmWithUser, addr: usize) -> Option<bool> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr)?;
    let present = pte.get().is_present();
    drop(pte);
    drop(mmap);
    Some(present)
}
