// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock ordering" (mm/rmap.c): "vma_start_write" comes
//       before "mapping->i_mmap_rwsem".
//
//! Control: the same two locks in the documented order, VMA write lock first.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    fs::File,
    mm::{
        order::Ctx,
        rmap::AddressSpace,
        virt::flags,
        vm_ops::{VmOperations, VmOpsTable},
        MmWithUser,
    },
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

fn dontcopy(mm: &MmWithUser, file: &File, buf: &Buffer, addr: usize) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let ours = VM_OPS.owns(vma, buf).ok_or(EINVAL)?;
    let vma = mmap.vma_start_write(&mut ctx, vma);
    let (_i_mmap, _ctx) = AddressSpace::of_file(file).i_mmap_lock_write(&mut ctx);
    vma.mod_flags(&ours, flags::DONTCOPY, 0)
}
