/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-account-store"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bp-account-store-private.h"
#include "bp-error.h"

struct _BpAccountStore
{
  GObject        parent_instance;

  GFile         *file;
  BpSecretStore *secrets;
  GPtrArray     *accounts;

  /* The top-level object as read, so members a newer version wrote survive. */
  JsonObject    *root;

  /* Set when the file was written by a newer format: we must not overwrite it. */
  GError        *read_only_error;

  /* Changes run one at a time, in the order they were asked for. */
  GQueue         pending;
  gboolean       is_busy;

  /* Whether a load has ended: until then an empty store may only be unread. */
  gboolean       is_loaded;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BpAccountStore, bp_account_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

enum {
  PROP_0,
  PROP_FILE,
  PROP_SECRET_STORE,
  PROP_N_ITEMS,
  PROP_LOADED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* ------------------------------------------------------------------ */
/* GListModel                                                          */

static GType
bp_account_store_get_item_type (GListModel *model)
{
  return BP_TYPE_ACCOUNT;
}

static guint
bp_account_store_get_n_items (GListModel *model)
{
  return BP_ACCOUNT_STORE (model)->accounts->len;
}

static gpointer
bp_account_store_get_item (GListModel *model,
                           guint       position)
{
  BpAccountStore *self = BP_ACCOUNT_STORE (model);

  if (position >= self->accounts->len)
    return NULL;

  return g_object_ref (g_ptr_array_index (self->accounts, position));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = bp_account_store_get_item_type;
  iface->get_n_items = bp_account_store_get_n_items;
  iface->get_item = bp_account_store_get_item;
}

static void
emit_items_changed (BpAccountStore *self,
                    guint           position,
                    guint           removed,
                    guint           added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* ------------------------------------------------------------------ */
/* Reading the file                                                    */

/* The flag is set before the accounts read are added, so that whoever they
 * are added to sees the store loaded; it is said after, so that whoever
 * waits for the load finds them there. */
static void
notify_loaded (BpAccountStore *self,
               gboolean        was_loaded)
{
  self->is_loaded = TRUE;
  if (!was_loaded)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

static void
take_load_result (BpAccountStore *self,
                  BpStoreContents     *result)
{
  guint old_len = self->accounts->len;
  gboolean was_loaded = self->is_loaded;

  g_clear_pointer (&self->root, json_object_unref);
  self->root = g_steal_pointer (&result->root);
  g_clear_error (&self->read_only_error);
  self->read_only_error = g_steal_pointer (&result->read_only_error);

  g_ptr_array_unref (self->accounts);
  self->accounts = g_steal_pointer (&result->accounts);

  self->is_loaded = TRUE;
  if (old_len > 0 || self->accounts->len > 0)
    emit_items_changed (self, 0, old_len, self->accounts->len);
  notify_loaded (self, was_loaded);
}

gboolean
bp_account_store_load (BpAccountStore  *self,
                       GError         **error)
{
  g_autoptr(BpStoreContents) result = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), FALSE);

  result = bp_store_file_read (self->file, &local_error);
  if (result != NULL)
    take_load_result (self, result);
  else
    notify_loaded (self, self->is_loaded);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

typedef struct
{
  BpStoreContents *result;
  GError     *error;
} LoadOutcome;

static void
load_outcome_free (LoadOutcome *outcome)
{
  g_clear_pointer (&outcome->result, bp_store_contents_free);
  g_clear_error (&outcome->error);
  g_free (outcome);
}

static void
load_in_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  GFile *file = task_data;
  LoadOutcome *outcome = g_new0 (LoadOutcome, 1);

  outcome->result = bp_store_file_read (file, &outcome->error);
  g_task_return_pointer (task, outcome, (GDestroyNotify) load_outcome_free);
}

void
bp_account_store_load_async (BpAccountStore      *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (BP_IS_ACCOUNT_STORE (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_account_store_load_async);
  g_task_set_task_data (task, g_object_ref (self->file), g_object_unref);
  g_task_run_in_thread (task, load_in_thread);
}

gboolean
bp_account_store_load_finish (BpAccountStore  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  LoadOutcome *outcome;

  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  outcome = g_task_propagate_pointer (G_TASK (result), error);
  if (outcome == NULL)
    {
      notify_loaded (self, self->is_loaded);
      return FALSE;
    }

  /* The file was read in a thread; the model changes here, in the main context. */
  if (outcome->result != NULL)
    take_load_result (self, outcome->result);
  else
    notify_loaded (self, self->is_loaded);

  if (outcome->error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&outcome->error));
      load_outcome_free (outcome);
      return FALSE;
    }

