// SPDX-License-Identifier: GPL-2.0
//
// rule: Documentation/mm/process_addrs.rst, "VMA fields" (core fields: `vm_page_prot` is written
//       under the mmap and VMA write locks, from the flags): page protection bits reach the page
//       tables, so safe code may not choose them (a writable entry over a read-only page, a PFN
//       of other memory, no present bit).
// expect-error: E0423
// expect-message: cannot initialize a tuple struct which contains private fields
//
//! Compile-fail case: a driver makes a `PageProt` from raw bits.
use kernel::mm::virt::PageProt;

/// Present, writable, user: bits only the kernel may choose.
pub fn forge() -> PageProt {
    PageProt(0x67)
}
