/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-account-store"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "bp-account-private.h"
#include "bp-account-store-private.h"
#include "bp-error.h"
#include "bp-json.h"
#include "bp-json-members.h"

/* Reading accounts.json: checking it, and moving aside what cannot be used,
 * so that nothing an administrator saved is ever overwritten. */

/* A real store of 10,000 accounts with certificates is ~25 MiB; anything much
 * larger is not ours, and reading it whole would only hurt. */
#define MAX_FILE_SIZE (64 * 1024 * 1024)

void
bp_store_contents_free (BpStoreContents *result)
{
  g_clear_pointer (&result->accounts, g_ptr_array_unref);
  g_clear_pointer (&result->root, json_object_unref);
  g_clear_error (&result->read_only_error);
  g_free (result);
}


/* What stands at the store's path.
 *
 * The file holds no secret, but it does say which Salesforce orgs the
 * Contact Center reaches, with which consumer keys, login URLs and IdP
 * certificates: it is kept in a folder of its own (0700) in a file of its
 * own (0600), and is only ever replaced whole (a temporary file beside it,
 * fsync, rename). So:
 *
 * - A symbolic link in its place is not written through, and not replaced:
 *   writing through it would put the accounts wherever the link leads (a
 *   shared or synced folder, a file of another program, /dev/null), and
 *   replacing it would silently undo what whoever made the link wanted. The
 *   accounts are read through a link to a regular file, so that nothing
 *   seems lost, but the store is read-only and says why.
 * - Anything else that is not a regular file (a directory, a FIFO, a device)
 *   is neither read nor replaced; the store is read-only and says why.
 * - A file that belongs to another user is read, not replaced (it is not
 *   ours to decide about, as ssh decides about keys); read-only too.
 * - A file of ours that others may read (0644, 0666) is made 0600 again
 *   when it is read; every save writes 0600 anyway.
 */
gboolean
bp_store_file_is_replaceable (const char  *path,
                              char       **reason)
{
  GStatBuf st;

  g_assert (reason != NULL);

  if (g_lstat (path, &st) != 0)
    return TRUE;   /* missing (or unreadable: the save will say so) */

  if (S_ISLNK (st.st_mode))
    {
      g_autofree char *target = g_file_read_link (path, NULL);

      *reason = g_strdup_printf (_("%s is a symbolic link (to %s). Integration Accounts saves the accounts "
                                   "only into a file of its own, never through a link that could lead to a "
                                   "file others can read. Replace the link with the file it points to in "
                                   "order to change accounts."),
                                 path, target != NULL ? target : "?");
      return FALSE;
    }

  if (!S_ISREG (st.st_mode))
    {
      *reason = g_strdup_printf (_("%s is not a regular file. Move it away in order to change accounts."),
                                 path);
      return FALSE;
    }

  if (st.st_uid != getuid ())
    {
      *reason = g_strdup_printf (_("%s belongs to another user (uid %u). Integration Accounts saves the "
                                   "accounts only into a file of its own. Move it away, or make it yours, "
                                   "in order to change accounts."),
                                 path, (guint) st.st_uid);
      return FALSE;
    }

  return TRUE;
}

/* A file of ours that others may read is made private again. */
static void
tighten_mode (const char *path)
{
  GStatBuf st;

  if (g_lstat (path, &st) != 0 || !S_ISREG (st.st_mode) || (st.st_mode & 0077) == 0)
    return;

  /* Quietly: it is fixed, and the command line's output stays clean. */
  if (g_chmod (path, 0600) == 0)
    g_debug ("The accounts file %s could be read by others (mode %04o); it is 0600 again",
               path, (guint) (st.st_mode & 07777));
  else
    g_warning ("The accounts file %s can be read by others (mode %04o) and could not be made 0600: %s",
               path, (guint) (st.st_mode & 07777), g_strerror (errno));
}

/* A save writes ".accounts.json.XXXXXX.saving" beside the file and renames
 * it over the file (replace_file() in bp-account-store.c); a process killed
 * in between leaves it behind, never a half-written accounts.json. One older
 * than a minute has no writer left, a save takes milliseconds, and is
 * removed here; a younger one may be a save under way in another process
 * (the command line), and is left for a later start. They hold no secret.
 * Only names of exactly that form go: an administrator's own copy
 * (accounts.json.backup) is never touched. */