  load_outcome_free (outcome);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Writing the file                                                    */

static BpAccount *
find_draft (GPtrArray  *drafts,
            const char *id)
{
  for (guint i = 0; drafts != NULL && i < drafts->len; i++)
    {
      BpAccount *draft = g_ptr_array_index (drafts, i);

      if (g_str_equal (bp_account_get_id (draft), id))
        return draft;
    }

  return NULL;
}

/* Whether one of @drafts becomes the default of @account's type. */
static gboolean
is_default_taken (GPtrArray *drafts,
                  BpAccount *account)
{
  for (guint i = 0; drafts != NULL && i < drafts->len; i++)
    {
      BpAccount *draft = g_ptr_array_index (drafts, i);

      if (bp_account_get_is_default (draft) && G_OBJECT_TYPE (draft) == G_OBJECT_TYPE (account)
          && !g_str_equal (bp_account_get_id (draft), bp_account_get_id (account)))
        return TRUE;
    }

  return FALSE;
}

/* Prints one account's object as an element of the "accounts" array of the
 * pretty-printed document: after a comma unless it is the first, on lines
 * of their own, indented two levels. @object is freed. */
static void
append_account_text (GString       *text,
                     JsonGenerator *generator,
                     JsonObject    *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *printed = NULL;
  gsize length = 0;
  const char *end;

  json_node_take_object (node, object);
  json_generator_set_root (generator, node);
  printed = json_generator_to_data (generator, &length);
  end = printed + length;

  g_string_append (text, text->str[text->len - 1] == '[' ? "\n" : ",\n");
  for (const char *line = printed; line < end; )
    {
      const char *newline = memchr (line, '\n', end - line);
      const char *next = newline != NULL ? newline + 1 : end;

      g_string_append (text, "    ");
      g_string_append_len (text, line, next - line);
      line = next;
    }
}

/* Appends the accounts to @text, each printed by @generator.
 * @drafts: (nullable): replace the saved account of their id, or are added
 * after the saved ones in order. */
static void
serialize_accounts (BpAccountStore *self,
                    GPtrArray      *drafts,
                    BpAccount      *removed,
                    JsonGenerator  *generator,
                    GString        *text)
{
  g_autoptr(GHashTable) written = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      BpAccount *account = g_ptr_array_index (self->accounts, i);
      BpAccount *draft = find_draft (drafts, bp_account_get_id (account));
      g_autoptr(JsonObject) object = NULL;

      if (account == removed)
        continue;

      if (draft != NULL)
        {
          object = bp_account_to_json (draft);
          g_hash_table_add (written, draft);
        }
      else
        {
          object = bp_account_to_json (account);
          /* Making one account default clears the others of its type in the same save. */
          if (is_default_taken (drafts, account))
            json_object_set_boolean_member (object, "default", FALSE);
        }

      append_account_text (text, generator, g_steal_pointer (&object));
    }

