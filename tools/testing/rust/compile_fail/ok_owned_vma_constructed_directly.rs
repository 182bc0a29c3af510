// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_private_data` is "handled by
//       driver"; only a VMA with this driver's `vm_ops` and this owner's `vm_private_data`
//       belongs to this owner.
//
//! Control: the `OwnedVma` comes from `VmOpsTable::owns`, which checks `vm_ops` and the owner.
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
    let owned: OwnedVma<'_, BufferVma> = VM_OPS.owns(vma, buf)?;
    Some(owned.owner().len)
}
