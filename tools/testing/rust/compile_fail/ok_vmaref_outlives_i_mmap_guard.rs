// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" (rmap locks): a VMA reached through the
//       reverse mapping is stable while the i_mmap_rwsem is held.
//
//! Control: the VMA is read before `i_mmap_unlock_read`; only the value is kept.
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
    let start = first.start();
    drop(i_mmap);
    Some(start)
}
