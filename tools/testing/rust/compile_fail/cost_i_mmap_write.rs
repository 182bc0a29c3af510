// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm/rmap.rs, IMmapWriteGuard) must cost
//       nothing: Documentation/mm/process_addrs.rst, "Lock ordering" (mmap_lock -> i_mmap_rwsem).
// same-code: i_mmap_write_with_tokens i_mmap_write_raw_calls
//
//! Zero-cost check: `i_mmap_lock_write` under the mmap read lock and both unlocks, versus the
//! same C calls made by hand (the guard's read/write flag folds away).
#![allow(dead_code)]

use kernel::bindings;
use kernel::fs::File;
use kernel::mm::{order::Ctx, order::Unlocked, rmap::AddressSpace, MmWithUser};

#[no_mangle]
fn i_mmap_write_with_tokens(mm: &MmWithUser, file: &File, ctx: &mut Ctx<'_, Unlocked>) {
    let (_mmap, mut ctx) = mm.mmap_read_lock(ctx);
    let (_i_mmap, _ctx) = AddressSpace::of_file(file).i_mmap_lock_write(&mut ctx);
}

#[no_mangle]
fn i_mmap_write_raw_calls(mm: &MmWithUser, file: &File, _no_token: &mut ()) {
    let mm = mm.as_raw();
    // SAFETY: `mm` has users and `file` is open; locks are released in reverse order.
    unsafe {
        bindings::mmap_read_lock(mm);
        let mapping = (*file.as_ptr()).f_mapping;
        bindings::i_mmap_lock_write(mapping);
        bindings::i_mmap_unlock_write(mapping);
        bindings::mmap_read_unlock(mm);
    }
}