#define ABANDONED_TEMP_FILE_AGE_SECONDS 60

static gboolean
is_temp_file_name (const char *name,
                   const char *basename)
{
  gsize length = strlen (basename);
  gsize suffix_length = strlen (BP_STORE_TEMP_FILE_SUFFIX);

  /* "." basename "." XXXXXX suffix */
  if (strlen (name) != 1 + length + 1 + 6 + suffix_length || name[0] != '.'
      || strncmp (name + 1, basename, length) != 0 || name[1 + length] != '.'
      || strcmp (name + 1 + length + 1 + 6, BP_STORE_TEMP_FILE_SUFFIX) != 0)
    return FALSE;

  for (guint i = 0; i < 6; i++)
    if (!g_ascii_isalnum (name[1 + length + 1 + i]))
      return FALSE;

  return TRUE;
}

static void
remove_abandoned_temp_files (const char *path)
{
  g_autofree char *dir_path = g_path_get_dirname (path);
  g_autofree char *basename = g_path_get_basename (path);
  g_autoptr(GDir) dir = g_dir_open (dir_path, 0, NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *name;

  if (dir == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *temp_path = NULL;
      GStatBuf st;

      if (!is_temp_file_name (name, basename))
        continue;

      temp_path = g_build_filename (dir_path, name, NULL);
      if (g_lstat (temp_path, &st) != 0 || !S_ISREG (st.st_mode) || st.st_uid != getuid ()
          || now - st.st_mtime < ABANDONED_TEMP_FILE_AGE_SECONDS)
        continue;

      if (g_unlink (temp_path) == 0)
        g_debug ("Removed %s, left behind by a save that did not finish", temp_path);
    }
}

/* The store is read-only, and loading says why. */
static void
make_read_only (BpStoreContents  *result,
                const char       *why,
                GError          **error)
{
  g_clear_error (&result->read_only_error);
  g_set_error (&result->read_only_error, BP_ERROR, BP_ERROR_STORE_READ,
               _("The accounts cannot be changed: %s"), why);
  g_propagate_error (error, g_error_copy (result->read_only_error));
}

/* Moves a file we cannot use to accounts.json.corrupt-<timestamp>, never
 * overwriting an earlier one, and returns where it went. */
static GFile *
move_aside (GFile   *file,
            GError **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *basename = g_file_get_basename (file);
  g_autoptr(GFile) parent = g_file_get_parent (file);

  for (guint attempt = 1; attempt < 100; attempt++)
    {
      g_autofree char *name = NULL;
      g_autoptr(GFile) target = NULL;
      g_autoptr(GError) local_error = NULL;

      if (attempt == 1)
        name = g_strdup_printf ("%s.corrupt-%s", basename, stamp);
      else
        name = g_strdup_printf ("%s.corrupt-%s-%u", basename, stamp, attempt);

      target = g_file_get_child (parent, name);
      if (g_file_move (file, target, G_FILE_COPY_NOFOLLOW_SYMLINKS, NULL, NULL, NULL, &local_error))
        return g_steal_pointer (&target);

      if (!g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_EXISTS, "too many corrupt copies");
  return NULL;
}

/* Turns a reason why the file is unusable into BP_ERROR_STORE_CORRUPT after
 * moving the file aside; the message names the new file. */
static void
report_corrupt_file (GFile       *file,
                     const char  *reason,
                     GError     **error)
{
  g_autoptr(GError) move_error = NULL;
  g_autoptr(GFile) moved = move_aside (file, &move_error);
  g_autofree char *path = g_file_get_path (file);

  if (moved == NULL)
    {
      /* move_aside() sets the error whenever it returns NULL: GIO's
       * g_file_move() does. Said here for the analyzers (gcc -fanalyzer,
       * scan-build), which cannot see into GIO. */
      g_assert (move_error != NULL);

      /* We could not move it: say so, and the store stays read-only so the
       * file is never overwritten (see load_file()). */
      g_set_error (error, BP_ERROR, BP_ERROR_STORE_READ,
                   _("The accounts file %s cannot be used (%s), and it could not be moved aside: %s"),
                   path, reason, move_error->message);
      return;
    }

  {
    g_autofree char *moved_path = g_file_get_path (moved);

    g_set_error (error, BP_ERROR, BP_ERROR_STORE_CORRUPT,
                 _("The accounts file could not be read (%s). It was moved to %s and the list starts empty; "
                   "the file is kept so that nothing is lost."),
                 reason, moved_path);
  }
}

static gboolean
parse_accounts (JsonNode    *root_node,
                GPtrArray   *accounts,
                gint64      *version,
                char       **reason)
{
  JsonObject *root;
  JsonNode *version_node;
  JsonNode *accounts_node;
  JsonArray *array;
  g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);

  if (!JSON_NODE_HOLDS_OBJECT (root_node))
    {
      *reason = g_strdup (_("it does not contain a JSON object"));
      return FALSE;
    }

  root = json_node_get_object (root_node);
  version_node = json_object_get_member (root, "version");
  if (version_node == NULL || !JSON_NODE_HOLDS_VALUE (version_node)
      || json_node_get_value_type (version_node) != G_TYPE_INT64)
    {
      *reason = g_strdup (_("its format version is missing"));
      return FALSE;
    }

  *version = json_node_get_int (version_node);
  if (*version > BP_ACCOUNT_STORE_FORMAT_VERSION)
    return TRUE;

  if (*version < 1)
    {
      *reason = g_strdup (_("its format version is not valid"));
      return FALSE;
    }

  accounts_node = json_object_get_member (root, "accounts");
  if (accounts_node == NULL || !JSON_NODE_HOLDS_ARRAY (accounts_node))
    {
      *reason = g_strdup (_("it has no list of accounts"));
      return FALSE;
    }

  array = json_node_get_array (accounts_node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(BpAccount) account = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (element))
        {
          *reason = g_strdup_printf (_("account %u is not a JSON object"), i + 1);
          return FALSE;
        }

      account = bp_account_new_from_json (json_node_get_object (element), &error);
      if (account == NULL)
        {
          *reason = g_strdup_printf (_("account %u: %s"), i + 1, error->message);
          return FALSE;
        }

      if (!g_hash_table_add (ids, (gpointer) bp_account_get_id (account)))
        {
          *reason = g_strdup_printf (_("account %u has the same id as an earlier one"), i + 1);
          return FALSE;
        }

      g_ptr_array_add (accounts, g_steal_pointer (&account));
    }

  return TRUE;
}

