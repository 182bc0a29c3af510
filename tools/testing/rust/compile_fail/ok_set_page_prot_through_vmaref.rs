// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "VMA fields", table "Core fields": `vm_page_prot` is
//       written with "mmap write, VMA write".
//
//! Control: writing `vm_page_prot` under the mmap write lock and the VMA write lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, virt::PageProt, MmWithUser};

fn set_prot(mm: &MmWithUser, addr: usize, prot: PageProt) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_write_at(&mut ctx, addr)?;
    vma.set_page_prot(prot);
    Some(())
}
