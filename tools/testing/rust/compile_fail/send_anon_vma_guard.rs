// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" (rmap locks: anon_vma->rwsem is an
//       rw_semaphore): an rw_semaphore is released by the task that acquired it, so the guard
//       (anon_vma_unlock_* on drop) must stay on the locking thread.
// expect-error: E0277
// expect-message: cannot be sent between threads safely
// expect-message: within `AnonVmaGuard<'_>`, the trait `Send` is not implemented
//
//! Compile-fail case: handing an `AnonVmaGuard` to another thread.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn to_other_thread<T: Send>(_value: T) {}

fn hand_off(mm: &MmWithUser, addr: usize) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let anon_vma = mmap.vma_lookup(addr)?.anon_vma()?;
    let (anon, _ctx) = anon_vma.lock_read(&mut ctx);
    to_other_thread(anon);
    Some(())
}