/* At most one default account per type: a file edited by hand may say
 * otherwise; the first one wins, and the next save writes it so. */
static void
enforce_one_default_per_type (GPtrArray *accounts)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < accounts->len; i++)
    {
      BpAccount *account = g_ptr_array_index (accounts, i);
      GType type = G_OBJECT_TYPE (account);

      if (!bp_account_get_is_default (account))
        continue;

      if (g_hash_table_contains (seen, GSIZE_TO_POINTER (type)))
        bp_account_set_is_default (account, FALSE);
      else
        g_hash_table_add (seen, GSIZE_TO_POINTER (type));
    }
}

/* The top-level members beside the accounts, so what a newer version wrote
 * there survives a save. Keeping the whole parsed document instead would hold
 * every account a second time (some 30 MB for 10,000 accounts). */
static JsonObject *
copy_other_members (JsonObject *root)
{
  JsonObject *copy = json_object_new ();
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init_ordered (&iter, root);
  while (json_object_iter_next_ordered (&iter, &name, &node))
    {
      if (!g_str_equal (name, "accounts"))
        json_object_set_member (copy, name, json_node_copy (node));
    }

  return copy;
}

/* Reading the usual file an account at a time (docs/performance.md).
 *
 * json-glib builds the whole document before anything can be taken from it:
 * for 10,000 accounts some 30 MB of nodes beside the accounts made from them,
 * and the time to free them. When the file has the shape this version
 * writes (a top-level object whose "accounts" member is an array of
 * objects), the scanner below only finds where each account's object
 * starts and ends; each one is then read on its own (below), and the rest
 * of the document by json-glib with an empty array in its place. Whatever the scanner is
 * not sure about, and any error at all, sends the caller back to parsing the
 * whole document, so a damaged file is judged and reported as before. */

