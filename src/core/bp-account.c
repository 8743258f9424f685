/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-account"

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "bp-account-private.h"
#include "bp-error.h"
#include "bp-json.h"
#include "bp-json-members.h"
#include "bp-salesforce-account.h"

typedef struct
{
  char       *id;
  char       *name;
  gboolean    is_default;

  /* bp_account_normalize_name() of name, made when first needed: a
   * validation compares it with every other account's. */
  char       *normalized_name;
  /* bp_account_get_name_sort_key(), made when first needed. */
  char       *name_sort_key;
  /* bp_account_get_search_texts(), made when first needed: the array and
   * its texts in one block, which a search through thousands of accounts
   * reads without touching their other memory. */
  char      **search_texts;

  /* kind → value; a kind present in the table is "known" (read from the
   * keyring or typed), an empty value is known and empty. Wiped on free.
   * NULL until a secret is known: most of thousands of accounts never are. */
  GHashTable *secrets;

  /* The members last read from the store file that this version does not
   * write itself (minus secret-looking ones), so members a newer version
   * wrote survive a save; NULL when there were none. */
  JsonObject *json;
} BpAccountPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (BpAccount, bp_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_NAME,
  PROP_IS_DEFAULT,
  PROP_TYPE_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The account types this build supports, in display order. Adding a type is
 * one line here. */
static GType (* const account_type_getters[]) (void) = {
  bp_salesforce_account_get_type,
};

/* Terminated by G_TYPE_INVALID. */
static GType account_types[G_N_ELEMENTS (account_type_getters) + 1];

static const char * const no_secret_kinds[] = { NULL };

/* A volatile function pointer: the compiler cannot prove the stores dead. */
static void *(* const volatile wipe_memset) (void *, int, size_t) = memset;

void
bp_account_wipe_memory (gpointer data,
                        gsize    length)
{
  if (data != NULL && length > 0)
    wipe_memset (data, 0, length);
}

static void
wipe_and_free_string (gpointer data)
{
  char *text = data;

  if (text == NULL)
    return;

  bp_account_wipe_memory (text, strlen (text));
  g_free (text);
}

static GHashTable *
new_secrets_table (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, wipe_and_free_string);
}

char *
bp_account_strip_text (const char *text)
{
  g_autofree char *valid = NULL;
  const char *start;
  const char *end;

  if (text == NULL)
    return g_strdup ("");

  valid = g_utf8_make_valid (text, -1);

  start = valid;
  while (*start != '\0' && g_unichar_isspace (g_utf8_get_char (start)))
    start = g_utf8_next_char (start);

  end = start;
  for (const char *p = start; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (!g_unichar_isspace (g_utf8_get_char (p)))
        end = g_utf8_next_char (p);
    }

  return g_strndup (start, end - start);
}

/* JSON helpers */

gboolean
bp_account_read_string_member (const BpJsonMembers  *members,
                               const char           *name,
                               char                **value,
                               GError              **error)
{
  const BpJsonMember *member;
  gsize length;

  g_return_val_if_fail (members != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  member = bp_json_members_lookup (members, name);
  if (member == NULL || member->kind == BP_JSON_MEMBER_NULL)
    return TRUE;

  if (member->kind != BP_JSON_MEMBER_STRING)
    {
      g_set_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT,
                   _("The member “%s” must be text, but it is %s"),
                   name, bp_json_member_describe (member));
      return FALSE;
    }

  /* json-glib decodes a lone "\ud9a0" to bytes that are not UTF-8: they must
   * not reach a label, nor be written back (found by tests/fuzz). */
  length = strlen (member->string);
  if (!bp_json_validate_utf8 (member->string, length))
    {
      g_set_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT,
                   _("The member “%s” is not valid text"), name);
      return FALSE;
    }

  g_free (*value);
  *value = g_memdup2 (member->string, length + 1);
  return TRUE;
}