  for (guint i = 0; drafts != NULL && i < drafts->len; i++)
    {
      BpAccount *draft = g_ptr_array_index (drafts, i);

      if (!g_hash_table_contains (written, draft))
        append_account_text (text, generator, bp_account_to_json (draft));
    }
}

static char *
serialize_store (BpAccountStore *self,
                 GPtrArray      *drafts,
                 BpAccount      *removed,
                 gsize          *length)
{
  g_autoptr(JsonObject) root = json_object_new ();
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(GList) members = json_object_get_members (self->root);
  g_autofree char *head = NULL;
  gsize head_length = 0;
  GString *text;

  /* Unknown top-level members first, as read; ours are set last. */
  for (const GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;

      if (!g_str_equal (name, "version") && !g_str_equal (name, "accounts"))
        json_object_set_member (root, name, json_node_copy (json_object_get_member (self->root, name)));
    }

  json_object_set_int_member (root, "version", BP_ACCOUNT_STORE_FORMAT_VERSION);

  json_node_set_object (node, root);
  json_generator_set_root (generator, node);
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  head = json_generator_to_data (generator, &head_length);

  /* The text the generator prints for the whole document, with "accounts"
   * last; but each account is made, printed and freed in turn, while it is
   * in the cache: one tree of 10,000 accounts took twice as long to make,
   * print and free (docs/performance.md). */
  g_assert (head_length > 2 && g_str_has_suffix (head, "\n}"));
  text = g_string_sized_new (head_length + 1600 * (self->accounts->len + 1));
  g_string_append_len (text, head, head_length - 2);
  g_string_append (text, ",\n  \"accounts\" : [");
  serialize_accounts (self, drafts, removed, generator, text);
  g_string_append (text, text->str[text->len - 1] == '[' ? "]\n}" : "\n  ]\n}");

  *length = text->len;
  return g_string_free (text, FALSE);
}

typedef struct
{
  char  *path;
  char  *contents;
  gsize  length;
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_free (job->path);
  g_free (job->contents);
  g_free (job);
}

/* Why a write failed, in words that say what to do. The file is only ever
 * replaced whole, so a failure leaves the old one as it was. */
static void
set_write_error (GError     **error,
                 int          saved_errno,
                 const char  *dir)
{
  GFileError code = g_file_error_from_errno (saved_errno);

  switch (saved_errno)
    {
    case ENOSPC:
      g_set_error (error, G_FILE_ERROR, code,
                   _("the disk that holds %s is full. Free some space and try again."), dir);
      break;

    case EDQUOT:
      g_set_error (error, G_FILE_ERROR, code,
                   _("the disk quota for %s is used up. Free some space and try again."), dir);
      break;

    case EFBIG:
      g_set_error (error, G_FILE_ERROR, code,
                   _("the file in %s would be larger than this system lets the application write "
                     "(a full disk or a file size limit)."), dir);
      break;

    case EROFS:
      g_set_error (error, G_FILE_ERROR, code,
                   _("the folder %s is on a read-only file system."), dir);
      break;

    case EACCES:
    case EPERM:
      g_set_error (error, G_FILE_ERROR, code,
                   _("writing in the folder %s is not permitted."), dir);
      break;

    default:
      g_set_error (error, G_FILE_ERROR, code, "%s: %s", dir, g_strerror (saved_errno));
    }
}

/* Replaces @path with @contents, atomically and durably: a temporary file
 * beside it (".accounts.json.XXXXXX.saving", mode 0600, a name no one
 * else uses, so that the next load can tell it from a file of the
 * administrator's), written whole and synced, renamed over the file, then
 * the folder synced. A process killed at any moment leaves the old file or
 * the new one, never a part, and at worst a temporary file, which the next
 * load removes (bp-account-store-file.c). Returns 0 or an errno value. */
static int
replace_file (const char *dir,
              const char *path,
              const char *contents,
              gsize       length)
{
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *temp_path = g_strdup_printf ("%s/.%s.XXXXXX%s", dir, basename, BP_STORE_TEMP_FILE_SUFFIX);
  gsize written = 0;
  int saved_errno;
  int dir_fd;
  int fd;

  fd = g_mkstemp_full (temp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return errno;

  while (written < length)
    {
      gssize n = write (fd, contents + written, MIN (length - written, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        goto failed;
      written += n;
    }

  if (fsync (fd) != 0)
    goto failed;
  if (close (fd) != 0)
    {
      fd = -1;
      goto failed;
    }
  fd = -1;

  if (rename (temp_path, path) != 0)
    goto failed;

  /* The rename survives a power cut once the folder is synced. */
  dir_fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd >= 0)
    {
      fsync (dir_fd);
      close (dir_fd);
    }

  return 0;

failed:
  saved_errno = errno;
  if (fd >= 0)
    close (fd);
  g_unlink (temp_path);
  return saved_errno;
}

static gboolean
write_file (const char  *path,
            const char  *contents,
            gsize        length,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *not_ours = NULL;
  int saved_errno;

  /* The directory is ours alone: create it 0700, and tighten it if it exists. */
  if (g_mkdir_with_parents (dir, 0700) != 0 || g_chmod (dir, 0700) != 0)
    {
      set_write_error (error, errno, dir);
      return FALSE;
    }

  /* A link or a directory put there since the store was read: never write
   * through it, nor replace it (bp-account-store-file.c says why). */
  if (!bp_store_file_is_replaceable (path, &not_ours))
    {
      g_set_error_literal (error, G_FILE_ERROR, G_FILE_ERROR_EXIST, not_ours);
      return FALSE;
    }

  saved_errno = replace_file (dir, path, contents, length);
  if (saved_errno != 0)
    {
      set_write_error (error, saved_errno, dir);
      return FALSE;
    }

  return TRUE;
}

static void
write_in_thread (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  WriteJob *job = task_data;
  GError *error = NULL;

  if (write_file (job->path, job->contents, job->length, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* ------------------------------------------------------------------ */
/* Keyring changes that can be rolled back                             */

typedef struct
{
  char     *kind;
  char     *new_value;   /* NULL: remove the item */
  char     *old_value;   /* what the keyring held before, NULL for nothing */
  gboolean  done;
} SecretChange;

static void
secret_change_free (SecretChange *change)
{
  bp_secret_free (change->new_value);
  bp_secret_free (change->old_value);
  g_free (change->kind);
  g_free (change);
}

typedef enum
{
  OPERATION_APPLY,
  OPERATION_APPLY_BATCH,
  OPERATION_DELETE,
} OperationKind;

/* One draft of a batch and the saved account it replaces (NULL: new). */
typedef struct
{
  BpAccount *draft;
  BpAccount *saved;
} BatchItem;

static void
batch_item_free (BatchItem *item)
{
  g_clear_object (&item->draft);
  g_clear_object (&item->saved);
  g_free (item);
}

/* One change of the store: apply a draft, or delete an account. It reads the
 * old keyring values, writes the new ones, writes the file, and then changes
 * the model; any failure puts the keyring back as it was. */
typedef struct
{
  OperationKind  kind;
  BpAccount     *draft;       /* apply: the values to save */
  BpAccount     *account;     /* the saved account, NULL for a new one */
  char          *label_name;  /* the account name for keyring labels */
  GPtrArray     *changes;     /* SecretChange */
  guint          next;        /* index into changes of the step under way */
  WriteJob      *write_job;
  GError        *failure;     /* the error being reported while rolling back */
  GPtrArray     *batch;       /* apply-batch: BatchItem, in order; no keyring changes */
} Operation;

static void
operation_free (Operation *op)
{
  g_clear_object (&op->draft);
  g_clear_object (&op->account);
  g_clear_pointer (&op->changes, g_ptr_array_unref);
  g_clear_pointer (&op->write_job, write_job_free);
  g_clear_error (&op->failure);
  g_clear_pointer (&op->batch, g_ptr_array_unref);
  g_free (op->label_name);
  g_free (op);
}

static void run_next_operation (BpAccountStore *self);
static void lookup_next_old_secret (GTask *task);
static void write_next_secret (GTask *task);
static void roll_back_next_secret (GTask *task);

/* Takes the task and the error. Every path of an operation ends here. */
static void
finish_operation (GTask  *task,
                  GError *error)
{
  g_autoptr(BpAccountStore) self = g_object_ref (g_task_get_source_object (task));

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);

  self->is_busy = FALSE;
  run_next_operation (self);
}

static char *
make_secret_label (const char *kind,
                   const char *account_name)
{
  if (g_strcmp0 (kind, "consumer-secret") == 0)
    return g_strdup_printf (_("Consumer secret of the integration account “%s”"), account_name);
  if (g_strcmp0 (kind, "refresh-token") == 0)
    return g_strdup_printf (_("Refresh token of the integration account “%s”"), account_name);

  return g_strdup_printf (_("Secret of the integration account “%s”"), account_name);
}

static void
fail_with_rollback (GTask  *task,
                    GError *error)
{
  Operation *op = g_task_get_task_data (task);

  op->failure = error;
  op->next = 0;
  roll_back_next_secret (task);
}

/* A keyring item put back as it was (stored again, or removed again). */
static void
secret_rolled_back_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  SecretChange *change = g_ptr_array_index (op->changes, op->next);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (change->old_value != NULL)
    ok = bp_secret_store_store_finish (BP_SECRET_STORE (object), result, &error);
  else
    ok = bp_secret_store_clear_finish (BP_SECRET_STORE (object), result, &error);

  /* Nothing more we can do; the original failure is what the user must see,
   * and the account keeps its file entry. Never log the value. */
  if (!ok)
    g_warning ("Could not put back the keyring item “%s” after a failed save: %s",
               change->kind, error->message);

  op->next++;
  roll_back_next_secret (g_steal_pointer (&task));
}

static void
roll_back_next_secret (GTask *task)
{
  BpAccountStore *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);

  while (op->next < op->changes->len)
    {
      SecretChange *change = g_ptr_array_index (op->changes, op->next);
      const char *id = bp_account_get_id (op->draft != NULL ? op->draft : op->account);

      if (!change->done)
        {
          op->next++;
          continue;
        }

      if (change->old_value != NULL)
        {
          g_autofree char *label = make_secret_label (change->kind, op->label_name);

          bp_secret_store_store_async (self->secrets, id, change->kind, label, change->old_value,
                                       NULL, secret_rolled_back_cb, task);
        }
      else
        {
          bp_secret_store_clear_async (self->secrets, id, change->kind,
                                       NULL, secret_rolled_back_cb, task);
        }
      return;
    }

  finish_operation (task, g_steal_pointer (&op->failure));
}

/* Copies the draft's values onto the saved account, so that everyone holding
 * the account (the list, an open editor) sees the change. Setters notify only
 * on a real change. */
static void
update_account_from_draft (BpAccount *account,
                           BpAccount *draft)
{
  g_autofree GParamSpec **pspecs = NULL;
  g_auto(GStrv) secrets = NULL;
  guint n_pspecs = 0;

  g_object_freeze_notify (G_OBJECT (account));

  pspecs = g_object_class_list_properties (G_OBJECT_GET_CLASS (draft), &n_pspecs);
  for (guint i = 0; i < n_pspecs; i++)
    {
      GParamSpec *pspec = pspecs[i];
      g_auto(GValue) value = G_VALUE_INIT;

      if ((pspec->flags & G_PARAM_READWRITE) != G_PARAM_READWRITE
          || (pspec->flags & G_PARAM_CONSTRUCT_ONLY) != 0)
        continue;

      /* A property that is a secret is copied with the known secrets below:
       * one the draft never loaded must not become known and empty here. */
      if (g_strv_contains (bp_account_get_secret_kinds (draft), pspec->name))
        continue;

      g_value_init (&value, pspec->value_type);
      g_object_get_property (G_OBJECT (draft), pspec->name, &value);
      g_object_set_property (G_OBJECT (account), pspec->name, &value);
    }

  secrets = bp_account_list_known_secrets (draft);
  for (guint i = 0; secrets[i] != NULL; i++)
    bp_account_set_secret (account, secrets[i], bp_account_get_secret (draft, secrets[i]));

  g_object_thaw_notify (G_OBJECT (account));
}

/* @account: (nullable): the saved account @draft replaces */
/* The draft as the store file has it, with the draft's in-memory secrets. */
static BpAccount *
account_as_written (BpAccount *draft)
{
  g_autoptr(JsonObject) object = bp_account_to_json (draft);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) secrets = NULL;
  BpAccount *written = bp_account_new_from_json (object, &error);

  /* What we just wrote always reads back; should it not, keep the draft. */
  if (written == NULL)
    {
      g_critical ("A saved account does not read back: %s", error->message);
      return bp_account_copy (draft);
    }

  secrets = bp_account_list_known_secrets (draft);
  for (guint i = 0; secrets[i] != NULL; i++)
    bp_account_set_secret (written, secrets[i], bp_account_get_secret (draft, secrets[i]));

  return written;
}

static void
commit_draft (BpAccountStore *self,
              BpAccount      *draft,
              BpAccount      *account)
{
  g_autoptr(BpAccount) written = NULL;
  guint position;

  if (bp_account_get_is_default (draft))
    {
      for (guint i = 0; i < self->accounts->len; i++)
        {
          BpAccount *other = g_ptr_array_index (self->accounts, i);

          if (other != account && G_OBJECT_TYPE (other) == G_OBJECT_TYPE (draft)
              && bp_account_get_is_default (other))
            {
              bp_account_set_is_default (other, FALSE);
              emit_items_changed (self, i, 1, 1);
            }
        }
    }

  /* The saved account holds what the file now says (a Url normalised, for
   * one), not the draft as typed: what is shown is what was saved. */
  written = account_as_written (draft);

  if (account != NULL && g_ptr_array_find (self->accounts, account, &position))
    {
      update_account_from_draft (account, written);
      emit_items_changed (self, position, 1, 1);
    }
  else
    {
      g_ptr_array_add (self->accounts, g_steal_pointer (&written));
      emit_items_changed (self, self->accounts->len - 1, 0, 1);
    }
}

static void
commit_operation (BpAccountStore *self,
                  Operation      *op)
{
  guint position;

  switch (op->kind)
    {
    case OPERATION_DELETE:
      if (g_ptr_array_find (self->accounts, op->account, &position))
        {
          g_ptr_array_remove_index (self->accounts, position);
          emit_items_changed (self, position, 1, 0);
        }
      break;

    case OPERATION_APPLY_BATCH:
      for (guint i = 0; i < op->batch->len; i++)
        {
          BatchItem *item = g_ptr_array_index (op->batch, i);

          commit_draft (self, item->draft, item->saved);
        }
      break;

    case OPERATION_APPLY:
    default:
      commit_draft (self, op->draft, op->account);
      break;
    }
}

static void
file_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  BpAccountStore *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      GError *prefixed = NULL;

      g_set_error (&prefixed, BP_ERROR, BP_ERROR_STORE_WRITE,
                   _("The accounts file could not be written, so nothing was changed: %s"),
                   error->message);
      fail_with_rollback (g_steal_pointer (&task), prefixed);
      return;
    }

