// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens (rust/kernel/mm/order.rs, Ctx::new and Ctx::might_sleep) must cost
//       nothing but the might_sleep() check: Documentation/mm/process_addrs.rst, "Lock ordering".
// same-code: root_with_tokens root_raw_calls
//
//! Zero-cost check: a root token (`Ctx::new`, one `might_sleep` check under
//! `CONFIG_DEBUG_ATOMIC_SLEEP`), the mmap read lock and a `might_sleep` through the child token,
//! versus the same C calls made by hand.
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, MmWithUser};

#[no_mangle]
fn root_with_tokens(mm: &MmWithUser, addr: usize) -> bool {
    // SAFETY: Called in process context holding no mm lock (this file is never run).
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    ctx.might_sleep();
    mmap.vma_lookup(addr).is_some()
}

#[no_mangle]
fn root_raw_calls(mm: &MmWithUser, addr: usize) -> bool {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users; the lock is released before returning.
    unsafe {
        #[cfg(CONFIG_DEBUG_ATOMIC_SLEEP)]
        bindings::might_sleep();
        bindings::mmap_read_lock(mm);
        bindings::might_sleep();
        let found = !bindings::vma_lookup(mm, addr as _).is_null();
        bindings::mmap_read_unlock(mm);
        found
    }
}
