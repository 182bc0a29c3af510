// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "mmap write lock downgrading": downgrading
//       "implicitly terminates all VMA write locks via vma_end_write_all"; "VMA lock
//       internals": "releasing or downgrading the mmap write lock also releases the VMA write
//       lock".
// expect-error: E0505
// expect-message: cannot move out of `mmap` because it is borrowed
//
//! Compile-fail case: using a VMA write guard (on a VMA of ours) after `mmap_write_downgrade`.
#![allow(dead_code)]

use kernel::{
    mm::{
        order::Ctx,
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

fn mark_dontcopy(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Option<Result> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_write_lock(&mut ctx);
    let vma = mmap.vma_write_at(&mut ctx, addr)?;
    let ours = VM_OPS.owns(&vma, buf)?;
    let mmap = mmap.downgrade();
    let ret = vma.mod_flags(&ours, flags::DONTCOPY, 0);
    let _still_mapped = mmap.vma_lookup(addr)?;
    Some(ret)
}