  commit_operation (self, op);
  finish_operation (g_steal_pointer (&task), NULL);
}

static void
write_store_file (GTask *task)
{
  BpAccountStore *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GTask) write_task = NULL;

  write_task = g_task_new (self, NULL, file_written_cb, task);
  g_task_set_source_tag (write_task, write_store_file);
  g_task_set_task_data (write_task, g_steal_pointer (&op->write_job), (GDestroyNotify) write_job_free);
  g_task_run_in_thread (write_task, write_in_thread);
}

static GError *
keyring_error (GError *error)
{
  GError *prefixed = g_error_copy (error);

  g_prefix_error (&prefixed, "%s", _("The keyring could not be updated, so nothing was changed: "));
  return prefixed;
}

static void
secret_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  SecretChange *change = g_ptr_array_index (op->changes, op->next);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (change->new_value != NULL)
    ok = bp_secret_store_store_finish (BP_SECRET_STORE (object), result, &error);
  else
    ok = bp_secret_store_clear_finish (BP_SECRET_STORE (object), result, &error);

  if (!ok)
    {
      fail_with_rollback (g_steal_pointer (&task), keyring_error (error));
      return;
    }

  change->done = TRUE;
  op->next++;
  write_next_secret (g_steal_pointer (&task));
}

static void
write_next_secret (GTask *task)
{
  BpAccountStore *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);
  const char *id = bp_account_get_id (op->draft != NULL ? op->draft : op->account);
  SecretChange *change;

  if (op->next >= op->changes->len)
    {
      write_store_file (task);
      return;
    }

  change = g_ptr_array_index (op->changes, op->next);
  if (change->new_value != NULL)
    {
      g_autofree char *label = make_secret_label (change->kind, op->label_name);

      bp_secret_store_store_async (self->secrets, id, change->kind, label, change->new_value,
                                   NULL, secret_written_cb, task);
    }
  else
    {
      bp_secret_store_clear_async (self->secrets, id, change->kind, NULL, secret_written_cb, task);
    }
}

