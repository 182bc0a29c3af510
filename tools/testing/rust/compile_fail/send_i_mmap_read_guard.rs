// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" (rmap locks: i_mmap_rwsem is an
//       rw_semaphore): an rw_semaphore is released by the task that acquired it, so the guard
//       (i_mmap_unlock_read on drop) must stay on the locking thread.
// expect-error: E0277
// expect-message: cannot be sent between threads safely
// expect-message: within `IMmapReadGuard<'_>`, the trait `Send` is not implemented
//
//! Compile-fail case: handing an `IMmapReadGuard` to another thread.
#![allow(dead_code)]

use kernel::{
    fs::File,
    mm::{order::Ctx, rmap::AddressSpace},
};

fn to_other_thread<T: Send>(_value: T) {}

fn hand_off(file: &File) {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (i_mmap, _ctx) = AddressSpace::of_file(file).i_mmap_lock_read(&mut ctx);
    to_other_thread(i_mmap); // misuse: to_other_thread(i_mmap.vmas(0, usize::MAX).count());
}
