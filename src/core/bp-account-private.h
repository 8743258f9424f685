/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "bp-account.h"

G_BEGIN_DECLS

/* Readers of one member of an account's JSON object, shared by the account
 * types. An absent member or a JSON null leaves *value untouched and succeeds;
 * a member of another JSON type fails with BP_ERROR_STORE_CORRUPT and a
 * message that names the member and what it holds. */
gboolean   bp_account_read_string_member  (const BpJsonMembers  *members,
                                           const char           *name,
                                           char                **value,
                                           GError              **error);
gboolean   bp_account_read_boolean_member (const BpJsonMembers  *members,
                                           const char           *name,
                                           gboolean             *value,
                                           GError              **error);

/* bp_account_new_from_json() for members read without json-glib: the store
 * file's reader (bp-account-store-file.c). */
BpAccount *bp_account_new_from_members    (const BpJsonMembers  *members,
                                           GError              **error);

/* The members read from the file that this version does not write itself
 * and keeps to write back (never a secret); NULL when there are none. For
 * the tests. */
JsonObject *bp_account_peek_unknown_members (BpAccount *self);

/* For a type whose own search text (add_search_texts) has changed. */
void      bp_account_forget_search_texts (BpAccount   *self);

/* Trims Unicode white space on both ends; never returns NULL. */
char     *bp_account_strip_text          (const char  *text);

/* Overwrites @length bytes at @data in a way the compiler cannot drop. */
void      bp_account_wipe_memory         (gpointer     data,
                                          gsize        length);

G_END_DECLS
