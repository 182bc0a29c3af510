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

    fn fault(buf: &Buffer, vmf: &mut VmFault<'_>) -> VmFaultResult {
        vmf.set_page(&buf.page)
    }

    fn page_mkwrite(_buf: &Buffer, vmf: &mut VmFault<'_, Proceed>) -> VmFaultResult {
        vmf.proceed()
    }
}
