// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c, __do_fault(): a `->fault()` result of 0 means `vmf->page` holds a referenced
//       page; `VmFault::set_page` sets it and yields that result.
//
//! Control: `fault` returns the result of `set_page`; `page_mkwrite` may proceed.
#![allow(dead_code)]

use kernel::{
    mm::{
        fault::{Proceed, VmFault, VmFaultResult},
        vm_ops::{VmOperations, VmOpsTable},
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

struct Buffer {
    page: Page,
}

struct BufferVma;

static VM_OPS: VmOpsTable<BufferVma> = VmOpsTable::new();

#[vtable]
impl VmOperations for BufferVma {
    type Owner = Buffer;
    type Data = Arc<Buffer>;

    fn fault(buf: &Buffer, vmf: &mut VmFault<'_>) -> VmFaultResult {
        vmf.set_page(&buf.page)
    }

    fn page_mkwrite(_buf: &Buffer, vmf: &mut VmFault<'_, Proceed>) -> VmFaultResult {
        vmf.proceed()
    }
}
