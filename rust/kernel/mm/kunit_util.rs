// SPDX-License-Identifier: GPL-2.0

//! Shared helpers of the KUnit suites of `kernel::mm`.
//!
//! The suites are declared with `#[kunit_tests]`. Their cases return [`TestResult`], so a check
//! can end a case early with a message naming the failed condition ([`kunit_check!`],
//! [`kunit_check_eq!`]) and a case can report itself skipped with a reason ([`kunit_skip!`]).

use crate::{bindings, error::Error, str::CStr};

/// Why a case did not pass.
#[derive(Debug)]
pub(crate) enum TestError {
    /// A check failed; the message was printed where it failed.
    Failed,
    /// The case cannot run here; the reason becomes the KTAP `# SKIP` comment.
    Skipped(&'static CStr),
}

/// The result of one case.
pub(crate) type TestResult = core::result::Result<(), TestError>;

impl From<crate::alloc::AllocError> for TestError {
    fn from(_: crate::alloc::AllocError) -> Self {
        crate::pr_err!("    # allocation failed\n");
        TestError::Failed
    }
}

impl From<Error> for TestError {
    fn from(e: Error) -> Self {
        crate::pr_err!("    # unexpected error: {:?}\n", e);
        TestError::Failed
    }
}

/// Turns [`TestError::Skipped`] into a KUnit skip of the running case; other results pass
/// through to `#[kunit_tests]`, which fails the case on `Err`.
pub(crate) fn report(result: TestResult) -> TestResult {
    let Err(TestError::Skipped(reason)) = result else {
        return result;
    };
    // SAFETY: FFI call without requirements; we run inside a KUnit case.
    let test = unsafe { bindings::kunit_get_current_test() };
    if test.is_null() {
        return Err(TestError::Failed);
    }
    // SAFETY: `test` is the running case's `struct kunit`; only this task writes its status and
    // comment while the case runs.
    let comment = unsafe { &mut (*test).status_comment };
    let n = reason.to_bytes().len().min(comment.len() - 1);
    for (dst, src) in comment.iter_mut().zip(&reason.to_bytes()[..n]) {
        *dst = *src;
    }
    comment[n] = 0;
    // SAFETY: As above; KUnit reads the status after the case returns.
    unsafe { (*test).status = bindings::kunit_status_KUNIT_SKIPPED };
    Ok(())
}

/// Fails the case (returns [`TestError::Failed`]) unless `cond` holds, printing the condition.
macro_rules! kunit_check {
    ($cond:expr $(,)?) => {
        if !$cond {
            $crate::pr_err!(
                "    # ASSERTION FAILED at {}:{}: expected `{}`\n",
                file!(),
                line!(),
                stringify!($cond)
            );
            return Err($crate::mm::kunit_util::TestError::Failed);
        }
    };
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            $crate::pr_err!(
                "    # ASSERTION FAILED at {}:{}: expected `{}`: {}\n",
                file!(),
                line!(),
                stringify!($cond),
                format_args!($($arg)+)
            );
            return Err($crate::mm::kunit_util::TestError::Failed);
        }
    };
}

/// Fails the case unless `left == right`, printing both values.
macro_rules! kunit_check_eq {
    ($left:expr, $right:expr $(,)?) => {
        match (&$left, &$right) {
            (l, r) => {
                if !(*l == *r) {
                    $crate::pr_err!(
                        "    # ASSERTION FAILED at {}:{}: `{}` == `{}` ({:?} != {:?})\n",
                        file!(),
                        line!(),
                        stringify!($left),
                        stringify!($right),
                        l,
                        r
                    );
                    return Err($crate::mm::kunit_util::TestError::Failed);
                }
            }
        }
    };
}

/// Ends the case as skipped, with `reason` as the KTAP comment.
macro_rules! kunit_skip {
    ($reason:literal) => {
        return Err($crate::mm::kunit_util::TestError::Skipped($crate::c_str!(
            $reason
        )))
    };
}

/// Declares a KUnit suite (`#[kunit_tests]`) whose cases are the listed functions of the
/// enclosing module, under the same names.
macro_rules! mm_suite {
    ($suite:ident, [$($case:ident),+ $(,)?]) => {
        #[::macros::kunit_tests($suite)]
        mod $suite {
            use $crate::mm::kunit_util::{report, TestResult};
            $(
                #[test]
                fn $case() -> TestResult {
                    report(super::$case())
                }
            )+
        }
    };
}

pub(crate) use {kunit_check, kunit_check_eq, kunit_skip, mm_suite};
