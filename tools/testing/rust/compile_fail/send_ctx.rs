// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (the mm/rmap.c order): the order
//       constrains the locks one task holds; a Ctx token states what the current task holds,
//       so it is meaningless (and unsound) on another thread.
// expect-error: E0277
// expect-message: `*mut ()` cannot be sent between threads safely
// expect-message: within `Ctx<'_, MmapLock>`, the trait `Send` is not implemented
// control: ok_send_mm_reference
//
//! Compile-fail case: handing a lock-order token to another thread.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, MmWithUser};

fn to_other_thread<T: Send>(_value: T) {}

fn hand_off(mm: &MmWithUser) {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (_mmap, ctx) = mm.mmap_read_lock(&mut ctx);
    to_other_thread(ctx);
}