gboolean
bp_account_read_boolean_member (const BpJsonMembers  *members,
                                const char           *name,
                                gboolean             *value,
                                GError              **error)
{
  const BpJsonMember *member;

  g_return_val_if_fail (members != NULL, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  member = bp_json_members_lookup (members, name);
  if (member == NULL || member->kind == BP_JSON_MEMBER_NULL)
    return TRUE;

  if (member->kind != BP_JSON_MEMBER_BOOLEAN)
    {
      g_set_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT,
                   _("The member “%s” must be true or false, but it is %s"),
                   name, bp_json_member_describe (member));
      return FALSE;
    }

  *value = member->boolean;
  return TRUE;
}

/* Whether bp_account_to_json() writes @member for accounts of @type anyway
 * (sets or removes it), so a copy read from the file is not needed to save
 * it again. Asked once per type and member, by letting a blank account of the
 * type write over a placeholder: what it leaves alone is not its own. */
static gboolean
type_writes_member (GType       type,
                    const char *member)
{
  static const char * const base_members[] = { "id", "type", "name", "default", NULL };
  static GMutex lock;
  static GHashTable *answers;   /* GType → (member → GINT_TO_POINTER (1 + writes)) */
  GHashTable *members;
  gpointer answer;

  if (g_strv_contains (base_members, member))
    return TRUE;

  g_mutex_lock (&lock);

  if (answers == NULL)
    answers = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_hash_table_unref);

  members = g_hash_table_lookup (answers, GSIZE_TO_POINTER (type));
  if (members == NULL)
    {
      members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (answers, GSIZE_TO_POINTER (type), members);
    }

  answer = g_hash_table_lookup (members, member);
  if (answer == NULL)
    {
      g_autoptr(BpAccount) blank = g_object_new (type, NULL);
      g_autoptr(JsonObject) object = json_object_new ();
      JsonNode *placeholder;

      json_object_set_null_member (object, member);
      placeholder = json_object_get_member (object, member);
      BP_ACCOUNT_GET_CLASS (blank)->write_json (blank, object);

      answer = GINT_TO_POINTER (1 + (json_object_get_member (object, member) != placeholder));
      g_hash_table_insert (members, g_strdup (member), answer);
    }

  g_mutex_unlock (&lock);

  return GPOINTER_TO_INT (answer) - 1;
}

/* The members of an account's object in the store file that this version
 * does not write itself, such as those of a newer version; %NULL when there
 * are none. Only these are kept with the account: a copy of the whole object
 * would hold everything a second time. Secrets are never kept. */
static JsonObject *
copy_unknown_members (BpAccount           *self,
                      const BpJsonMembers *members)
{
  const char * const *kinds = bp_account_get_secret_kinds (self);
  JsonObject *unknown = NULL;

  for (guint i = 0; i < bp_json_members_get_length (members); i++)
    {
      const BpJsonMember *member = bp_json_members_get (members, i);

      if (g_strv_contains (kinds, member->name) || type_writes_member (G_OBJECT_TYPE (self), member->name))
        continue;

      if (unknown == NULL)
        unknown = json_object_new ();
      json_object_set_member (unknown, member->name, bp_json_member_to_node (member));
    }

  return unknown;
}

JsonObject *
bp_account_peek_unknown_members (BpAccount *self)
{
  BpAccountPrivate *priv;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);

  priv = bp_account_get_instance_private (self);
  return priv->json;
}

/* Secrets never go to the file, not even when a hand-edited file had them. */
static void
remove_secret_members (BpAccount  *self,
                       JsonObject *object)
{
  const char * const *kinds = bp_account_get_secret_kinds (self);

  for (guint i = 0; kinds[i] != NULL; i++)
    {
      if (json_object_has_member (object, kinds[i]))
        json_object_remove_member (object, kinds[i]);
    }
}

/* Secrets */

static gboolean
is_secret_kind (BpAccount  *self,
                const char *kind)
{
  return g_strv_contains (bp_account_get_secret_kinds (self), kind);
}

static void
notify_secret (BpAccount  *self,
               const char *kind)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (self), kind);

  if (pspec != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

/**
 * bp_account_get_secret_kinds:
 *
 * Returns: (transfer none): every keyring item kind an account of this type
 *   may own, %NULL-terminated
 */
const char * const *
bp_account_get_secret_kinds (BpAccount *self)
{
  const char * const *kinds;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), no_secret_kinds);

  kinds = BP_ACCOUNT_GET_CLASS (self)->get_secret_kinds (self);
  return kinds != NULL ? kinds : no_secret_kinds;
}

