// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": zapping needs only a stable VMA (here
//       the mmap read lock), and it may sleep, so it runs after the PTE lock is released.
//
//! Control: read the entry under the PTE lock, release it, then zap our VMA with the mmap-lock
//! token.
#![allow(dead_code)]

use kernel::{
    error::{code::EINVAL, Result},
    mm::{
        order::Ctx,
        pgtable::PteGuard,
        vm_ops::{VmOperations, VmOpsTable},
        MmWithUser,
    },
    page::PAGE_SIZE,
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

fn zap_if_present(mm: &MmWithUser, buf: &Buffer, addr: usize) -> Result {
    // SAFETY: Called in process context that holds no mm lock.
    let mut ctx = unsafe { Ctx::new() };
    let (mmap, mut ctx) = mm.mmap_read_lock(&mut ctx);
    let vma = mmap.vma_lookup(addr).ok_or(EINVAL)?;
    let ours = VM_OPS.owns(vma, buf).ok_or(EINVAL)?;
    let (pte, _ctx) = PteGuard::lock(&mut ctx, vma, addr).ok_or(EINVAL)?;
    let (present, page) = (pte.get().is_present(), pte.addr());
    drop(pte);
    if present {
        ours.zap_vma_range(&mut ctx, page, PAGE_SIZE)?;
    }
    Ok(())
}
