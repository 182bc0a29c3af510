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
    prelude::*,
    sync::Arc,
};

include!("support/driver.rs");

/// The driver's `vm_operations_struct`, as `BufferVma` but with the callbacks under test.
struct PageVma;

static PAGE_VM_OPS: VmOpsTable<PageVma> = VmOpsTable::new();

#[vtable]
impl VmOperations for PageVma {
    type Owner = Buffer;
    type Data = Arc<Buffer>;

    fn fault(_buf: &Buffer, vmf: &mut VmFault<'_>) -> VmFaultResult {
        vmf.proceed()
    }
}
