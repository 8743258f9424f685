/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bp-account-store.h"

G_BEGIN_DECLS

/* Reading the store file (bp-account-store-file.c): pure, so it runs in a
 * worker thread and can be fuzzed on its own. */
typedef struct
{
  GPtrArray  *accounts;          /* BpAccount, in file order */
  JsonObject *root;              /* the top-level members this version does not write */
  GError     *read_only_error;   /* set: the file must not be overwritten */
  gint64      version;           /* the format version of the file; 0 when there was none */
} BpStoreContents;

void             bp_store_contents_free (BpStoreContents *contents);

/* Judges the bytes of a store file, without touching any file: @contents
 * (transfer full, with a NUL byte at @length, as g_file_load_contents()
 * gives it) is parsed into the accounts and the other members. A file
 * written by a newer version gives its members and no accounts (version
 * says so). Returns NULL with @reason set to why the file cannot be used. */
BpStoreContents *bp_store_contents_new_from_data (char   *contents,
                                                  gsize   length,
                                                  char  **reason);

/* A missing file is an empty store. A file that cannot be used is moved to
 * accounts.json.corrupt-<timestamp> and reported (BP_ERROR_STORE_CORRUPT)
 * with an empty store; one written by a newer version is left alone and the
 * store is read-only. Returns NULL only when nothing could be decided. */
BpStoreContents *bp_store_file_read     (GFile           *file,
                                         GError         **error);

/* A save writes ".accounts.json.XXXXXX" + this beside the file, then renames
 * it over the file; loading removes those a killed save left behind. */
#define BP_STORE_TEMP_FILE_SUFFIX ".saving"

/* Whether a save may replace what is at @path: nothing, or a regular file
 * of this user's. Otherwise FALSE, and @reason says what is there and what
 * to do. Never follows a symbolic link. See bp-account-store-file.c. */
gboolean         bp_store_file_is_replaceable (const char  *path,
                                               char       **reason);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpStoreContents, bp_store_contents_free)

G_END_DECLS
