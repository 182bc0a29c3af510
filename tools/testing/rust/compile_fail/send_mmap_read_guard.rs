// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" and "Locking" ("All of these locks
//       behave as read/write semaphores in practice"): an rw_semaphore is released by the task
//       that acquired it, so a guard (whose drop unlocks) must stay on the locking thread.
// expect-error: E0277
// expect-message: `*mut ()` cannot be sent between threads safely
// expect-message: within `MmapReadGuard<'_>`, the trait `Send` is not implemented
// control: ok_send_mm_reference
//
//! Compile-fail case: handing an mmap read guard to another thread.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn to_other_thread<T: Send>(_value: T) {}

fn hand_off(mm: &MmWithUser) {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    to_other_thread(mmap);
}
