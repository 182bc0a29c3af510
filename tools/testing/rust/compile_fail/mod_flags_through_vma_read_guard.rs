// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Lock usage", lock-state table, row "- R -": a VMA read
//       lock makes the VMA stable and readable, "Write most? N"; table "Core fields": `__vm_flags`
//       is written with "mmap write, VMA write".
// expect-error: E0599
// expect-message: no method named `mod_flags` found for struct `VmaReadGuard<'_>`
//
//! Compile-fail case: changing the flags of a VMA of ours under a VMA read lock.
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
    let (vma, _ctx) = mm.lock_vma_under_rcu(&mut ctx, addr)?;
    let ours = VM_OPS.owns(&vma, buf)?;
    Some(vma.mod_flags(&ours, flags::DONTCOPY, 0))
}
