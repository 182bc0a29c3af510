// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens (rust/kernel/mm/order.rs) must cost nothing, also when nested:
//       process_addrs.rst, "Lock ordering" (mmap_lock -> i_mmap_rwsem).
// same-code: nested_with_tokens nested_raw_calls
//
//! Zero-cost check: mmap read lock, then the i_mmap read lock under it through the child token,
//! versus the same C calls made by hand (same argument registers, see cost_mmap_lookup.rs).
#![allow(dead_code)]

use kernel::bindings;
use kernel::fs::File;
use kernel::mm::{order::Ctx, order::Unlocked, rmap::AddressSpace, MmWithUser};

#[no_mangle]
fn nested_with_tokens(mm: &MmWithUser, file: &File, ctx: &mut Ctx<'_, Unlocked>) {
    let (_mmap, mut ctx) = mm.mmap_read_lock(ctx);
    let (_i_mmap, _ctx) = AddressSpace::of_file(file).i_mmap_lock_read(&mut ctx);
}

#[no_mangle]
fn nested_raw_calls(mm: &MmWithUser, file: &File, _no_token: &mut ()) {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users and `file` is open; locks are released in reverse order.
    unsafe {
        bindings::mmap_read_lock(mm);
        let mapping = (*file.as_ptr()).f_mapping;
        bindings::i_mmap_lock_read(mapping);
        bindings::i_mmap_unlock_read(mapping);
        bindings::mmap_read_unlock(mm);
    }
}