static void
old_secret_looked_up_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Operation *op = g_task_get_task_data (task);
  SecretChange *change = g_ptr_array_index (op->changes, op->next);
  g_autoptr(GError) error = NULL;

  change->old_value = bp_secret_store_lookup_finish (BP_SECRET_STORE (object), result, &error);
  if (change->old_value == NULL && !g_error_matches (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND))
    {
      finish_operation (g_steal_pointer (&task), keyring_error (error));
      return;
    }

  op->next++;
  lookup_next_old_secret (g_steal_pointer (&task));
}

/* Before changing a keyring item, read what it holds, so a later failure can
 * put it back: "if either fails, nothing changes". */
static void
lookup_next_old_secret (GTask *task)
{
  BpAccountStore *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);
  const char *id = bp_account_get_id (op->draft != NULL ? op->draft : op->account);

  if (op->next >= op->changes->len)
    {
      op->next = 0;
      write_next_secret (task);
      return;
    }

  bp_secret_store_lookup_async (self->secrets, id,
                                ((SecretChange *) g_ptr_array_index (op->changes, op->next))->kind,
                                NULL, old_secret_looked_up_cb, task);
}

static void
add_secret_change (GPtrArray  *changes,
                   const char *kind,
                   const char *new_value)
{
  SecretChange *change = g_new0 (SecretChange, 1);

  change->kind = g_strdup (kind);
  change->new_value = (new_value != NULL && *new_value != '\0') ? g_strdup (new_value) : NULL;
  g_ptr_array_add (changes, change);
}

static gboolean
prepare_apply (BpAccountStore  *self,
               Operation       *op,
               GError         **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_auto(GStrv) known = NULL;

  if (op->account != NULL)
    bp_account_applied_over (op->draft, op->account);

  problems = bp_account_validate (op->draft, G_LIST_MODEL (self));
  if (bp_problems_has_errors (problems))
    {
      g_autofree char *details = bp_problems_to_string (problems, BP_SEVERITY_ERROR);

      g_set_error (error, BP_ERROR, BP_ERROR_INVALID,
                   _("The account cannot be saved: %s"), details);
      return FALSE;
    }

  /* Only secrets the draft knows (typed, or read from the keyring) are
   * written; a secret never loaded is left as the keyring has it. */
  known = bp_account_list_known_secrets (op->draft);
  for (guint i = 0; known[i] != NULL; i++)
    {
      const char *value = bp_account_get_secret (op->draft, known[i]);

      if (op->account != NULL && bp_account_is_secret_known (op->account, known[i])
          && g_strcmp0 (bp_account_get_secret (op->account, known[i]) ?: "", value ?: "") == 0)
        continue;

      add_secret_change (op->changes, known[i], value);
    }

  op->label_name = g_strdup (bp_account_get_name (op->draft));
  return TRUE;
}

static gboolean
prepare_delete (BpAccountStore  *self,
                Operation       *op,
                GError         **error)
{
  const char * const *kinds = bp_account_get_secret_kinds (op->account);

  if (!g_ptr_array_find (self->accounts, op->account, NULL))
    {
      g_set_error (error, BP_ERROR, BP_ERROR_NOT_FOUND,
                   _("The account “%s” is no longer in the list."), bp_account_get_name (op->account));
      return FALSE;
    }

  for (guint i = 0; kinds != NULL && kinds[i] != NULL; i++)
    add_secret_change (op->changes, kinds[i], NULL);

  op->label_name = g_strdup (bp_account_get_name (op->account));
  return TRUE;
}

