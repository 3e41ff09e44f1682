/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel API rsec uses from Rust. bindgen reads this header (scripts/gen-bindings) with
 * the allowlist beside it; rsec_helpers.c implements the rsec_helper_* functions, thin
 * wrappers of static-inline kernel functions and macros that bindgen cannot bind.
 */
#include <linux/utsname.h>

const char *rsec_helper_kernel_release(void);