/**
 * bp_account_get_secret:
 * @kind: one of bp_account_get_secret_kinds()
 *
 * Returns: (nullable): the secret held in memory, "" when it is known to be
 *   empty, %NULL when it is not known (not read from the keyring yet)
 */
const char *
bp_account_get_secret (BpAccount  *self,
                       const char *kind)
{
  BpAccountPrivate *priv;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  priv = bp_account_get_instance_private (self);
  return priv->secrets != NULL ? g_hash_table_lookup (priv->secrets, kind) : NULL;
}

/**
 * bp_account_set_secret:
 * @kind: one of bp_account_get_secret_kinds()
 * @value: (nullable): the secret; %NULL or "" make it known and empty (the
 *   store then clears the keyring item)
 *
 * Holds @value in memory and notifies the property named @kind, if the type
 * has one, when the value or its being known changed.
 */
void
bp_account_set_secret (BpAccount  *self,
                       const char *kind,
                       const char *value)
{
  BpAccountPrivate *priv;
  gpointer old_value;

  g_return_if_fail (BP_IS_ACCOUNT (self));
  g_return_if_fail (kind != NULL);
  g_return_if_fail (is_secret_kind (self, kind));

  priv = bp_account_get_instance_private (self);

  if (value == NULL)
    value = "";

  if (priv->secrets == NULL)
    priv->secrets = new_secrets_table ();

  if (g_hash_table_lookup_extended (priv->secrets, kind, NULL, &old_value)
      && g_str_equal (old_value, value))
    return;

  /* Replacing wipes the old value through the table's free function. */
  g_hash_table_replace (priv->secrets, g_strdup (kind), g_strdup (value));
  notify_secret (self, kind);
}

gboolean
bp_account_is_secret_known (BpAccount  *self,
                            const char *kind)
{
  BpAccountPrivate *priv;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (kind != NULL, FALSE);

  priv = bp_account_get_instance_private (self);
  return priv->secrets != NULL && g_hash_table_contains (priv->secrets, kind);
}

/* Wipes the value from memory; the secret is unknown again. */
void
bp_account_forget_secret (BpAccount  *self,
                          const char *kind)
{
  BpAccountPrivate *priv;

  g_return_if_fail (BP_IS_ACCOUNT (self));
  g_return_if_fail (kind != NULL);

  priv = bp_account_get_instance_private (self);

  if (priv->secrets != NULL && g_hash_table_remove (priv->secrets, kind))
    notify_secret (self, kind);
}

/**
 * bp_account_list_known_secrets:
 *
 * Returns: (transfer full): the kinds of the known secrets, in the order of
 *   bp_account_get_secret_kinds()
 */
GStrv
bp_account_list_known_secrets (BpAccount *self)
{
  BpAccountPrivate *priv;
  const char * const *kinds;
  GPtrArray *known;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);

  priv = bp_account_get_instance_private (self);
  kinds = bp_account_get_secret_kinds (self);
  known = g_ptr_array_new ();

  for (guint i = 0; kinds[i] != NULL; i++)
    {
      if (priv->secrets != NULL && g_hash_table_contains (priv->secrets, kinds[i]))
        g_ptr_array_add (known, g_strdup (kinds[i]));
    }
  g_ptr_array_add (known, NULL);

  return (GStrv) g_ptr_array_free (known, FALSE);
}

/* Names */

/**
 * bp_account_normalize_name:
 *
 * Returns: (transfer full): @name without surrounding white space, case-folded
 *   and in Unicode compatibility composed form: the key that must be unique
 */
char *
bp_account_normalize_name (const char *name)
{
  g_autofree char *stripped = bp_account_strip_text (name);
  g_autofree char *composed = g_utf8_normalize (stripped, -1, G_NORMALIZE_ALL_COMPOSE);
  g_autofree char *folded = g_utf8_casefold (composed, -1);

  return g_utf8_normalize (folded, -1, G_NORMALIZE_ALL_COMPOSE);
}