static gboolean prepare_apply_batch (BpAccountStore  *self,
                                     Operation       *op,
                                     GError         **error);

static void
start_operation (GTask *task)
{
  BpAccountStore *self = g_task_get_source_object (task);
  Operation *op = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  gboolean prepared;

  self->is_busy = TRUE;

  if (g_cancellable_set_error_if_cancelled (g_task_get_cancellable (task), &error))
    {
      finish_operation (task, g_steal_pointer (&error));
      return;
    }

  if (self->read_only_error != NULL)
    {
      finish_operation (task, g_error_copy (self->read_only_error));
      return;
    }

  switch (op->kind)
    {
    case OPERATION_APPLY:
      /* The account may have been deleted while this apply waited its turn. */
      if (op->account != NULL && !g_ptr_array_find (self->accounts, op->account, NULL))
        g_clear_object (&op->account);
      prepared = prepare_apply (self, op, &error);
      break;

    case OPERATION_APPLY_BATCH:
      prepared = prepare_apply_batch (self, op, &error);
      break;

    case OPERATION_DELETE:
    default:
      prepared = prepare_delete (self, op, &error);
      break;
    }

  if (!prepared)
    {
      finish_operation (task, g_steal_pointer (&error));
      return;
    }

  /* Serialised now, against the model as it is when this change runs. */
  op->write_job = g_new0 (WriteJob, 1);
  op->write_job->path = g_file_get_path (self->file);
  if (op->kind == OPERATION_APPLY_BATCH)
    {
      g_autoptr(GPtrArray) drafts = g_ptr_array_new ();

      for (guint i = 0; i < op->batch->len; i++)
        g_ptr_array_add (drafts, ((BatchItem *) g_ptr_array_index (op->batch, i))->draft);
      op->write_job->contents = serialize_store (self, drafts, NULL, &op->write_job->length);

      /* No keyring item to change: the file is the whole transaction. */
      write_store_file (task);
      return;
    }

  if (op->kind == OPERATION_APPLY)
    {
      g_autoptr(GPtrArray) drafts = g_ptr_array_new ();

      g_ptr_array_add (drafts, op->draft);
      op->write_job->contents = serialize_store (self, drafts, NULL, &op->write_job->length);
    }
  else
    {
      op->write_job->contents = serialize_store (self, NULL, op->account, &op->write_job->length);
    }

  /* A change is not cancelled half-way: from here it completes or rolls back. */
  op->next = 0;
  lookup_next_old_secret (task);
}

static void
run_next_operation (BpAccountStore *self)
{
  GTask *task;

  if (self->is_busy)
    return;

  task = g_queue_pop_head (&self->pending);
  if (task != NULL)
    start_operation (task);
}

static void
release_application (gpointer application)
{
  g_application_release (application);
  g_object_unref (application);
}

static void
queue_operation (BpAccountStore *self,
                 GTask          *task)
{
  GApplication *application = g_application_get_default ();

  /* A write keeps the application running until it has ended, though its
   * last window closes or Quit is chosen meanwhile: the keyring and the file
   * are both written, or the write is rolled back. Released with the task,
   * once its callback has run. */
  if (application != NULL)
    {
      g_application_hold (application);
      g_object_set_data_full (G_OBJECT (task), "bp-held-application", g_object_ref (application),
                              release_application);
    }

  g_queue_push_tail (&self->pending, task);
  run_next_operation (self);
}

void
bp_account_store_apply_async (BpAccountStore      *self,
                              BpAccount           *draft,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  Operation *op;
  BpAccount *saved;

  g_return_if_fail (BP_IS_ACCOUNT_STORE (self));
  g_return_if_fail (BP_IS_ACCOUNT (draft));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  saved = bp_account_store_find_by_id (self, bp_account_get_id (draft));
  g_return_if_fail (saved != draft);

  op = g_new0 (Operation, 1);
  op->kind = OPERATION_APPLY;
  op->draft = g_object_ref (draft);
  op->account = saved != NULL ? g_object_ref (saved) : NULL;
  op->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) secret_change_free);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_account_store_apply_async);
  g_task_set_task_data (task, op, (GDestroyNotify) operation_free);
  queue_operation (self, task);
}

gboolean
bp_account_store_apply_finish (BpAccountStore  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_account_store_apply_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

void
bp_account_store_delete_async (BpAccountStore      *self,
                               BpAccount           *account,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;
  Operation *op;

  g_return_if_fail (BP_IS_ACCOUNT_STORE (self));
  g_return_if_fail (BP_IS_ACCOUNT (account));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (Operation, 1);
  op->kind = OPERATION_DELETE;
  op->account = g_object_ref (account);
  op->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) secret_change_free);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_account_store_delete_async);
  g_task_set_task_data (task, op, (GDestroyNotify) operation_free);
  queue_operation (self, task);
}

gboolean
bp_account_store_delete_finish (BpAccountStore  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_account_store_delete_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Saving several drafts at once (import)                              */

/* The store as it will be after the batch: saved accounts (those a draft
 * replaces by the draft), then the new drafts. */
static GListModel *
make_store_after_batch (BpAccountStore *self,
                        GPtrArray      *batch)
{
  GListStore *after = g_list_store_new (BP_TYPE_ACCOUNT);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      BpAccount *account = g_ptr_array_index (self->accounts, i);
      BpAccount *item = account;

      for (guint j = 0; j < batch->len; j++)
        {
          BatchItem *batch_item = g_ptr_array_index (batch, j);

          if (batch_item->saved == account)
            item = batch_item->draft;
        }

      g_list_store_append (after, item);
    }

  for (guint i = 0; i < batch->len; i++)
    {
      BatchItem *batch_item = g_ptr_array_index (batch, i);

      if (batch_item->saved == NULL)
        g_list_store_append (after, batch_item->draft);
    }

  return G_LIST_MODEL (after);
}

