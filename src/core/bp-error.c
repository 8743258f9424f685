/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-error"

#include "config.h"

#include "bp-error.h"

G_DEFINE_QUARK (bp-error-quark, bp_error)
