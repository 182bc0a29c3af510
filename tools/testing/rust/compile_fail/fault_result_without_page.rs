// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c, __do_fault(): a `->fault()` result of 0 means `vmf->page` holds a referenced
//       page, which the core locks and maps; 0 without a page is a NULL dereference. Only
//       `VmFault::set_page` yields that result in `fault`.
// expect-error: E0599
// expect-message: no method named `proceed` found for mutable reference `&mut VmFault<'_>`
// control: ok_fault_result_claims_page
//
//! Compile-fail case: `fault` returns "done" (0) without setting a page.
#![allow(dead_code)]

use kernel::{
    mm::{
        fault::{VmFault, VmFaultResult},
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

    fn fault(_buf: &Buffer, vmf: &mut VmFault<'_>) -> VmFaultResult {
        vmf.proceed()
    }
}
