// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm.rs, MmapReadGuard) must cost nothing:
//       Documentation/mm/process_addrs.rst, "Lock ordering", is enforced by types only.
// same-code: read_killable_with_tokens read_killable_raw_calls
//
//! Zero-cost check: `mmap_read_lock_killable` (fails on a fatal signal), a lookup and the
//! unlock, versus the same C calls made by hand (same argument registers, see
//! cost_mmap_lookup.rs).
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::Unlocked, MmWithUser};

#[no_mangle]
fn read_killable_with_tokens(mm: &MmWithUser, ctx: &mut Ctx<'_, Unlocked>, addr: usize) -> bool {
    let Ok((mmap, _ctx)) = mm.mmap_read_lock_killable(ctx) else {
        return false;
    };
    mmap.vma_lookup(addr).is_some()
}

#[no_mangle]
fn read_killable_raw_calls(mm: &MmWithUser, _no_token: &mut (), addr: usize) -> bool {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users; the lock, if taken, is released before returning.
    unsafe {
        if bindings::mmap_read_lock_killable(mm) != 0 {
            return false;
        }
        let found = !bindings::vma_lookup(mm, addr as _).is_null();
        bindings::mmap_read_unlock(mm);
        found
    }
}
