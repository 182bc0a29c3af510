// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_ops` is "written once on initial
//       map by f_ops->mmap()" and `vm_private_data` is "handled by driver": only a VMA whose
//       `vm_ops` is this driver's table, and whose `vm_private_data` is this owner, belongs to
//       this owner. A VMA found by address may belong to anyone (another driver, or another
//       file of this driver), so `OwnedVma` is only made by `VmOpsTable::owns`, which checks both.
// expect-error: E0451
// expect-message: fields `vma` and `owner` of struct `OwnedVma` are private
//
//! Compile-fail case: building an `OwnedVma` for a foreign VMA without `VmOpsTable::owns`.
#![allow(dead_code)]

use kernel::{
    mm::{
        virt::VmaRef,
        vm_ops::{OwnedVma, VmOperations, VmOpsTable},
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

struct Buffer {
    len: usize,
}

struct BufferVma;

#[vtable]
impl VmOperations for BufferVma {
    type Owner = Buffer;
    type Data = Arc<Buffer>;
}

static VM_OPS: VmOpsTable<BufferVma> = VmOpsTable::new();

fn buffer_len(vma: &VmaRef, buf: &Buffer) -> Option<usize> {
    let owned: OwnedVma<'_, BufferVma> = OwnedVma { vma, owner: buf };
    Some(owned.owner().len)
}
