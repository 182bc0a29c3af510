// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": installing needs the VMA kept stable
//       "via an mmap or VMA lock".
//
//! Control: the same loop and insert, over the VMAs of an mm under its mmap read lock.
#![allow(dead_code)]

use kernel::{
    error::Result,
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

fn map_first_page(mm: &MmWithUser, buf: &Buffer, addr: usize, page: &Page) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    for vma in mmap.vmas(addr, addr + 1) {
        let Some(ours) = VM_OPS.owns(vma, buf) else {
            continue;
        };
        if let Some(vma) = ours.as_mixedmap_vma() {
            vma.vm_insert_page(&mut ctx, vma.start(), page)?;
        }
    }
    Ok(())
}
