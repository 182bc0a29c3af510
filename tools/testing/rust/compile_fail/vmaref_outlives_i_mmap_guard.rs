// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" (rmap locks) and "Lock usage": a VMA
//       reached through the reverse mapping is stable only while the i_mmap_rwsem is held.
// expect-error: E0505
// expect-message: cannot move out of `i_mmap` because it is borrowed
//
//! Compile-fail case: a `&VmaRef` from an i_mmap walk used after `i_mmap_unlock_read`.
#![allow(dead_code)]

use kernel::{
    fs::File,
    mm::{order::Ctx, rmap::AddressSpace},
};

fn first_start(file: &File) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (i_mmap, _ctx) = AddressSpace::of_file(file).i_mmap_lock_read(&mut ctx);
    let first = i_mmap.vmas(0, usize::MAX).next()?;
    drop(i_mmap); // misuse: let start = first.start();
    let start = first.start(); // misuse: drop(i_mmap);
    Some(start)
}
