// SPDX-License-Identifier: GPL-2.0
//
// rule: Lock-order tokens and guards (rust/kernel/mm/rmap.rs, IMmapReadGuard::vmas) must cost
//       nothing: Documentation/mm/process_addrs.rst, "Using address space locks" (VMAs in a
//       locked i_mmap tree are stable).
// same-calls: i_mmap_vmas_with_tokens i_mmap_vmas_raw_calls
// why: loop rotation only: the iterator tests for the end of the tree at the top of the loop,
//      the hand-written `while` after the first lookup; same instructions otherwise.
//
//! Zero-cost check: iteration of a file's `i_mmap` tree with `vmas` under `i_mmap_lock_read`,
//! versus the same tree walk made by hand.
#![allow(dead_code)]

use kernel::bindings;
use kernel::fs::File;
use kernel::mm::{order::Ctx, order::Unlocked, rmap::AddressSpace};

#[no_mangle]
fn i_mmap_vmas_with_tokens(file: &File, ctx: &mut Ctx<'_, Unlocked>, last: usize) -> usize {
    let (i_mmap, _ctx) = AddressSpace::of_file(file).i_mmap_lock_read(ctx);
    i_mmap.vmas(0, last).count()
}

#[no_mangle]
fn i_mmap_vmas_raw_calls(file: &File, _no_token: &mut (), last: usize) -> usize {
    // SAFETY: `file` is open; the tree is walked under its lock, released before returning.
    unsafe {
        let mapping = (*file.as_ptr()).f_mapping;
        bindings::i_mmap_lock_read(mapping);
        let mut n = 0;
        let mut vma = bindings::mapping_rmap_tree_iter_first(mapping, 0, last as _);
        while !vma.is_null() {
            n += 1;
            vma = bindings::mapping_rmap_tree_iter_next(vma, 0, last as _);
        }
        bindings::i_mmap_unlock_read(mapping);
        n
    }
}
