// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c, vm_insert_page(): the VMA must already be VM_MIXEDMAP (and so not
//       VM_PFNMAP) when the mmap lock is only held for read.
//
//! Control: the same insert, after `as_mixedmap_vma` proved the VMA is VM_MIXEDMAP.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{order::Ctx, MmWithUser},
    page::Page,
};

fn insert(mm: &MmWithUser, addr: usize, page: &Page) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let vma = vma.as_mixedmap_vma().ok_or(EINVAL)?;
    vma.vm_insert_page(&mut ctx, addr, page)
}
