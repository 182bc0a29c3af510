// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "Page tables": zapping needs only a stable VMA, and
//       it may sleep, so it runs once the caller's atomic section has ended, still under the
//       VMA read lock taken in it.
//
//! Control: the spinlock is released, `assume_process` turns the token into a process-context
//! one at the same level, then our VMA is zapped under the VMA read lock (as Rust Binder's
//! shrinker, `rust_shrink_free_page` in drivers/android/binder/page_range.rs).
#![allow(dead_code)]

use kernel::{
    error::{code::EAGAIN, Result},
    mm::{
        order::Ctx,
        vm_ops::{VmOperations, VmOpsTable},
        MmWithUser,
    },
    page::PAGE_SIZE,
    prelude::*,
    sync::{Arc, SpinLock},
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

fn zap_first_page(lru: &SpinLock<usize>, mm: &MmWithUser, buf: &Buffer, addr: usize) -> Result {
    let lru = lru.lock();
    // SAFETY: No mm lock is held; the spinlock `lru` is (atomic context).
    let mut ctx = unsafe { Ctx::new_atomic() };
    let (vma, mut ctx) = mm.lock_vma_under_rcu(&mut ctx, addr).ok_or(EAGAIN)?;
    let ours = VM_OPS.owns(&vma, buf).ok_or(EAGAIN)?;
    drop(lru);
    // SAFETY: `lru` was the only reason for atomic context; it is released, so the task may
    // sleep again.
    let mut ctx = unsafe { ctx.assume_process() };
    ours.zap_vma_range(&mut ctx, vma.start(), PAGE_SIZE)?;
    Ok(())
}
