// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens (rust/kernel/mm/order.rs, Max and Atomic) must cost nothing:
//       Documentation/mm/process_addrs.rst, "Lock ordering" (a trylock may be taken at any level).
// same-code: trylock_with_tokens trylock_raw_calls
//
//! Zero-cost check: `mmap_read_trylock` with an atomic-context token, a lookup and the unlock,
//! versus the same C calls made by hand (same argument registers, see cost_mmap_lookup.rs).
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Atomic, order::Ctx, order::Unlocked, MmWithUser};

#[no_mangle]
fn trylock_with_tokens(mm: &MmWithUser, ctx: &mut Ctx<'_, Unlocked, Atomic>, addr: usize) -> bool {
    let Some((mmap, _ctx)) = mm.mmap_read_trylock(ctx) else {
        return false;
    };
    mmap.vma_lookup(addr).is_some()
}

#[no_mangle]
fn trylock_raw_calls(mm: &MmWithUser, _no_token: &mut (), addr: usize) -> bool {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users; the lock, if taken, is released before returning.
    unsafe {
        if !bindings::mmap_read_trylock(mm) {
            return false;
        }
        let found = !bindings::vma_lookup(mm, addr as _).is_null();
        bindings::mmap_read_unlock(mm);
        found
    }
}
