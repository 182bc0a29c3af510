// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c: VM_MIXEDMAP and VM_PFNMAP exclude each other (vm_insert_page():
//       "BUG_ON(vma->vm_flags & VM_PFNMAP)"; vm_normal_page() reads the two flags as two
//       different page-table layouts). `f_op->mmap` chooses one kind, once (`VmaNew` type state).
// expect-error: E0599
// expect-message: no method named `set_pfnmap` found
// expect-message: for struct `NewMapping<MmapTarget<'_>, MixedMap>`
//
//! Compile-fail case: setting VM_PFNMAP on a VMA that `mmap` already made VM_MIXEDMAP.
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
    let _vma = vma.set_pfnmap()?; // misuse: vma.set_dontdump();
    Ok(())
}
