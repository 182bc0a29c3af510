// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page table locking details": pte_offset_map_lock
//       maps the PTE table (kmap_local on 32-bit) and "holds an RCU read lock while the PTE page
//       table lock is held"; all three are per task/CPU, so pte_unmap_unlock must run on the
//       locking thread.
// expect-error: E0277
// expect-message: cannot be sent between threads safely
// expect-message: within `PteGuard<'_>`, the trait `Send` is not implemented
//
//! Compile-fail case: handing a `PteGuard` (pte_unmap_unlock on drop) to another thread.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, pgtable::PteGuard, MmWithUser};

fn to_other_thread<T: Send>(_value: T) {}

fn hand_off(mm: &MmWithUser, addr: usize) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr)?;
    to_other_thread(pte); // misuse: to_other_thread(pte.get());
    Some(())
}
