// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page table locking details": nothing that sleeps runs
//       under a PTE spinlock. VmaWriteGuard::mod_flags unmaps the VMA when VM_WRITE goes
//       (zap_vma_range, which takes the PTE locks itself and may sleep), so it takes a
//       process-context token, which a held PteGuard does not give.
// expect-error: E0277
// expect-message: the trait bound `PageTableLock: Sleepable` is not satisfied
//
//! Compile-fail case: sealing a VMA read-only (`mod_flags` clearing `VM_WRITE`) with the token
//! of a PTE lock held on one of its tables.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{order::Ctx, pgtable::PteGuard, virt::flags, MmWithUser},
};

include!("support/driver.rs");

fn seal_if_present(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_write_at(&mut ctx, addr).ok_or(EINVAL)?;
    let ours = VM_OPS.owns(&vma, buf).ok_or(EINVAL)?;
    let (pte, mut pte_ctx) = // misuse: let (pte, _ctx) =
        PteGuard::lock(&mut ctx, &vma, addr).ok_or(EINVAL)?;
    vma.mod_flags(&mut pte_ctx, &ours, 0, flags::WRITE)?; // misuse
    let present = pte.get().is_present();
    drop(pte);
    if present {
        vma.mod_flags(&mut ctx, &ours, 0, flags::WRITE)?;
    }
    Ok(())
}