/* The end of the string, object or array at @p; %NULL when there is none.
 * Only quotes and brackets are looked at: json-glib checks the rest. The
 * file is valid UTF-8 without NUL bytes, and NUL-terminated. */
static const char *
skip_structure (const char *p,
                const char *end)
{
  int depth = 0;

  do
    {
      if (p >= end)
        return NULL;

      switch (*p)
        {
        case '"':
          for (p++; ; p++)
            {
              p += strcspn (p, "\"\\");
              if (p >= end)
                return NULL;
              if (*p == '"')
                break;
              /* The escaped character; a backslash at the very end escapes
               * the terminating NUL, and strcspn() must not run past it
               * (found by tests/fuzz/fuzz-account-store). */
              if (++p >= end)
                return NULL;
            }
          p++;
          break;

        case '{':
        case '[':
          depth++;
          p++;
          break;

        case '}':
        case ']':
          if (depth == 0)
            return NULL;
          depth--;
          p++;
          break;

        default:
          /* A number or a literal is only expected inside. */
          if (depth == 0)
            return NULL;
          p++;
        }
    }
  while (depth > 0);

  return p;
}

/* Finds the "accounts" array of the top-level object: where it starts and
 * ends, and where each of its objects does. */
static gboolean
scan_store (const char *contents,
            gsize       length,
            const char **array_start,
            const char **array_end,
            GArray      *elements)
{
  const char *end = contents + length;
  const char *p = bp_json_skip_white_space (contents, end);

  *array_start = NULL;
  *array_end = NULL;
  if (p >= end || *p++ != '{')
    return FALSE;

  for (p = bp_json_skip_white_space (p, end); p < end && *p != '}'; )
    {
      const char *key = p;
      const char *key_end = skip_structure (p, end);
      gboolean is_accounts;

      /* A plain key, without escapes. */
      if (*key != '"' || key_end == NULL || memchr (key, '\\', key_end - key) != NULL)
        return FALSE;
      is_accounts = key_end - key == strlen ("\"accounts\"") && memcmp (key, "\"accounts\"", key_end - key) == 0;

      p = bp_json_skip_white_space (key_end, end);
      if (p >= end || *p++ != ':')
        return FALSE;
      p = bp_json_skip_white_space (p, end);
      if (p >= end)
        return FALSE;

      if (is_accounts)
        {
          if (*array_start != NULL || *p != '[')
            return FALSE;
          *array_start = p;

          for (p = bp_json_skip_white_space (p + 1, end); p < end && *p != ']'; )
            {
              const char *element_end;
              const char *range[2];

              if (*p != '{' || (element_end = skip_structure (p, end)) == NULL)
                return FALSE;
              range[0] = p;
              range[1] = element_end;
              g_array_append_vals (elements, range, 2);

              p = bp_json_skip_white_space (element_end, end);
              if (p < end && *p == ',')
                p = bp_json_skip_white_space (p + 1, end);
              else if (p >= end || *p != ']')
                return FALSE;
            }
          if (p >= end)
            return FALSE;
          *array_end = ++p;
        }
      else if (*p == '"' || *p == '{' || *p == '[')
        {
          if ((p = skip_structure (p, end)) == NULL)
            return FALSE;
        }
      else
        {
          /* A number or a literal: up to what follows it. */
          while (p < end && strchr (",} \t\r\n", *p) == NULL)
            p++;
        }

      p = bp_json_skip_white_space (p, end);
      if (p < end && *p == ',')
        p = bp_json_skip_white_space (p + 1, end);
      else if (p >= end || *p != '}')
        return FALSE;
    }

  if (p >= end || *array_start == NULL)
    return FALSE;

  return bp_json_skip_white_space (p + 1, end) == end;
}

/* Reading one account's object fast (docs/performance.md).
 *
 * json-glib reads through GScanner a character at a time, some 100
 * instructions a byte, and builds a node for each member: over two thirds of
 * loading a large store, and the time to free the nodes after. The accounts
 * this version writes are flat objects of strings, booleans and integers:
 * bp_json_members_read_flat() reads exactly those, into a table of members
 * the account is made from. Whatever it is not sure about — a \u escape, a
 * number that is not a plain integer, nesting, a duplicate or empty member
 * name, a control character, any other white space — makes it give up, and
 * json-glib parses that object as before (through bp_json_parser_load()):
 * what it accepts, bp_json_parser_load() accepts too, and the account is the
 * one json-glib's object makes (checked by /store/flat-object-like-json-glib
 * and /store/flat-object-mutations; no comment, no text after the object). */

