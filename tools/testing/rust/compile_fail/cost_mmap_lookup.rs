// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens (rust/kernel/mm/order.rs) must cost nothing: Documentation/mm/
//       process_addrs.rst, "Lock ordering", is enforced by types only.
// same-code: with_tokens raw_calls
//
//! Zero-cost check: the mmap read lock and a lookup through the guard and its token compile to
//! the same instructions as the C calls made by hand (lock, lookup, unlock).
//! Both functions take a pointer-sized argument in the token's position, so that only the
//! bodies are compared: a `&mut Ctx` passed to a function that is not inlined is one (dead)
//! register argument, the only cost of a token.
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::Unlocked, MmWithUser};

#[no_mangle]
fn with_tokens(mm: &MmWithUser, ctx: &mut Ctx<'_, Unlocked>, addr: usize) -> bool {
    let (mmap, _ctx) = mm.mmap_read_lock(ctx);
    mmap.vma_lookup(addr).is_some()
}

#[no_mangle]
fn raw_calls(mm: &MmWithUser, _no_token: &mut (), addr: usize) -> bool {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users; the lock is released before returning.
    unsafe {
        bindings::mmap_read_lock(mm);
        let found = !bindings::vma_lookup(mm, addr as _).is_null();
        bindings::mmap_read_unlock(mm);
        found
    }
}
