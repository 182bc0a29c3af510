// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage", lock-state table, row "- R -": "Write
//       most? N"; table "Core fields": `vm_page_prot` is written with "mmap write, VMA write".
// expect-error: E0599
// expect-message: no method named `set_page_prot` found for struct `VmaReadGuard<'_>`
//
//! Compile-fail case: writing `vm_page_prot` under a VMA read lock.
#![allow(dead_code)]

use kernel::mm::{order::Ctx, virt::PageProt, MmWithUser};

fn set_prot(mm: &MmWithUser, addr: usize, prot: PageProt) -> Option<()> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (vma, _ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    vma.set_page_prot(prot);
    Some(())
}