/* Accounts from a run of the elements scan_store() found, made and given
 * their sort key (lists sort by it: made here, off the main thread). */
typedef struct
{
  const char **ranges;      /* start and end of each element */
  guint        n_elements;
  GPtrArray   *accounts;    /* BpAccount */
  GHashTable  *ids;         /* the accounts' ids, theirs: each once */
  gboolean     is_read;     /* every element made an account, each id once */
} AccountBatch;

static gpointer
read_account_batch (gpointer data)
{
  AccountBatch *batch = data;
  g_autoptr(JsonParser) element_parser = NULL;
  g_autoptr(BpJsonMembers) members = bp_json_members_new ();

  batch->is_read = FALSE;
  for (guint i = 0; i < batch->n_elements; i++)
    {
      const char *start = batch->ranges[2 * i];
      const char *element_end = batch->ranges[2 * i + 1];
      BpAccount *account;

      if (!bp_json_members_read_flat (members, start, element_end))
        {
          /* bp_json_parser_load(), as for the whole document: json-glib
           * alone takes comments, and text after the object. */
          if (element_parser == NULL)
            element_parser = json_parser_new_immutable ();
          if (!bp_json_parser_load (element_parser, start, element_end - start, NULL)
              || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (element_parser)))
            return NULL;
          bp_json_members_set_object (members, json_node_get_object (json_parser_get_root (element_parser)));
        }

      if ((account = bp_account_new_from_members (members, NULL)) == NULL)
        return NULL;

      bp_account_get_name_sort_key (account);
      g_ptr_array_add (batch->accounts, account);
      /* Here, while the account is in the cache: looked for afterwards
       * through 10,000 accounts, the ids cost 3 ms on one thread. */
      if (!g_hash_table_add (batch->ids, (gpointer) bp_account_get_id (account)))
        return NULL;
    }

  batch->is_read = TRUE;
  return NULL;
}

/* Below this many accounts a second thread is not worth starting. */
#define MIN_ACCOUNTS_TO_SPLIT 512

/* On success @parser holds the document with an empty "accounts" array and
 * @accounts the accounts, in order; on failure @accounts is left empty.
 *
 * A large store is read in two halves at once, the second in a thread of its
 * own: making 10,000 accounts is most of the time the list waits for, and the
 * machine has another core (the main thread is building the window). */
