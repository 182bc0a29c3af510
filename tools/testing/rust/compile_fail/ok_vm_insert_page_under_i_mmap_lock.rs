// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": installing needs the VMA kept stable
//       "via an mmap or VMA lock".
//
//! Control: the same loop and insert, over the VMAs of an mm under its mmap read lock.
#![allow(dead_code)]

use kernel::{
    error::Result,
    mm::{order::Ctx, MmWithUser},
    page::Page,
};

include!("support/driver.rs");

fn map_first_page(mm: &MmWithUser, buf: &Buffer, addr: usize, page: &Page) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    for vma in mmap.vmas(addr, addr + 1) {
        let Some(ours) = VM_OPS.owns(vma, buf) else {
            continue;
        };
        if let Some(vma) = ours.as_mixedmap_vma() {
            vma.vm_insert_page(&mut ctx, vma.start(), page)?;
        }
    }
    Ok(())
}
