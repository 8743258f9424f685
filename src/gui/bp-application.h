/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "bp-account-store.h"

G_BEGIN_DECLS

#define BP_TYPE_APPLICATION (bp_application_get_type ())

G_DECLARE_FINAL_TYPE (BpApplication, bp_application, BP, APPLICATION, GtkApplication)

BpApplication  *bp_application_new       (void);
BpAccountStore *bp_application_get_store (BpApplication *self);

G_END_DECLS
