// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" and "Locking" ("All of these locks
//       behave as read/write semaphores in practice"): an rw_semaphore is released by the task
//       that acquired it, so a guard (whose drop unlocks) must stay on the locking thread.
// expect-error: E0277
// expect-message: cannot be sent between threads safely
// expect-message: within `VmaWriteGuard<'_>`, the trait `Send` is not implemented
// control: ok_send_mm_reference
//
//! Compile-fail case: handing a VMA write guard to another thread (the mmap write lock, which
//! the VMA write lock depends on, is held by this one).
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn to_other_thread<T: Send>(_value: T) {}

fn hand_off(mm: &MmWithUser, addr: usize) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_write_at(&mut ctx, addr)?;
    to_other_thread(vma);
    Some(())
}