static gboolean
load_accounts_one_by_one (JsonParser *parser,
                          const char *contents,
                          gsize       length,
                          GPtrArray  *accounts)
{
  g_autoptr(GArray) elements = g_array_new (FALSE, FALSE, sizeof (const char *));
  g_autoptr(GString) rest = NULL;
  AccountBatch batches[2] = { { 0, }, };
  GThread *thread = NULL;
  const char *array_start;
  const char *array_end;
  JsonNode *version;
  guint n_elements;
  gboolean is_read;

  if (!scan_store (contents, length, &array_start, &array_end, elements))
    return FALSE;

  rest = g_string_new_len (contents, array_start - contents);
  g_string_append (rest, "[]");
  g_string_append_len (rest, array_end, contents + length - array_end);
  /* bp_json_parser_load() here too: the scanner only follows quotes and
   * brackets, and json-glib reads comments that could hide one. */
  if (!bp_json_parser_load (parser, rest->str, rest->len, NULL))
    return FALSE;

  /* Accounts are only read in a format this version knows (parse_accounts()
   * judges the version the same way for both documents). */
  version = json_object_get_member (json_node_get_object (json_parser_get_root (parser)), "version");
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) || json_node_get_value_type (version) != G_TYPE_INT64
      || json_node_get_int (version) < 1 || json_node_get_int (version) > BP_ACCOUNT_STORE_FORMAT_VERSION)
    return TRUE;

  /* No accounts: nothing to read. The array's data is NULL then, and
   * ranges computed from it would be NULL + 0, undefined in C (found by
   * tests/fuzz/fuzz-account-store on its seed empty-store.json). */
  n_elements = elements->len / 2;
  if (n_elements == 0)
    return TRUE;

  batches[0].ranges = &g_array_index (elements, const char *, 0);
  batches[0].n_elements = n_elements >= MIN_ACCOUNTS_TO_SPLIT ? n_elements / 2 : n_elements;
  batches[1].ranges = batches[0].ranges + 2 * batches[0].n_elements;
  batches[1].n_elements = n_elements - batches[0].n_elements;
  for (guint i = 0; i < G_N_ELEMENTS (batches); i++)
    {
      batches[i].accounts = g_ptr_array_new_full (batches[i].n_elements, g_object_unref);
      batches[i].ids = g_hash_table_new (g_str_hash, g_str_equal);
    }

  if (batches[1].n_elements > 0)
    thread = g_thread_try_new ("bp-store-read", read_account_batch, &batches[1], NULL);
  read_account_batch (&batches[0]);
  if (thread != NULL)
    g_thread_join (thread);
  else if (batches[0].is_read)
    read_account_batch (&batches[1]);
  is_read = batches[0].is_read && batches[1].is_read;

  /* No id of the second half in the first. */
  for (guint i = 0; is_read && i < batches[1].accounts->len; i++)
    is_read = !g_hash_table_contains (batches[0].ids,
                                      bp_account_get_id (g_ptr_array_index (batches[1].accounts, i)));

  for (guint i = 0; i < G_N_ELEMENTS (batches); i++)
    {
      g_hash_table_unref (batches[i].ids);
      g_ptr_array_extend_and_steal (accounts, batches[i].accounts);
    }

  if (is_read)
    return TRUE;

  g_ptr_array_set_size (accounts, 0);
  return FALSE;
}

static BpStoreContents *
store_contents_new_empty (void)
{
  BpStoreContents *result = g_new0 (BpStoreContents, 1);

  result->accounts = g_ptr_array_new_with_free_func (g_object_unref);
  result->root = json_object_new ();
  return result;
}

/**
 * bp_store_contents_new_from_data:
 *
 * Judges the bytes of a store file; the part of bp_store_file_read() that
 * needs no file, so that it can be fuzzed and tested on bytes. @contents
 * is freed as soon as the documents hold their own copies, to keep the
 * peak memory of a large file down.
 */
BpStoreContents *
bp_store_contents_new_from_data (char   *contents,
                                 gsize   length,
                                 char  **reason)
{
  /* g_autoptr frees it on every return: scan-build 14 reports a leak at the
   * early ones (see build-aux/analyze). */
  g_autoptr(BpStoreContents) result = g_new0 (BpStoreContents, 1);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *owned_contents = contents;
  gboolean is_parsed;

  g_return_val_if_fail (contents != NULL, NULL);
  g_return_val_if_fail (contents[length] == '\0', NULL);
  g_return_val_if_fail (reason != NULL && *reason == NULL, NULL);

  bp_account_types_ensure ();
  result->accounts = g_ptr_array_new_with_free_func (g_object_unref);

  if (length == 0)
    {
      *reason = g_strdup (_("it is empty"));
      return NULL;
    }

  /* Also refuses NUL bytes, which the scanner below relies on. */
  if (!bp_json_validate_utf8 (owned_contents, length))
    {
      *reason = g_strdup (_("it is not text"));
      return NULL;
    }

  /* Both ways of reading apply bp_json_parser_load()'s rules: the fast one
   * reads the rest of the document and every account it cannot read itself
   * through it, and its own reader takes less than it allows. */
  parser = json_parser_new_immutable ();
  is_parsed = load_accounts_one_by_one (parser, owned_contents, length, result->accounts);
  if (!is_parsed)
    {
      g_debug ("The accounts file is not in the usual shape: reading it as one document");
      is_parsed = bp_json_parser_load (parser, owned_contents, length, &local_error);
    }

  /* The documents have their own copies of what they hold. */
  g_clear_pointer (&owned_contents, g_free);

  if (!is_parsed)
    {
      /* json-glib quotes the text around the error, and a \ud800 escape in
       * it as bytes that are not UTF-8 (found by tests/fuzz/fuzz-account-store). */
      g_autofree char *message = g_utf8_make_valid (local_error->message, -1);

      *reason = g_strdup_printf (_("it is not valid JSON: %s"), message);
      return NULL;
    }

  if (!parse_accounts (json_parser_get_root (parser), result->accounts, &result->version, reason))
    return NULL;

  result->root = copy_other_members (json_node_get_object (json_parser_get_root (parser)));

  /* What a newer version wrote is not read, only kept. */
  if (result->version > BP_ACCOUNT_STORE_FORMAT_VERSION)
    {
      g_ptr_array_set_size (result->accounts, 0);
      return g_steal_pointer (&result);
    }

  enforce_one_default_per_type (result->accounts);

  /* Made here, off the main thread: lists sort by them (the accounts read
   * one by one have theirs already). */
  for (guint i = 0; i < result->accounts->len; i++)
    bp_account_get_name_sort_key (g_ptr_array_index (result->accounts, i));

  return g_steal_pointer (&result);
}