static gboolean
prepare_apply_batch (BpAccountStore  *self,
                     Operation       *op,
                     GError         **error)
{
  g_autoptr(GString) details = g_string_new (NULL);
  g_autoptr(GHashTable) defaults = g_hash_table_new (NULL, NULL);
  g_autoptr(GListModel) after = NULL;

  for (guint i = 0; i < op->batch->len; i++)
    {
      BatchItem *item = g_ptr_array_index (op->batch, i);

      /* A saved account deleted while the batch waited: its draft is new again. */
      if (item->saved != NULL && !g_ptr_array_find (self->accounts, item->saved, NULL))
        g_clear_object (&item->saved);
      if (item->saved != NULL)
        bp_account_applied_over (item->draft, item->saved);
    }

  after = make_store_after_batch (self, op->batch);

  for (guint i = 0; i < op->batch->len; i++)
    {
      BatchItem *item = g_ptr_array_index (op->batch, i);
      const char *name = bp_account_get_name (item->draft);
      g_autoptr(GPtrArray) problems = bp_account_validate (item->draft, after);
      gpointer type = GSIZE_TO_POINTER (G_OBJECT_TYPE (item->draft));

      if (bp_problems_has_errors (problems))
        {
          g_autofree char *text = bp_problems_to_string (problems, BP_SEVERITY_ERROR);

          g_string_append_printf (details, "\n“%s”: %s", name, text);
        }

      if (bp_account_get_is_default (item->draft))
        {
          if (g_hash_table_contains (defaults, type))
            g_string_append_printf (details, "\n“%s”: %s", name,
                                    _("Another account of the batch is already made the default."));
          g_hash_table_add (defaults, type);
        }
    }

  if (details->len > 0)
    {
      g_set_error (error, BP_ERROR, BP_ERROR_INVALID,
                   _("The accounts cannot be saved, so none was:%s"), details->str);
      return FALSE;
    }

  return TRUE;
}

void
bp_account_store_apply_batch_async (BpAccountStore      *self,
                                    GPtrArray           *drafts,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
  GTask *task;
  Operation *op;

  g_return_if_fail (BP_IS_ACCOUNT_STORE (self));
  g_return_if_fail (drafts != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  op = g_new0 (Operation, 1);
  op->kind = OPERATION_APPLY_BATCH;
  op->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) secret_change_free);
  op->batch = g_ptr_array_new_with_free_func ((GDestroyNotify) batch_item_free);

  for (guint i = 0; i < drafts->len; i++)
    {
      BpAccount *draft = g_ptr_array_index (drafts, i);
      g_auto(GStrv) known = NULL;
      BatchItem *item;
      BpAccount *saved;

      if (!BP_IS_ACCOUNT (draft) || !g_hash_table_add (ids, (gpointer) bp_account_get_id (draft)))
        {
          operation_free (op);
          g_return_if_reached ();
        }

      known = bp_account_list_known_secrets (draft);
      saved = bp_account_store_find_by_id (self, bp_account_get_id (draft));
      if (known[0] != NULL || saved == draft)
        {
          operation_free (op);
          g_return_if_reached ();
        }

      item = g_new0 (BatchItem, 1);
      item->draft = g_object_ref (draft);
      item->saved = saved != NULL ? g_object_ref (saved) : NULL;
      g_ptr_array_add (op->batch, item);
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_account_store_apply_batch_async);
  g_task_set_task_data (task, op, (GDestroyNotify) operation_free);
  queue_operation (self, task);
}

gboolean
bp_account_store_apply_batch_finish (BpAccountStore  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == bp_account_store_apply_batch_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Reading an account's secrets                                        */

typedef struct
{
  BpAccount *account;
  GPtrArray *kinds;   /* char*, the in-memory kinds still to read */
} LoadSecretsData;

static void
load_secrets_data_free (LoadSecretsData *data)
{
  g_clear_object (&data->account);
  g_clear_pointer (&data->kinds, g_ptr_array_unref);
  g_free (data);
}

static void load_next_secret (GTask *task);

static void
secret_loaded_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadSecretsData *data = g_task_get_task_data (task);
  const char *kind = g_ptr_array_index (data->kinds, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(BpSecret) value = NULL;

  value = bp_secret_store_lookup_finish (BP_SECRET_STORE (object), result, &error);
  if (value == NULL && !g_error_matches (error, BP_ERROR, BP_ERROR_SECRET_NOT_FOUND))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Typed by the user while we waited? Then the typed value wins. */
  if (!bp_account_is_secret_known (data->account, kind))
    bp_account_set_secret (data->account, kind, value != NULL ? value : "");

  g_ptr_array_remove_index (data->kinds, 0);
  load_next_secret (g_steal_pointer (&task));
}

static void
load_next_secret (GTask *task)
{
  BpAccountStore *self = g_task_get_source_object (task);
  LoadSecretsData *data = g_task_get_task_data (task);

  if (data->kinds->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
      return;
    }

  bp_secret_store_lookup_async (self->secrets, bp_account_get_id (data->account),
                                g_ptr_array_index (data->kinds, 0),
                                g_task_get_cancellable (task), secret_loaded_cb, task);
}

void
bp_account_store_load_secrets_async (BpAccountStore      *self,
                                     BpAccount           *account,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  GTask *task;
  LoadSecretsData *data;
  const char * const *kinds;
  GObjectClass *klass;

  g_return_if_fail (BP_IS_ACCOUNT_STORE (self));
  g_return_if_fail (BP_IS_ACCOUNT (account));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  data = g_new0 (LoadSecretsData, 1);
  data->account = g_object_ref (account);
  data->kinds = g_ptr_array_new_with_free_func (g_free);

  /* The secrets an account holds in memory are the kinds it also exposes as
   * a property (the consumer secret is edited; the refresh token never is). */
  klass = G_OBJECT_GET_CLASS (account);
  kinds = bp_account_get_secret_kinds (account);
  for (guint i = 0; kinds != NULL && kinds[i] != NULL; i++)
    if (g_object_class_find_property (klass, kinds[i]) != NULL && !bp_account_is_secret_known (account, kinds[i]))
      g_ptr_array_add (data->kinds, g_strdup (kinds[i]));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, bp_account_store_load_secrets_async);
  g_task_set_task_data (task, data, (GDestroyNotify) load_secrets_data_free);
  load_next_secret (task);
}

