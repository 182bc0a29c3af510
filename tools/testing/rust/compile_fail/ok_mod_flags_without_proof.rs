// SPDX-License-Identifier: GPL-2.0
//
// rule: Rust Binder fix "check ownership before using vma" (Feb 2026);
//       Documentation/mm/process_addrs.rst, "VMA fields" (table "Core fields": `vm_ops` and
//       `vm_private_data` are "written once on initial map by `f_ops->mmap()`", the latter
//       "Handled by driver"): a driver changes only the VMAs it set up itself. A VMA found by
//       address may be another mapping that replaced its own (MAP_FIXED, another open file of the
//       same driver); only `VmOpsTable::owns` (table and owner) makes it the driver's.
//
//! Control: the same flags change, with the `OwnedVma` that `VmOpsTable::owns` returns for that
//! VMA as proof.
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
    let w = mmap.vma_write_at(&mut ctx, addr)?;
    let ours = VM_OPS.owns(&w, buf)?;
    Some(w.mod_flags(&ours, flags::DONTCOPY, 0))
}