/* The account's unique-name key, kept until the name changes. */
static const char *
get_normalized_name (BpAccount *self)
{
  BpAccountPrivate *priv = bp_account_get_instance_private (self);

  if (priv->normalized_name == NULL)
    priv->normalized_name = bp_account_normalize_name (priv->name);

  return priv->normalized_name;
}

static gboolean
is_ascii (const char *text)
{
  for (; *text != '\0'; text++)
    if ((guchar) *text >= 0x80)
      return FALSE;

  return TRUE;
}

/* g_utf8_collate_key (g_utf8_casefold (@text)): where the locale's charset
 * is UTF-8, as it nearly always is, GLib's key is strxfrm() of the text in
 * Unicode normal form, which an ASCII text already is, and casefolding ASCII
 * is lowering its case; for such a text the key is made here directly. It
 * was half the time taken to make a key, and a key is made for each account
 * read (tests/test-account.c compares both ways). */
char *
bp_account_make_sort_key (const char *text)
{
  g_autofree char *folded = NULL;
  const char *charset;

  g_return_val_if_fail (text != NULL, NULL);

  if (g_get_charset (&charset) && is_ascii (text))
    {
      gsize length;
      char *key;

      folded = g_ascii_strdown (text, -1);
      length = strxfrm (NULL, folded, 0);
      key = g_malloc (length + 1);
      strxfrm (key, folded, length + 1);
      return key;
    }

  folded = g_utf8_casefold (text, -1);
  return g_utf8_collate_key (folded, -1);
}

const char *
bp_account_get_name_sort_key (BpAccount *self)
{
  BpAccountPrivate *priv;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);

  priv = bp_account_get_instance_private (self);
  if (priv->name_sort_key == NULL)
    priv->name_sort_key = bp_account_make_sort_key (priv->name);

  return priv->name_sort_key;
}

/* @texts, case-folded, as a NULL-terminated array in one block. */
static char **
fold_into_block (GPtrArray *texts)
{
  g_autoptr(GPtrArray) folded = g_ptr_array_new_full (texts->len, g_free);
  gsize size = (texts->len + 1) * sizeof (char *);
  char **block;
  char *next;

  for (guint i = 0; i < texts->len; i++)
    {
      const char *text = g_ptr_array_index (texts, i);
      char *one = g_utf8_casefold (text != NULL ? text : "", -1);

      size += strlen (one) + 1;
      g_ptr_array_add (folded, one);
    }

  block = g_malloc (size);
  next = (char *) (block + texts->len + 1);
  for (guint i = 0; i < folded->len; i++)
    {
      const char *one = g_ptr_array_index (folded, i);
      gsize length = strlen (one) + 1;

      block[i] = memcpy (next, one, length);
      next += length;
    }
  block[texts->len] = NULL;

  return block;
}

const char * const *
bp_account_get_search_texts (BpAccount *self)
{
  BpAccountPrivate *priv;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);

  priv = bp_account_get_instance_private (self);
  if (priv->search_texts == NULL)
    {
      g_autoptr(GPtrArray) texts = g_ptr_array_new ();
      BpAccountClass *klass = BP_ACCOUNT_GET_CLASS (self);

      g_ptr_array_add (texts, priv->name);
      if (klass->add_search_texts != NULL)
        klass->add_search_texts (self, texts);
      priv->search_texts = fold_into_block (texts);
    }

  return (const char * const *) priv->search_texts;
}

void
bp_account_forget_search_texts (BpAccount *self)
{
  BpAccountPrivate *priv;

  g_return_if_fail (BP_IS_ACCOUNT (self));

  priv = bp_account_get_instance_private (self);
  g_clear_pointer (&priv->search_texts, g_free);
}

gboolean
bp_account_is_same_name (const char *a,
                         const char *b)
{
  g_autofree char *normalized_a = bp_account_normalize_name (a);
  g_autofree char *normalized_b = bp_account_normalize_name (b);

  return g_str_equal (normalized_a, normalized_b);
}

/* Default vfuncs */

static void
bp_account_real_validate (BpAccount *self,
                          GPtrArray *problems)
{
}

static void
bp_account_real_write_json (BpAccount  *self,
                            JsonObject *object)
{
}

