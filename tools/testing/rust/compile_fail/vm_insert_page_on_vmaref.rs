// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c, vm_insert_page(): on a VMA without VM_MIXEDMAP it sets the flag itself,
//       which needs the mmap write lock ("BUG_ON(mmap_read_trylock(vma->vm_mm))"), and a
//       VM_PFNMAP VMA is a bug ("BUG_ON(vma->vm_flags & VM_PFNMAP)"). Only a VMA proven to be
//       VM_MIXEDMAP (`OwnedVma::as_mixedmap_vma` -> `VmaMixedMap`) may get pages inserted.
// expect-error: E0599
// expect-message: no method named `vm_insert_page` found for reference `&VmaRef`
//
//! Compile-fail case: `vm_insert_page` on the plain `&VmaRef` of a VMA of ours (not checked
//! for VM_MIXEDMAP).
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{
        order::Ctx,
        vm_ops::{VmOperations, VmOpsTable},
        MmWithUser,
    },
    page::Page,
    prelude::*,
    sync::Arc,
    ModuleMetadata,
};

/// What `module!` would declare: `#[vtable]` impls name `crate::LocalModule` as their owner.
struct LocalModule;

impl ModuleMetadata for LocalModule {
    const NAME: &'static CStr = c"compile_fail";
    // SAFETY: This crate is only type-checked, never loaded: it has no `THIS_MODULE`, and a null
    // module pointer is what the `kernel` crate's own `LocalModule` uses.
    const THIS_MODULE: ThisModule = unsafe { ThisModule::from_ptr(core::ptr::null_mut()) };
}

struct Buffer;

struct BufferVma;

#[vtable]
impl VmOperations for BufferVma {
    type Owner = Buffer;
    type Data = Arc<Buffer>;
}

static VM_OPS: VmOpsTable<BufferVma> = VmOpsTable::new();

fn insert(mm: &MmWithUser, buf: &Buffer, addr: usize, page: &Page) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let ours = VM_OPS.owns(vma, buf).ok_or(EINVAL)?;
    ours.vma().vm_insert_page(&mut ctx, addr, page)
}