gboolean
bp_account_store_load_secrets_finish (BpAccountStore  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------ */
/* Look-ups                                                            */

BpAccount *
bp_account_store_find_by_id (BpAccountStore *self,
                             const char     *id)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      BpAccount *account = g_ptr_array_index (self->accounts, i);

      if (g_str_equal (bp_account_get_id (account), id))
        return account;
    }

  return NULL;
}

BpAccount *
bp_account_store_find_by_name (BpAccountStore *self,
                               const char     *name)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      BpAccount *account = g_ptr_array_index (self->accounts, i);

      if (bp_account_is_same_name (bp_account_get_name (account), name))
        return account;
    }

  return NULL;
}

BpAccount *
bp_account_store_find_default (BpAccountStore *self,
                               GType           account_type)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), NULL);

  for (guint i = 0; i < self->accounts->len; i++)
    {
      BpAccount *account = g_ptr_array_index (self->accounts, i);

      if (G_OBJECT_TYPE (account) == account_type && bp_account_get_is_default (account))
        return account;
    }

  return NULL;
}

char *
bp_account_store_make_unique_name (BpAccountStore *self,
                                   const char     *base)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), NULL);
  g_return_val_if_fail (base != NULL, NULL);

  if (bp_account_store_find_by_name (self, base) == NULL)
    return g_strdup (base);

  for (guint n = 2; ; n++)
    {
      g_autofree char *name = g_strdup_printf ("%s %u", base, n);

      if (bp_account_store_find_by_name (self, name) == NULL)
        return g_steal_pointer (&name);
    }
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */

GFile *
bp_account_store_get_default_file (void)
{
  return g_file_new_build_filename (g_get_user_config_dir (), "bp-integration-accounts",
                                    "accounts.json", NULL);
}

BpAccountStore *
bp_account_store_new (GFile         *file,
                      BpSecretStore *secrets)
{
  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (BP_IS_SECRET_STORE (secrets), NULL);

  return g_object_new (BP_TYPE_ACCOUNT_STORE,
                       "file", file,
                       "secret-store", secrets,
                       NULL);
}

GFile *
bp_account_store_get_file (BpAccountStore *self)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), NULL);

  return self->file;
}

gboolean
bp_account_store_get_loaded (BpAccountStore *self)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), FALSE);

  return self->is_loaded;
}

BpSecretStore *
bp_account_store_get_secret_store (BpAccountStore *self)
{
  g_return_val_if_fail (BP_IS_ACCOUNT_STORE (self), NULL);

  return self->secrets;
}

static void
bp_account_store_dispose (GObject *object)
{
  BpAccountStore *self = BP_ACCOUNT_STORE (object);

  /* Pending operations hold a reference to the store, so none is left here. */
  g_assert (g_queue_is_empty (&self->pending));

  g_clear_object (&self->file);
  g_clear_object (&self->secrets);

  G_OBJECT_CLASS (bp_account_store_parent_class)->dispose (object);
}

static void
bp_account_store_finalize (GObject *object)
{
  BpAccountStore *self = BP_ACCOUNT_STORE (object);

  g_clear_pointer (&self->accounts, g_ptr_array_unref);
  g_clear_pointer (&self->root, json_object_unref);
  g_clear_error (&self->read_only_error);

  G_OBJECT_CLASS (bp_account_store_parent_class)->finalize (object);
}

static void
bp_account_store_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  BpAccountStore *self = BP_ACCOUNT_STORE (object);

  switch (prop_id)
    {
    case PROP_FILE:
      g_value_set_object (value, self->file);
      break;

    case PROP_SECRET_STORE:
      g_value_set_object (value, self->secrets);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->accounts->len);
      break;

    case PROP_LOADED:
      g_value_set_boolean (value, self->is_loaded);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_account_store_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  BpAccountStore *self = BP_ACCOUNT_STORE (object);

  switch (prop_id)
    {
    case PROP_FILE:
      self->file = g_value_dup_object (value);
      break;

    case PROP_SECRET_STORE:
      self->secrets = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
bp_account_store_class_init (BpAccountStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = bp_account_store_dispose;
  object_class->finalize = bp_account_store_finalize;
  object_class->get_property = bp_account_store_get_property;
  object_class->set_property = bp_account_store_set_property;

  properties[PROP_FILE] =
    g_param_spec_object ("file", NULL, NULL,
                         G_TYPE_FILE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SECRET_STORE] =
    g_param_spec_object ("secret-store", NULL, NULL,
                         BP_TYPE_SECRET_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * BpAccountStore:loaded:
   *
   * Whether a load has ended, whether the file could be read or not. Until
   * then the store is empty because it has not been read yet, and a view
   * should not say that there are no accounts.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
bp_account_store_init (BpAccountStore *self)
{
  self->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  self->root = json_object_new ();
  g_queue_init (&self->pending);
}
