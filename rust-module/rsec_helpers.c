// SPDX-License-Identifier: GPL-2.0
/*
 * Thin wrappers of static-inline kernel functions and macros, for the Rust side of rsec.
 * No logic lives here: each function is one call, declared in bindings/rsec_bindings.h.
 */
#include "bindings/rsec_bindings.h"

const char *rsec_helper_kernel_release(void)
{
	return init_utsname()->release;
}