static gboolean
bp_account_real_read_json (BpAccount            *self,
                           const BpJsonMembers  *members,
                           GError              **error)
{
  return TRUE;
}

static const char * const *
bp_account_real_get_secret_kinds (BpAccount *self)
{
  return no_secret_kinds;
}

static BpAccount *
bp_account_real_copy (BpAccount *self)
{
  BpAccountPrivate *priv = bp_account_get_instance_private (self);
  BpAccountPrivate *copy_priv;
  g_autoptr(BpAccount) copy = NULL;
  g_autofree GParamSpec **pspecs = NULL;
  guint n_pspecs = 0;
  GHashTableIter iter;
  gpointer kind;
  gpointer secret;

  copy = g_object_new (G_OBJECT_TYPE (self), "id", priv->id, NULL);
  copy_priv = bp_account_get_instance_private (copy);

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (self), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      GParamSpec *pspec = pspecs[i];
      g_auto(GValue) value = G_VALUE_INIT;

      if ((pspec->flags & G_PARAM_READWRITE) != G_PARAM_READWRITE
          || (pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0)
        continue;

      /* A property that is a secret is copied with the secrets below, so an
       * unknown secret stays unknown instead of becoming known and empty. */
      if (is_secret_kind (self, pspec->name))
        continue;

      g_value_init (&value, pspec->value_type);
      g_object_get_property (G_OBJECT (self), pspec->name, &value);
      g_object_set_property (G_OBJECT (copy), pspec->name, &value);
    }

  if (priv->secrets != NULL)
    {
      copy_priv->secrets = new_secrets_table ();
      g_hash_table_iter_init (&iter, priv->secrets);
      while (g_hash_table_iter_next (&iter, &kind, &secret))
        g_hash_table_replace (copy_priv->secrets, g_strdup (kind), g_strdup (secret));
    }

  if (priv->json != NULL)
    copy_priv->json = bp_json_object_copy (priv->json);

  return g_steal_pointer (&copy);
}

/* GObject */

static void
bp_account_constructed (GObject *object)
{
  BpAccount *self = BP_ACCOUNT (object);
  BpAccountPrivate *priv = bp_account_get_instance_private (self);

  G_OBJECT_CLASS (bp_account_parent_class)->constructed (object);

  if (priv->id == NULL)
    priv->id = g_uuid_string_random ();
}

static void
bp_account_finalize (GObject *object)
{
  BpAccount *self = BP_ACCOUNT (object);
  BpAccountPrivate *priv = bp_account_get_instance_private (self);

  g_clear_pointer (&priv->id, g_free);
  g_clear_pointer (&priv->name, g_free);
  g_clear_pointer (&priv->normalized_name, g_free);
  g_clear_pointer (&priv->name_sort_key, g_free);
  g_clear_pointer (&priv->search_texts, g_free);
  g_clear_pointer (&priv->secrets, g_hash_table_unref);
  g_clear_pointer (&priv->json, json_object_unref);

  G_OBJECT_CLASS (bp_account_parent_class)->finalize (object);
}

