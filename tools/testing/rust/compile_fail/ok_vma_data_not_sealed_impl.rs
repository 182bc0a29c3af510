// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_private_data` is "handled by
//       driver" and shared by every copy of the VMA; an `Arc` gives each copy its own reference
//       (`->open()`), dropped by its `->close()`.
//
//! Control: the same driver with `Arc`, one of the two `VmaData` kinds the `kernel` crate seals.
#![allow(dead_code)]

use kernel::{
    mm::vm_ops::{VmOperations, VmOpsTable, VmaNew},
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

fn mmap(vma: VmaNew<'_>, buf: Arc<Buffer>) {
    vma.set_vm_ops(&VM_OPS, buf);
}
