// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Terminology" (VMA locks): "To take a VMA write
//       lock you **must** have already acquired an mmap_write_lock".
//
//! Control: wrapping a raw VMA (of ours) in a write guard is possible, inside `unsafe`, by a
//! caller that promises both locks are held.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{
        order::{Ctx, MmapLock},
        virt::{flags, VmaRef, VmaWriteGuard},
    },
};

include!("support/driver.rs");

/// # Safety
///
/// The caller holds the mmap write lock of `vma`'s mm and has called `vma_start_write` on it.
unsafe fn mark_dontcopy(vma: &VmaRef, buf: &Buffer, ctx: &mut Ctx<'_, MmapLock>) -> Result {
    let ours = VM_OPS.owns(vma, buf).ok_or(EINVAL)?;
    // SAFETY: The caller holds the mmap write lock and the VMA write lock.
    let vma = unsafe { VmaWriteGuard::from_raw(vma.as_ptr()) };
    vma.mod_flags(ctx, &ours, flags::DONTCOPY, 0)
}
