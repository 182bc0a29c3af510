// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "VMA fields", table "Core fields": `vm_page_prot` is
//       written with "mmap write, VMA write"; the mmap read lock gives "Write most? N".
// expect-error: E0599
// expect-message: no method named `set_page_prot` found for reference `&VmaRef`
//
//! Compile-fail case: writing `vm_page_prot` under the mmap read lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, virt::PageProt, MmWithUser};

fn set_prot(mm: &MmWithUser, addr: usize, prot: PageProt) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    vma.set_page_prot(prot);
    Some(())
}
