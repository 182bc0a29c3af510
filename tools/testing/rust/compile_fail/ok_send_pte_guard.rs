// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page table locking details": the PTE lock stays with
//       the locking thread; a value read once from the entry (`ptep_get`) is plain data.
//
//! Control: the entry read under the PTE lock is sent; the guard stays on this thread.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PteGuard, MmWithUser};

fn to_other_thread<T: Send>(_value: T) {}

fn hand_off(mm: &MmWithUser, addr: usize) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr)?;
    to_other_thread(pte.get());
    Some(())
}