/* Reads and checks the whole file: what stands at the path, then its bytes
 * (bp_store_contents_new_from_data()). Runs in a worker thread: it touches
 * no shared state. */
BpStoreContents *
bp_store_file_read (GFile   *file,
                    GError **error)
{
  g_autoptr(BpStoreContents) result = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *path = NULL;
  g_autofree char *not_ours = NULL;
  char *contents = NULL;
  gsize length = 0;

  bp_account_types_ensure ();

  /* What is at the path decides whether the store may write it (see
   * bp_store_file_is_replaceable()). */
  path = g_file_get_path (file);
  if (path != NULL)
    {
      remove_abandoned_temp_files (path);
      if (bp_store_file_is_replaceable (path, &not_ours))
        tighten_mode (path);
    }

  /* Follows a link: the accounts are read through one, though not written. */
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if ((info == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
      || (info != NULL && g_file_info_get_file_type (info) != G_FILE_TYPE_REGULAR))
    {
      /* Nothing there, a dangling link, a directory or a device: nothing to read. */
      result = store_contents_new_empty ();
      if (not_ours != NULL)
        make_read_only (result, not_ours, error);
      return g_steal_pointer (&result);
    }

  g_clear_error (&local_error);
  if (info != NULL && g_file_info_get_size (info) > MAX_FILE_SIZE)
    reason = g_strdup (_("it is far too large to be an accounts file"));
  else if (!g_file_load_contents (file, NULL, &contents, &length, NULL, &local_error))
    reason = g_strdup_printf (_("it is not readable: %s"), local_error->message);
  else
    result = bp_store_contents_new_from_data (g_steal_pointer (&contents), length, &reason);

  if (result != NULL && result->version > BP_ACCOUNT_STORE_FORMAT_VERSION)
    {
      /* Do not touch what a newer version wrote; keep the store read-only. */
      g_set_error (&result->read_only_error, BP_ERROR, BP_ERROR_STORE_READ,
                   _("The accounts file %s was written by a newer version of Integration Accounts "
                     "(format %lld). Update the application to change accounts."),
                   path, (long long) result->version);
      g_set_error_literal (error, BP_ERROR, BP_ERROR_STORE_READ, result->read_only_error->message);
      return g_steal_pointer (&result);
    }

  if (result != NULL)
    {
      if (not_ours != NULL)
        make_read_only (result, not_ours, error);
      return g_steal_pointer (&result);
    }

  result = store_contents_new_empty ();
  g_clear_error (&local_error);

  /* Not ours to move aside either: say what is wrong with it, and leave it. */
  if (not_ours != NULL)
    {
      g_autofree char *why = g_strdup_printf (_("%s cannot be used (%s). %s"), path, reason, not_ours);

      make_read_only (result, why, error);
      return g_steal_pointer (&result);
    }
  report_corrupt_file (file, reason, &local_error);

  /* A file we could not move away must not be overwritten either. */
  if (g_error_matches (local_error, BP_ERROR, BP_ERROR_STORE_READ))
    result->read_only_error = g_error_copy (local_error);

  g_propagate_error (error, g_steal_pointer (&local_error));
  return g_steal_pointer (&result);
}
