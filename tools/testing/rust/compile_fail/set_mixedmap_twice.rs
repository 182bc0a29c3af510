// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c: VM_MIXEDMAP and VM_PFNMAP exclude each other, so `f_op->mmap` chooses the
//       mapping kind once; `set_mixedmap` consumes the unset `VmaNew`, so the undecided handle
//       (which could still choose VM_PFNMAP) cannot be used again after the choice.
// expect-error: E0382
// expect-message: use of moved value: `vma`
//
//! Compile-fail case: calling `set_mixedmap` twice on the same `VmaNew`.
#![allow(dead_code)]

use kernel::{
    error::Result,
    mm::{
        order::{Ctx, MmapLock},
        vm_ops::VmaNew,
    },
};

fn mmap(vma: VmaNew<'_>, _ctx: &mut Ctx<'_, MmapLock>) -> Result {
    let mixed = vma.set_mixedmap()?;
    mixed.set_dontexpand();
    let mixed = vma.set_mixedmap()?; // misuse
    mixed.set_dontdump();
    Ok(())
}
