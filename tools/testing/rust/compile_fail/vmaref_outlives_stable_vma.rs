// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage": read the VMA under a VMA read lock or, on
//       failure, the mmap read lock ("fall-back logic is required"); the VMA is stable only while
//       whichever lock was taken is held.
// expect-error: E0505
// expect-message: cannot move out of `vma` because it is borrowed
//
//! Compile-fail case: a `&VmaRef` of a `StableVma` used after the `StableVma` is dropped.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, virt::VmaRef, MmWithUser};

fn vma_start(mm: &MmWithUser, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (vma, _ctx) = mm.lock_vma(&mut ctx, addr)?;
    let view: &VmaRef = &vma;
    drop(vma); // misuse: let start = view.start();
    let start = view.start(); // misuse: drop(vma);
    Some(start)
}
