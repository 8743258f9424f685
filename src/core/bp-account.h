/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "bp-json-members.h"

#include "bp-problem.h"

G_BEGIN_DECLS

#define BP_TYPE_ACCOUNT (bp_account_get_type ())

G_DECLARE_DERIVABLE_TYPE (BpAccount, bp_account, BP, ACCOUNT, GObject)

/**
 * BpAccountClass:
 * @type_id: the stable identifier written to the store file ("salesforce")
 * @type_name: the name shown to people, untranslated here and translated when
 *   read through bp_account_get_type_name() ("Salesforce.com")
 * @validate: adds the problems of the type's own properties to @problems
 * @write_json: writes the type's own members into @object
 * @read_json: reads the type's own members from @members into the account made
 *   for it, which nobody holds yet (no need to notify, nor to forget derived
 *   texts such as the search texts); fails on wrong types
 * @get_secret_kinds: every keyring item kind an account of this type may own
 * @copy: returns a detached copy with the same id (a draft); the default copies
 *   every read-write property, the in-memory secrets and the unknown JSON members
 * @applied_over: called on a draft that replaces @saved, before it is written,
 *   so a type can update derived state (a token that now belongs elsewhere)
 * @add_search_texts: adds the type's own texts that a search finds the account
 *   by (a Salesforce account's Url) to @texts, as they are now; the type calls
 *   bp_account_forget_search_texts() when one of them changes
 *
 * The base class of every account type. A type is a contained change: a
 * subclass, one line in bp_account_types_ensure() and its editor in the GUI.
 */
struct _BpAccountClass
{
  GObjectClass parent_class;

  const char *type_id;
  const char *type_name;
  const char *description;
  const char *icon_name;

  void                 (*validate)         (BpAccount  *self,
                                            GPtrArray  *problems);
  void                 (*write_json)       (BpAccount  *self,
                                            JsonObject *object);
  gboolean             (*read_json)        (BpAccount           *self,
                                            const BpJsonMembers *members,
                                            GError             **error);
  const char * const * (*get_secret_kinds) (BpAccount  *self);
  BpAccount *          (*copy)             (BpAccount  *self);
  void                 (*applied_over)     (BpAccount  *self,
                                            BpAccount  *saved);
  void                 (*add_search_texts) (BpAccount  *self,
                                            GPtrArray  *texts);

  gpointer padding[7];
};

const char          *bp_account_get_id                (BpAccount   *self);
const char          *bp_account_get_name              (BpAccount   *self);
void                 bp_account_set_name              (BpAccount   *self,
                                                       const char  *name);
gboolean             bp_account_get_is_default        (BpAccount   *self);
void                 bp_account_set_is_default        (BpAccount   *self,
                                                       gboolean     is_default);
const char          *bp_account_get_type_id           (BpAccount   *self);
const char          *bp_account_get_type_name         (BpAccount   *self);

GPtrArray           *bp_account_validate              (BpAccount   *self,
                                                       GListModel  *accounts);
BpAccount           *bp_account_copy                  (BpAccount   *self);
void                 bp_account_applied_over          (BpAccount   *self,
                                                       BpAccount   *saved);

JsonObject          *bp_account_to_json               (BpAccount   *self);
BpAccount           *bp_account_new_from_json         (JsonObject  *object,
                                                       GError     **error);

/* Secrets: every kind the keyring may hold for this account, and the ones
 * held in memory while the account is edited (never written to the file). */
const char * const  *bp_account_get_secret_kinds      (BpAccount   *self);
const char          *bp_account_get_secret            (BpAccount   *self,
                                                       const char  *kind);
void                 bp_account_set_secret            (BpAccount   *self,
                                                       const char  *kind,
                                                       const char  *value);
gboolean             bp_account_is_secret_known       (BpAccount   *self,
                                                       const char  *kind);
void                 bp_account_forget_secret         (BpAccount   *self,
                                                       const char  *kind);
GStrv                bp_account_list_known_secrets    (BpAccount   *self);

gboolean             bp_account_is_same_name          (const char  *a,
                                                       const char  *b);
char                *bp_account_normalize_name        (const char  *name);
/* The key to sort names by, as GtkStringSorter does (ignoring case, in the
 * locale's order): compare with strcmp(). Made once until the name changes. */
const char          *bp_account_get_name_sort_key     (BpAccount   *self);
char                *bp_account_make_sort_key         (const char  *text);
/* The texts a search finds the account by, case-folded: its name, then its
 * type's own (add_search_texts). Made once, and valid until one of them
 * changes (transfer none). */
const char * const  *bp_account_get_search_texts      (BpAccount   *self);

/* The registry of account types this build supports, in display order. */
void                 bp_account_types_ensure          (void);
GType                bp_account_type_from_id          (const char  *type_id);
const GType         *bp_account_list_types            (guint       *n_types);

G_END_DECLS