static void
bp_account_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  BpAccount *self = BP_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, bp_account_get_id (self));
      break;

    case PROP_NAME:
      g_value_set_string (value, bp_account_get_name (self));
      break;

    case PROP_IS_DEFAULT:
      g_value_set_boolean (value, bp_account_get_is_default (self));
      break;

    case PROP_TYPE_NAME:
      g_value_set_string (value, bp_account_get_type_name (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_account_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  BpAccount *self = BP_ACCOUNT (object);
  BpAccountPrivate *priv = bp_account_get_instance_private (self);

  switch (prop_id)
    {
    case PROP_ID:
      {
        const char *id = g_value_get_string (value);

        g_return_if_fail (id == NULL || g_uuid_string_is_valid (id));
        priv->id = g_strdup (id);
      }
      break;

    case PROP_NAME:
      bp_account_set_name (self, g_value_get_string (value));
      break;

    case PROP_IS_DEFAULT:
      bp_account_set_is_default (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_account_class_init (BpAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = bp_account_constructed;
  object_class->finalize = bp_account_finalize;
  object_class->get_property = bp_account_get_property;
  object_class->set_property = bp_account_set_property;

  klass->validate = bp_account_real_validate;
  klass->write_json = bp_account_real_write_json;
  klass->read_json = bp_account_real_read_json;
  klass->get_secret_kinds = bp_account_real_get_secret_kinds;
  klass->copy = bp_account_real_copy;

  /**
   * BpAccount:id:
   *
   * The account's UUID: its key in the store file and in the keyring. A new
   * account gets a random one.
   */
  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpAccount:name:
   *
   * The name that tells the account apart, as typed; never %NULL.
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE |
                          G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS));

  /**
   * BpAccount:is-default:
   *
   * Whether this is the account used when several of its type exist.
   */
  properties[PROP_IS_DEFAULT] =
    g_param_spec_boolean ("is-default", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE |
                           G_PARAM_EXPLICIT_NOTIFY |
                           G_PARAM_STATIC_STRINGS));

  /**
   * BpAccount:type-name:
   *
   * The translated name of the account's type ("Salesforce.com").
   */
  properties[PROP_TYPE_NAME] =
    g_param_spec_string ("type-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_account_init (BpAccount *self)
{
  BpAccountPrivate *priv = bp_account_get_instance_private (self);

  priv->name = g_strdup ("");
}

/* Properties */

const char *
bp_account_get_id (BpAccount *self)
{
  BpAccountPrivate *priv;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);

  priv = bp_account_get_instance_private (self);
  return priv->id;
}

const char *
bp_account_get_name (BpAccount *self)
{
  BpAccountPrivate *priv;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);

  priv = bp_account_get_instance_private (self);
  return priv->name;
}

/* Stores @name as typed (%NULL is ""); validation and the uniqueness rule
 * look at it without the surrounding white space. */
void
bp_account_set_name (BpAccount  *self,
                     const char *name)
{
  BpAccountPrivate *priv;

  g_return_if_fail (BP_IS_ACCOUNT (self));

  priv = bp_account_get_instance_private (self);

  if (name == NULL)
    name = "";

  if (g_strcmp0 (priv->name, name) == 0)
    return;

  g_free (priv->name);
  priv->name = g_strdup (name);
  g_clear_pointer (&priv->normalized_name, g_free);
  g_clear_pointer (&priv->name_sort_key, g_free);
  g_clear_pointer (&priv->search_texts, g_free);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

gboolean
bp_account_get_is_default (BpAccount *self)
{
  BpAccountPrivate *priv;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), FALSE);

  priv = bp_account_get_instance_private (self);
  return priv->is_default;
}

void
bp_account_set_is_default (BpAccount *self,
                           gboolean   is_default)
{
  BpAccountPrivate *priv;

  g_return_if_fail (BP_IS_ACCOUNT (self));

  priv = bp_account_get_instance_private (self);
  is_default = !!is_default;

  if (priv->is_default == is_default)
    return;

  priv->is_default = is_default;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_DEFAULT]);
}

const char *
bp_account_get_type_id (BpAccount *self)
{
  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);

  return BP_ACCOUNT_GET_CLASS (self)->type_id;
}

const char *
bp_account_get_type_name (BpAccount *self)
{
  const char *type_name;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);

  type_name = BP_ACCOUNT_GET_CLASS (self)->type_name;
  return type_name != NULL ? _(type_name) : "";
}

/* Validation, copies, JSON */

/**
 * bp_account_validate:
 * @accounts: (nullable): a GListModel of BpAccount the name must differ from;
 *   the account with the same id (the saved version of a draft) is skipped
 *
 * Returns: (transfer full): every problem found, as a GPtrArray of BpProblem
 */
