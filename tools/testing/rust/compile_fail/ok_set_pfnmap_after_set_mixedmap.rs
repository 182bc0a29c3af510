// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c: VM_MIXEDMAP and VM_PFNMAP exclude each other; `f_op->mmap` chooses one.
//
//! Control: `mmap` chooses VM_MIXEDMAP only, then sets a flag that does not change the kind.
#![allow(dead_code)]

use kernel::{
    error::Result,
    mm::{
        order::{Ctx, MmapLock},
        vm_ops::VmaNew,
    },
};

fn mmap(vma: VmaNew<'_>, _ctx: &mut Ctx<'_, MmapLock>) -> Result {
    let vma = vma.set_mixedmap()?;
    vma.set_dontexpand();
    vma.set_dontdump();
    Ok(())
}
