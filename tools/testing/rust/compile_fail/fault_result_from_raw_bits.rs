// SPDX-License-Identifier: GPL-2.0
//
// rule: mm/memory.c, __do_fault() and do_page_mkwrite(): the core trusts the result bits
//       (VM_FAULT_LOCKED: the page is locked; VM_FAULT_RETRY/COMPLETED: the fault's lock was
//       dropped), so safe code cannot make a `VmFaultResult` from raw bits.
// expect-error: E0599
// expect-message: no associated function or constant named `from_raw`
// expect-message: found for struct `VmFaultResult`
// control: ok_fault_result_claims_page
//
//! Compile-fail case: a handler returns `VM_FAULT_LOCKED` built from raw bits.
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

    fn fault(buf: &Buffer, vmf: &mut VmFault<'_>) -> VmFaultResult {
        let _ = vmf.set_page(&buf.page);
        VmFaultResult::from_raw(kernel::bindings::vm_fault_reason_VM_FAULT_LOCKED)
    }
}
