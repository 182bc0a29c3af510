// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c: VM_MIXEDMAP and VM_PFNMAP exclude each other, so `f_op->mmap` chooses the
//       mapping kind once.
//
//! Control: `set_mixedmap` once; the flags are then set on the handle it returned.
#![allow(dead_code)]

use kernel::{
    error::Result,
    mm::{
        order::{Ctx, MmapLock},
        vm_ops::VmaNew,
    },
};

fn mmap(vma: VmaNew<'_>, _ctx: &mut Ctx<'_, MmapLock>) -> Result {
    let first = vma.set_mixedmap()?;
    first.set_dontexpand();
    first.set_dontdump();
    Ok(())
}
