// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm.rs, MmapWriteGuard::downgrade) must cost
//       nothing: Documentation/mm/process_addrs.rst, "mmap write lock downgrading".
// same-code: downgrade_with_tokens downgrade_raw_calls
//
//! Zero-cost check: mmap write lock, downgrade to read, a lookup and the read unlock on drop,
//! versus the same C calls made by hand (same argument registers, see cost_mmap_lookup.rs).
#![allow(dead_code)]

use kernel::bindings;
use kernel::mm::{order::Ctx, order::Unlocked, MmWithUser};

#[no_mangle]
fn downgrade_with_tokens(mm: &MmWithUser, ctx: &mut Ctx<'_, Unlocked>, addr: usize) -> bool {
    let (mmap, _ctx) = mm.mmap_write_lock(ctx);
    let mmap = mmap.downgrade();
    mmap.vma_lookup(addr).is_some()
}

#[no_mangle]
fn downgrade_raw_calls(mm: &MmWithUser, _no_token: &mut (), addr: usize) -> bool {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users; the write lock becomes a read lock, released before returning.
    unsafe {
        bindings::mmap_write_lock(mm);
        bindings::mmap_write_downgrade(mm);
        let found = !bindings::vma_lookup(mm, addr as _).is_null();
        bindings::mmap_read_unlock(mm);
        found
    }
}
