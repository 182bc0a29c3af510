// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c, vm_insert_page(): on a VMA without VM_MIXEDMAP it sets the flag itself,
//       which needs the mmap write lock ("BUG_ON(mmap_read_trylock(vma->vm_mm))"), and a
//       VM_PFNMAP VMA is a bug ("BUG_ON(vma->vm_flags & VM_PFNMAP)"). Only a VMA proven to be
//       VM_MIXEDMAP (`OwnedVma::as_mixedmap_vma` -> `VmaMixedMap`) may get pages inserted.
// expect-error: E0599
// expect-message: no method named `vm_insert_page` found for reference `&VmaRef`
//
//! Compile-fail case: `vm_insert_page` on the plain `&VmaRef` of a VMA of ours (not checked
//! for VM_MIXEDMAP).
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{order::Ctx, MmWithUser},
    page::Page,
};

include!("support/driver.rs");

fn insert(mm: &MmWithUser, buf: &Buffer, addr: usize, page: &Page) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let ours = VM_OPS.owns(vma, buf).ok_or(EINVAL)?;
    let vma = ours.vma(); // misuse: let vma = ours.as_mixedmap_vma().ok_or(EINVAL)?;
    vma.vm_insert_page(&mut ctx, addr, page)
}
