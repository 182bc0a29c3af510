// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" and "Locking" ("All of these locks
//       behave as read/write semaphores in practice"): an rw_semaphore is released by the task
//       that acquired it, so a guard (whose drop unlocks) must stay on the locking thread.
// expect-error: E0277
// expect-message: cannot be sent between threads safely
// expect-message: within `VmaReadGuard<'_>`, the trait `Send` is not implemented
// control: ok_send_mm_reference
//
//! Compile-fail case: handing a VMA read guard (vma_end_read on drop) to another thread.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn to_other_thread<T: Send>(_value: T) {}

fn hand_off(mm: &MmWithUser, addr: usize) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (vma, _ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    to_other_thread(vma);
    Some(())
}