GPtrArray *
bp_account_validate (BpAccount  *self,
                     GListModel *accounts)
{
  BpAccountPrivate *priv;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);
  g_return_val_if_fail (accounts == NULL || G_IS_LIST_MODEL (accounts), NULL);

  priv = bp_account_get_instance_private (self);
  problems = bp_problems_new ();
  name = bp_account_strip_text (priv->name);

  if (*name == '\0')
    {
      bp_problems_add (problems, "name", BP_SEVERITY_ERROR,
                       "%s", _("Enter a name for the account."));
    }
  else if (accounts != NULL)
    {
      guint n_items = g_list_model_get_n_items (accounts);
      const char *normalized = get_normalized_name (self);

      for (guint i = 0; i < n_items; i++)
        {
          g_autoptr(BpAccount) other = g_list_model_get_item (accounts, i);

          /* Normalised once per account, not once per comparison: with
           * thousands of accounts this runs on every key press. The name
           * first: it rarely matches, and the id is then not looked at. */
          if (!BP_IS_ACCOUNT (other) || other == self
              || !g_str_equal (get_normalized_name (other), normalized)
              || g_strcmp0 (bp_account_get_id (other), priv->id) == 0)
            continue;

          {
            g_autofree char *other_name = bp_account_strip_text (bp_account_get_name (other));

            bp_problems_add (problems, "name", BP_SEVERITY_ERROR,
                             _("Another account is already named “%s”. "
                               "Choose a name that differs in more than letter case or spaces."),
                             other_name);
          }
          break;
        }
    }

  BP_ACCOUNT_GET_CLASS (self)->validate (self, problems);

  return g_steal_pointer (&problems);
}

/**
 * bp_account_copy:
 *
 * Returns: (transfer full): a detached draft with the same id, the same
 *   properties, known secrets and unknown JSON members
 */
BpAccount *
bp_account_copy (BpAccount *self)
{
  BpAccount *copy;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);

  copy = BP_ACCOUNT_GET_CLASS (self)->copy (self);

  g_assert (BP_IS_ACCOUNT (copy));
  g_assert (copy != self);
  g_assert (G_OBJECT_TYPE (copy) == G_OBJECT_TYPE (self));

  return copy;
}

/**
 * bp_account_applied_over:
 * @self: the draft about to replace @saved
 * @saved: the account as it is in the store
 *
 * Lets the type update derived state before the draft is written.
 */
void
bp_account_applied_over (BpAccount *self,
                         BpAccount *saved)
{
  BpAccountClass *klass;

  g_return_if_fail (BP_IS_ACCOUNT (self));
  g_return_if_fail (BP_IS_ACCOUNT (saved));
  g_return_if_fail (G_OBJECT_TYPE (self) == G_OBJECT_TYPE (saved));
  g_return_if_fail (g_strcmp0 (bp_account_get_id (self), bp_account_get_id (saved)) == 0);

  klass = BP_ACCOUNT_GET_CLASS (self);
  if (klass->applied_over != NULL)
    klass->applied_over (self, saved);
}

/**
 * bp_account_to_json:
 *
 * Writes the account's object for the store file: the members read earlier
 * (so what a newer version wrote survives), overwritten by "id", "type",
 * "name", "default" and the type's own members. Secrets are never written.
 *
 * Returns: (transfer full): a new object
 */
JsonObject *
bp_account_to_json (BpAccount *self)
{
  BpAccountPrivate *priv;
  BpAccountClass *klass;
  JsonObject *object;

  g_return_val_if_fail (BP_IS_ACCOUNT (self), NULL);

  priv = bp_account_get_instance_private (self);
  klass = BP_ACCOUNT_GET_CLASS (self);

  object = priv->json != NULL ? bp_json_object_copy (priv->json) : json_object_new ();

  json_object_set_string_member (object, "id", priv->id);
  json_object_set_string_member (object, "type", klass->type_id);
  json_object_set_string_member (object, "name", priv->name);
  json_object_set_boolean_member (object, "default", priv->is_default);

  klass->write_json (self, object);
  remove_secret_members (self, object);

  return object;
}

/**
 * bp_account_new_from_json:
 * @object: one account's object from the store file
 *
 * Creates an account of the type named by the "type" member. Fails with
 * BP_ERROR_STORE_CORRUPT when "id" is missing or not a UUID, when "type" is
 * missing or unknown, or when a member has the wrong JSON type.
 *
 * Returns: (transfer full): the account, or %NULL with @error set
 */
