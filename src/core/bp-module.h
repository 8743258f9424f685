/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The start of every table a module of ours gives (bp-crypto, bp-keyring):
 * what the loader checks before it trusts the rest. */
typedef struct
{
  gsize size;      /* sizeof the table in the module's build */
  guint version;   /* the table's version in the module's build */
} BpModuleTable;

typedef const BpModuleTable *(*BpModuleEntryPoint) (void);

/* What to load, and, once loaded, what came of it. One static instance per
 * module; only bp-module.c touches the fields after the first five. */
typedef struct
{
  const char          *file_name;     /* "libbp-crypto." G_MODULE_SUFFIX */
  const char          *default_dir;   /* where it was installed (config.h) */
  const char          *entry_point;
  guint                version;
  gsize                size;

  /*< private >*/
  gpointer             loaded;
} BpModuleSpec;

const BpModuleTable *bp_module_load (BpModuleSpec  *spec,
                                     GError       **error);

G_END_DECLS
