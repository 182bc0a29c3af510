// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": traversing and locking page tables
//       "only requires that the VMA is kept stable"; once the mmap lock that keeps it stable is
//       released, munmap can free the page table (free_pgtables) under the PTE pointer.
// expect-error: E0505
// expect-message: cannot move out of `mmap` because it is borrowed
//
//! Compile-fail case: a `PteGuard` kept after the mmap read lock of its VMA is released.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PteGuard, MmWithUser};

fn present(mm: &MmWithUser, addr: usize) -> Option<bool> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr)?;
    let present = pte.get().is_present();
    drop(mmap); // misuse: drop(pte);
    drop(pte); // misuse: drop(mmap);
    Some(present)
}