BpAccount *
bp_account_new_from_json (JsonObject  *object,
                          GError     **error)
{
  g_autoptr(BpJsonMembers) members = bp_json_members_new ();

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bp_json_members_set_object (members, object);
  return bp_account_new_from_members (members, error);
}

/**
 * bp_account_new_from_members:
 * @members: the members of one account's object from the store file
 *
 * bp_account_new_from_json() for members read without json-glib
 * (bp_json_members_read_flat()).
 *
 * Returns: (transfer full): the account, or %NULL with @error set
 */
BpAccount *
bp_account_new_from_members (const BpJsonMembers  *members,
                             GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(BpAccount) account = NULL;
  g_autofree char *id = NULL;
  g_autofree char *type_id = NULL;
  g_autofree char *name = NULL;
  BpAccountPrivate *priv;
  gboolean is_default = FALSE;
  GType type;

  g_return_val_if_fail (members != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!bp_account_read_string_member (members, "id", &id, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s",
                                  _("An account has an invalid id: "));
      return NULL;
    }

  if (id == NULL)
    {
      g_set_error_literal (error, BP_ERROR, BP_ERROR_STORE_CORRUPT,
                           _("An account has no “id” member"));
      return NULL;
    }

  if (!g_uuid_string_is_valid (id))
    {
      g_set_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT,
                   _("An account has the id “%s”, which is not a UUID"), id);
      return NULL;
    }

  if (!bp_account_read_string_member (members, "type", &type_id, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Account %s: "), id);
      return NULL;
    }

  if (type_id == NULL)
    {
      g_set_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT,
                   _("Account %s has no “type” member"), id);
      return NULL;
    }

  type = bp_account_type_from_id (type_id);
  if (type == G_TYPE_INVALID)
    {
      g_set_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT,
                   _("Account %s has the type “%s”, which this version does not know"),
                   id, type_id);
      return NULL;
    }

  if (!bp_account_read_string_member (members, "name", &name, &local_error)
      || !bp_account_read_boolean_member (members, "default", &is_default, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Account %s: "), id);
      return NULL;
    }

  account = g_object_new (type, "id", id, NULL);
  /* Filled in directly, as the type's own members are (read_json): the
   * account is new, so there is nobody to notify. */
  priv = bp_account_get_instance_private (account);
  g_free (priv->name);
  priv->name = name != NULL ? g_steal_pointer (&name) : g_strdup ("");
  priv->is_default = is_default;

  if (!BP_ACCOUNT_GET_CLASS (account)->read_json (account, members, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  _("Account %s: "), id);
      return NULL;
    }

  priv->json = copy_unknown_members (account, members);

  return g_steal_pointer (&account);
}

/* Type registry */

void
bp_account_types_ensure (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      for (guint i = 0; i < G_N_ELEMENTS (account_type_getters); i++)
        {
          account_types[i] = account_type_getters[i] ();
          /* Kept for the life of the process: the class fields are read by id. */
          g_type_class_ref (account_types[i]);
        }
      account_types[G_N_ELEMENTS (account_type_getters)] = G_TYPE_INVALID;

      g_once_init_leave (&initialized, 1);
    }
}

/**
 * bp_account_type_from_id:
 * @type_id: a type id from the store file ("salesforce")
 *
 * Returns: the account type, or %G_TYPE_INVALID when this build has none
 */
GType
bp_account_type_from_id (const char *type_id)
{
  g_return_val_if_fail (type_id != NULL, G_TYPE_INVALID);

  bp_account_types_ensure ();

  for (guint i = 0; account_types[i] != G_TYPE_INVALID; i++)
    {
      BpAccountClass *klass = g_type_class_peek (account_types[i]);

      if (g_strcmp0 (klass->type_id, type_id) == 0)
        return account_types[i];
    }

  return G_TYPE_INVALID;
}

/**
 * bp_account_list_types:
 * @n_types: (out) (optional): the number of types
 *
 * Returns: (transfer none) (array length=n_types): the account types, in
 *   display order, followed by %G_TYPE_INVALID
 */
const GType *
bp_account_list_types (guint *n_types)
{
  bp_account_types_ensure ();

  if (n_types != NULL)
    *n_types = G_N_ELEMENTS (account_type_getters);

  return account_types;
}
