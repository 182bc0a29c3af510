// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Core fields": `vm_private_data` is "handled by
//       driver" and means something only for a VMA whose `vm_ops` is that driver's table and
//       whose `vm_private_data` is the expected owner; a VMA looked up by address may have been
//       replaced by someone else's mapping.
// expect-error: E0599
// expect-message: no method named `owner` found for reference `&VmaRef`
//
//! Compile-fail case: reading the driver's owner from a `&VmaRef` without `VmOpsTable::owns`.
#![allow(dead_code)]

use kernel::{
    mm::{
        order::Ctx,
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

fn buffer_len(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Option<usize> {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, _ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr)?;
    Some(vma.owner().len)
}
