// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" (VMA locks): "To take a VMA write
//       lock you **must** have already acquired an mmap_write_lock". A VmaWriteGuard is only
//       handed out by MmapWriteGuard::vma_start_write; wrapping a raw VMA is an unsafe promise.
// expect-error: E0133
// expect-message: call to unsafe function `VmaWriteGuard::<'a>::from_raw` is unsafe
//
//! Compile-fail case: forging a VMA write guard from a read view (of a VMA of ours) without
//! `unsafe`.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{
        order::{Ctx, MmapLock},
        virt::{flags, VmaRef, VmaWriteGuard},
    },
};

include!("support/driver.rs");

fn mark_dontcopy(vma: &VmaRef, buf: &Buffer, ctx: &mut Ctx<'_, MmapLock>) -> Result {
    let ours = VM_OPS.owns(vma, buf).ok_or(EINVAL)?;
    let vma = VmaWriteGuard::from_raw(vma.as_ptr());
    vma.mod_flags(ctx, &ours, flags::DONTCOPY, 0)
}
