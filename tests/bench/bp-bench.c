/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bp-bench"

#include "config.h"

#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <gtk/gtk.h>
#include <libsoup/soup.h>

#include "bp-account-editor.h"
#include "bp-account-store.h"
#include "bp-emulator.h"
#include "bp-limits-dialog.h"
#include "bp-salesforce-account.h"
#include "bp-test-gtk.h"
#include "bp-test-salesforce.h"
#include "bp-test-utils.h"
#include "bp-token-dialog.h"
#include "bp-window.h"

/* The in-process figures of build-aux/bench (docs/performance.md), each
 * printed as one JSON object on stdout. Run inside the headless session
 * (display, session bus, unlocked gnome-keyring):
 *
 *   bp-bench store STORE-FILE          load and save (Apply of one rename)
 *   bp-bench search STORE-FILE         keystroke in the search entry → list drawn
 *   bp-bench selection STORE-FILE      row selected → Properties pane drawn, keyring read included
 *   bp-bench limits                    limits parse + dialog drawn: the emulator's body and 5,000 limits
 *   bp-bench token                     Request token: callback at the loopback → token stored, pane drawn
 *   bp-bench --record-url FILE URL     the stand-in browser of "token": writes URL to FILE
 *
 * "Drawn" is the GdkFrameClock after-paint of the first frame that starts
 * after the change happened (bench_wait_for_frame()). */

#define WARMUP 1
#define RUNS   11

typedef gboolean (*BenchCondition) (gpointer data);

static gint64
now_us (void)
{
  return g_get_monotonic_time ();
}

/* ------------------------------------------------------------------ */
/* Statistics and output                                               */

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median_of (GArray *samples)
{
  g_autoptr(GArray) sorted = g_array_copy (samples);
  guint n = sorted->len;

  g_assert (n > 0);
  g_array_sort (sorted, compare_doubles);
  if (n % 2 == 1)
    return g_array_index (sorted, double, n / 2);
  return (g_array_index (sorted, double, n / 2 - 1) + g_array_index (sorted, double, n / 2)) / 2;
}

static double
max_of (GArray *samples)
{
  double max = 0;

  for (guint i = 0; i < samples->len; i++)
    max = MAX (max, g_array_index (samples, double, i));
  return max;
}

/* "name": {"median_ms": …, "max_ms": …, "samples_ms": […]} */
static void
add_samples (JsonBuilder *builder,
             const char  *name,
             GArray      *samples)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "median_ms");
  json_builder_add_double_value (builder, median_of (samples));
  json_builder_set_member_name (builder, "max_ms");
  json_builder_add_double_value (builder, max_of (samples));
  json_builder_set_member_name (builder, "runs");
  json_builder_add_int_value (builder, samples->len);
  json_builder_set_member_name (builder, "samples_ms");
  json_builder_begin_array (builder);
  for (guint i = 0; i < samples->len; i++)
    json_builder_add_double_value (builder, g_array_index (samples, double, i));
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  g_printerr ("bp-bench: %-32s median %8.2f ms   max %8.2f ms   (%u runs)\n",
              name, median_of (samples), max_of (samples), samples->len);
}

static void
print_result (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = json_to_string (root, FALSE);

  printf ("%s\n", text);
  fflush (stdout);
}

static void
add_sample (GArray *samples,
            gint64  start,
            gint64  end)
{
  double ms = (end - start) / 1000.0;

  g_array_append_val (samples, ms);
}

/* ------------------------------------------------------------------ */
/* Waiting                                                             */

static gboolean
deadline_cb (gpointer user_data)
{
  g_error ("bp-bench: %s did not happen within 30 s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

static void
wait_until (BenchCondition  condition,
            gpointer        data,
            const char     *what)
{
  guint id = g_timeout_add_seconds (30, deadline_cb, (gpointer) what);

  while (!condition (data))
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (id);
}

static void
spin (guint ms)
{
  bp_test_spin (ms);
}

typedef struct
{
  BenchCondition condition;
  gpointer       data;
  gint64         painted_at;
} FrameWait;

static void
frame_painted_cb (GdkFrameClock *clock,
                  FrameWait     *wait)
{
  if (wait->painted_at == 0 && wait->condition (wait->data))
    wait->painted_at = now_us ();
}

static gboolean
frame_painted (gpointer data)
{
  return ((FrameWait *) data)->painted_at != 0;
}

/* Iterates until @condition holds, then returns the time of the after-paint
 * of the next frame of @widget's surface. A frame is requested once the
 * condition holds, in case the change itself did not ask for one. */
static gint64
wait_for_frame (GtkWidget      *widget,
                BenchCondition  condition,
                gpointer        data,
                const char     *what)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (widget);
  FrameWait wait = { condition, data, 0 };
  guint deadline = g_timeout_add_seconds (30, deadline_cb, (gpointer) what);
  gboolean kicked = FALSE;
  gulong id;

  g_assert (clock != NULL);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (frame_painted_cb), &wait);

  while (!frame_painted (&wait))
    {
      if (!kicked && condition (data))
        {
          gtk_widget_queue_draw (widget);
          kicked = TRUE;
        }
      g_main_context_iteration (NULL, TRUE);
    }

  g_signal_handler_disconnect (clock, id);
  g_source_remove (deadline);
  return wait.painted_at;
}

static gboolean
always (gpointer data)
{
  return TRUE;
}

static gboolean
is_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static void
present_and_settle (GtkWindow *window)
{
  gtk_window_present (window);
  wait_until (is_mapped, window, "mapping the window");
  wait_for_frame (GTK_WIDGET (window), always, NULL, "the first frame");
  spin (300);
}

/* ------------------------------------------------------------------ */
/* Stores and the keyring                                              */

static char *work_dir;

static char *
copy_store (const char *source)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *dir = NULL;
  gsize length = 0;
  char *path;
  static guint counter;

  if (work_dir == NULL)
    {
      work_dir = g_dir_make_tmp ("bp-bench-XXXXXX", &error);
      g_assert_no_error (error);
    }

  dir = g_strdup_printf ("%s/%u", work_dir, counter++);
  g_mkdir_with_parents (dir, 0700);
  path = g_build_filename (dir, "accounts.json", NULL);
  if (source != NULL)
    {
      g_file_get_contents (source, &contents, &length, &error);
      g_assert_no_error (error);
      g_file_set_contents_full (path, contents, length, G_FILE_SET_CONTENTS_NONE, 0600, &error);
      g_assert_no_error (error);
    }

  return path;
}

static BpAccountStore *
open_store (const char *path)
{
  g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  BpAccountStore *store = bp_account_store_new (file, secrets);

  bp_account_store_load (store, &error);
  g_assert_no_error (error);
  return store;
}

static void
await_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

static void
store_secret (BpSecretStore *secrets,
              const char    *id,
              const char    *kind,
              const char    *value)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  bp_secret_store_store_async (secrets, id, kind, "bp-bench", value, NULL, await_cb, &result);
  wait_until (has_result, &result, "storing a secret");
  bp_secret_store_store_finish (secrets, result, &error);
  g_assert_no_error (error);
}

/* ------------------------------------------------------------------ */
/* store                                                               */

static int
bench_store (const char *source)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) loads = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) saves = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *path = copy_store (source);
  g_autoptr(BpAccountStore) store = NULL;
  struct stat st;
  guint n_accounts = 0;

  for (guint run = 0; run < WARMUP + RUNS; run++)
    {
      g_autoptr(BpSecretStore) secrets = bp_secret_store_new ();
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(BpAccountStore) loaded = bp_account_store_new (file, secrets);
      g_autoptr(GError) error = NULL;
      gint64 start = now_us ();

      bp_account_store_load (loaded, &error);
      g_assert_no_error (error);
      if (run >= WARMUP)
        add_sample (loads, start, now_us ());
      n_accounts = g_list_model_get_n_items (G_LIST_MODEL (loaded));
    }

  /* Save: Apply of a renamed account, which validates it against the others,
   * serialises the whole store and replaces the file (fsync, rename). Its
   * secrets are not known, so the keyring is not touched. */
  store = open_store (path);
  for (guint run = 0; run < WARMUP + RUNS; run++)
    {
      g_autoptr(BpAccount) saved = g_list_model_get_item (G_LIST_MODEL (store), (run * 97) % n_accounts);
      g_autoptr(BpAccount) draft = bp_account_copy (saved);
      g_autofree char *name = g_strdup_printf ("%s (renamed %u)", bp_account_get_name (saved), run);
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start;

      bp_account_set_name (draft, name);
      start = now_us ();
      bp_account_store_apply_async (store, draft, NULL, await_cb, &result);
      wait_until (has_result, &result, "saving the store");
      if (run >= WARMUP)
        add_sample (saves, start, now_us ());
      bp_account_store_apply_finish (store, result, &error);
      g_assert_no_error (error);
    }

  g_assert_true (g_stat (path, &st) == 0);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accounts");
  json_builder_add_int_value (builder, n_accounts);
  json_builder_set_member_name (builder, "file_bytes");
  json_builder_add_int_value (builder, st.st_size);
  add_samples (builder, "load", loads);
  add_samples (builder, "save", saves);
  json_builder_end_object (builder);
  print_result (builder);

  return 0;
}

/* ------------------------------------------------------------------ */
/* search                                                              */

static gboolean
is_search_entry (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_SEARCH_ENTRY (widget);
}

static gboolean
is_column_view (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_COLUMN_VIEW (widget);
}

typedef struct
{
  guint  n_changed;
  guint  expected;
  gint64 changed_at;
} SearchState;

static void
search_changed_cb (GtkSearchEntry *entry,
                   SearchState    *state)
{
  state->n_changed++;
  state->changed_at = now_us ();
}

static gboolean
search_done (gpointer data)
{
  SearchState *state = data;

  return state->n_changed >= state->expected;
}

static gboolean
limits_complete (gpointer data)
{
  return bp_limits_dialog_is_list_complete (BP_LIMITS_DIALOG (data));
}

static gboolean
list_complete (gpointer data)
{
  return bp_window_is_list_complete (BP_WINDOW (data));
}

/* One keystroke: a character typed at the end, or Backspace (@c == 0). */
static void
type_key (GtkEditable *editable,
          char         c)
{
  int length = (int) strlen (gtk_editable_get_text (editable));

  if (c == 0)
    gtk_editable_delete_text (editable, length - 1, length);
  else
    {
      char text[2] = { c, '\0' };
      int position = length;

      gtk_editable_insert_text (editable, text, 1, &position);
      gtk_editable_set_position (editable, position);
    }
}

static int
bench_search (const char *source)
{
  static const char * const queries[] = { "acme", "emea", "sandbox", "#0042", "support", "health" };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) drawn = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) filtered = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) completed = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *path = copy_store (source);
  g_autoptr(BpAccountStore) store = open_store (path);
  g_autoptr(GString) keys = g_string_new (NULL);
  SearchState state = { 0 };
  BpWindow *window;
  GtkWidget *entry;
  GtkEditable *editable;
  guint search_delay;

  /* Each query typed, then erased: narrowing and widening the list. */
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_string_append (keys, queries[i]);
      for (guint j = 0; queries[i][j] != '\0'; j++)
        g_string_append_c (keys, '\b');
    }

  window = bp_window_new (NULL, store);
  present_and_settle (GTK_WINDOW (window));

  entry = bp_test_find_widget (GTK_WIDGET (window), is_search_entry, NULL);
  g_assert_nonnull (entry);
  editable = GTK_EDITABLE (entry);
  search_delay = gtk_search_entry_get_search_delay (GTK_SEARCH_ENTRY (entry));
  g_signal_connect_after (entry, "search-changed", G_CALLBACK (search_changed_cb), &state);
  gtk_widget_grab_focus (entry);
  spin (200);

  for (guint i = 0; i < keys->len && drawn->len < 50; i++)
    {
      gint64 start;
      gint64 end;
      gint64 complete;

      /* A fast typist: a key every ~120 ms. */
      spin (120);
      state.expected = state.n_changed + 1;
      start = now_us ();
      type_key (editable, keys->str[i] == '\b' ? 0 : keys->str[i]);
      end = wait_for_frame (GTK_WIDGET (window), search_done, &state, "the filtered list");
      complete = end;
      if (!bp_window_is_list_complete (window))
        complete = wait_for_frame (GTK_WIDGET (window), list_complete, window, "the whole filtered list");

      /* The first query is the warm-up. */
      if (i < strlen (queries[0]) * 2)
        continue;
      add_sample (drawn, start, end);
      add_sample (completed, start, complete);
      {
        double ms = (state.changed_at - start) / 1000.0;

        g_array_append_val (filtered, ms);
      }
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accounts");
  json_builder_add_int_value (builder, g_list_model_get_n_items (G_LIST_MODEL (store)));
  json_builder_set_member_name (builder, "search_delay_ms");
  json_builder_add_int_value (builder, search_delay);
  add_samples (builder, "keystroke_to_drawn", drawn);
  add_samples (builder, "keystroke_to_list_complete", completed);
  add_samples (builder, "keystroke_to_filtered", filtered);
  json_builder_end_object (builder);
  print_result (builder);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

/* ------------------------------------------------------------------ */
/* selection                                                           */

static gboolean
is_editor (GtkWidget     *widget,
           gconstpointer  data)
{
  return BP_IS_ACCOUNT_EDITOR (widget) && gtk_widget_get_mapped (widget);
}

typedef struct
{
  BpWindow   *window;
  const char *id;
} PaneWait;

/* The pane shows a draft of the account, with the consumer secret read from the keyring. */
static gboolean
pane_shows_account (gpointer data)
{
  PaneWait *wait = data;
  GtkWidget *editor = bp_test_find_widget (GTK_WIDGET (wait->window), is_editor, NULL);
  BpAccount *draft;

  if (editor == NULL)
    return FALSE;

  draft = bp_account_editor_get_draft (BP_ACCOUNT_EDITOR (editor));
  return draft != NULL && g_str_equal (bp_account_get_id (draft), wait->id)
         && bp_account_is_secret_known (draft, BP_SECRET_KIND_CONSUMER_SECRET)
         && g_strcmp0 (bp_account_get_secret (draft, BP_SECRET_KIND_CONSUMER_SECRET), "") != 0;
}

static int
bench_selection (const char *source)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) drawn = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *path = copy_store (source);
  g_autoptr(BpAccountStore) store = open_store (path);
  BpSecretStore *secrets = bp_account_store_get_secret_store (store);
  GtkSelectionModel *model;
  BpWindow *window;
  double first_ms = 0;

  window = bp_window_new (NULL, store);
  present_and_settle (GTK_WINDOW (window));
  model = gtk_column_view_get_model (GTK_COLUMN_VIEW (bp_test_find_widget (GTK_WIDGET (window), is_column_view, NULL)));

  /* Every account opened has its consumer secret in the keyring. */
  for (guint run = 0; run < WARMUP + RUNS; run++)
    {
      g_autoptr(BpAccount) account = g_list_model_get_item (G_LIST_MODEL (model), run);
      g_autofree char *secret = g_strdup_printf ("bench-consumer-secret-%u-0123456789ABCDEF", run);

      store_secret (secrets, bp_account_get_id (account), BP_SECRET_KIND_CONSUMER_SECRET, secret);
    }

  for (guint run = 0; run < WARMUP + RUNS; run++)
    {
      g_autoptr(BpAccount) account = g_list_model_get_item (G_LIST_MODEL (model), run);
      PaneWait wait = { window, bp_account_get_id (account) };
      gint64 start;
      gint64 end;

      spin (150);
      start = now_us ();
      gtk_selection_model_select_item (model, run, TRUE);
      end = wait_for_frame (GTK_WIDGET (window), pane_shows_account, &wait, "the Properties pane");

      /* The first opening also builds the form: the warm-up, shown apart. */
      if (run < WARMUP)
        first_ms = (end - start) / 1000.0;
      else
        add_sample (drawn, start, end);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "accounts");
  json_builder_add_int_value (builder, g_list_model_get_n_items (G_LIST_MODEL (store)));
  json_builder_set_member_name (builder, "first_open_ms");
  json_builder_add_double_value (builder, first_ms);
  add_samples (builder, "select_to_pane_drawn", drawn);
  json_builder_end_object (builder);
  print_result (builder);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

/* ------------------------------------------------------------------ */
/* limits                                                              */

static GBytes *
fetch_emulator_body (void)
{
  g_autoptr(BpEmulator) emulator = bp_test_emulator_new ();
  g_autoptr(BpSalesforceClient) client = bp_test_salesforce_client_new ();
  g_autofree char *refresh_token = bp_emulator_issue_refresh_token (emulator, NULL);
  g_autoptr(BpSalesforceTokens) tokens = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) limits_result = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *body;

  bp_salesforce_client_refresh_async (client, bp_emulator_get_base_url (emulator), "3MVG9bench", NULL,
                                      refresh_token, NULL, await_cb, &result);
  wait_until (has_result, &result, "the emulator's token");
  tokens = bp_salesforce_client_refresh_finish (client, result, &error);
  g_assert_no_error (error);

  bp_salesforce_client_get_limits_async (client, bp_salesforce_tokens_get_instance_url (tokens),
                                         BP_EMULATOR_HIGHEST_VERSION,
                                         bp_salesforce_tokens_get_access_token (tokens), NULL,
                                         await_cb, &limits_result);
  wait_until (has_result, &limits_result, "the emulator's limits");
  body = bp_salesforce_client_get_limits_finish (client, limits_result, &error);
  g_assert_no_error (error);

  return body;
}

/* 4,000 top-level limits, 200 of them with 5 per-app entries: 5,000 in all. */
static GBytes *
make_large_body (void)
{
  GString *body = g_string_new ("{");

  for (guint i = 0; i < 4000; i++)
    {
      gint64 max = 1000 + (i * 7919) % 5000000;
      gint64 remaining = max - (max * ((i * 37) % 101)) / 100;

      g_string_append_printf (body, "%s\"CustomLimit%04u\":{\"Max\":%" G_GINT64_FORMAT ",\"Remaining\":%" G_GINT64_FORMAT,
                              i == 0 ? "" : ",", i, max, remaining);
      if (i % 20 == 0)
        for (guint j = 0; j < 5; j++)
          g_string_append_printf (body, ",\"Connected App %u-%u\":{\"Max\":%" G_GINT64_FORMAT ",\"Remaining\":%" G_GINT64_FORMAT "}",
                                  i, j, max, remaining + j);
      g_string_append_c (body, '}');
    }
  g_string_append_c (body, '}');

  return g_string_free_to_bytes (body);
}

static gboolean
is_window_mapped (gpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

static void
bench_limits_body (JsonBuilder         *builder,
                   const char          *name,
                   GBytes              *body,
                   BpSalesforceAccount *account)
{
  g_autoptr(GArray) parse = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) drawn = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) completed = g_array_new (FALSE, FALSE, sizeof (double));
  guint n_items = 0;

  for (guint run = 0; run < WARMUP + RUNS; run++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(BpLimits) limits = NULL;
      BpLimitsDialog *dialog;
      gsize length;
      const char *data = g_bytes_get_data (body, &length);
      gint64 start;
      gint64 parsed;
      gint64 end;
      gint64 complete;

      spin (100);
      start = now_us ();
      limits = bp_limits_new_from_json (data, length, &error);
      g_assert_no_error (error);
      parsed = now_us ();
      dialog = bp_limits_dialog_new (NULL, account, NULL);
      bp_limits_dialog_set_limits (dialog, limits);
      gtk_window_present (GTK_WINDOW (dialog));
      end = wait_for_frame (GTK_WIDGET (dialog), is_window_mapped, dialog, "the limits dialog");
      complete = end;
      if (!bp_limits_dialog_is_list_complete (dialog))
        complete = wait_for_frame (GTK_WIDGET (dialog), limits_complete, dialog, "every limit in the list");

      n_items = g_list_model_get_n_items (G_LIST_MODEL (limits));
      if (run >= WARMUP)
        {
          add_sample (parse, start, parsed);
          add_sample (drawn, start, end);
          add_sample (completed, start, complete);
        }
      gtk_window_destroy (GTK_WINDOW (dialog));
      spin (50);
    }

  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "body_bytes");
  json_builder_add_int_value (builder, g_bytes_get_size (body));
  json_builder_set_member_name (builder, "top_level_limits");
  json_builder_add_int_value (builder, n_items);
  add_samples (builder, "parse", parse);
  add_samples (builder, "parse_to_drawn", drawn);
  add_samples (builder, "parse_to_list_complete", completed);
  json_builder_end_object (builder);
}

static int
bench_limits (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GBytes) emulator_body = fetch_emulator_body ();
  g_autoptr(GBytes) large_body = make_large_body ();
  g_autoptr(BpSalesforceAccount) account = g_object_new (BP_TYPE_SALESFORCE_ACCOUNT,
                                                         "name", "Production",
                                                         "url", "https://acme.my.salesforce.com/",
                                                         NULL);

  json_builder_begin_object (builder);
  bench_limits_body (builder, "emulator", emulator_body, account);
  bench_limits_body (builder, "limits_5000", large_body, account);
  json_builder_end_object (builder);
  print_result (builder);

  return 0;
}

/* ------------------------------------------------------------------ */
/* token                                                               */

#define TOKEN_ACCOUNT_ID "0b7b1b0e-8a3e-4a53-9d6c-2b1bb1d9a001"

static const char token_store[] =
  "{\"version\": 1, \"accounts\": ["
  "{\"id\": \"" TOKEN_ACCOUNT_ID "\", \"type\": \"salesforce\", \"name\": \"Production\","
  " \"url\": \"https://acme.my.salesforce.com/\", \"consumer-key\": \"3MVG9.emulator-key\","
  " \"idp-login-url\": \"/\"}]}";

typedef struct
{
  BpWindow   *window;
  const char *url_file;
} TokenWait;

static BpSalesforceAccount *
get_window_draft (BpWindow *window)
{
  GtkWidget *editor = bp_test_find_widget (GTK_WIDGET (window), is_editor, NULL);

  if (editor == NULL)
    return NULL;
  return BP_SALESFORCE_ACCOUNT (bp_account_editor_get_draft (BP_ACCOUNT_EDITOR (editor)));
}

static gboolean
url_recorded (gpointer data)
{
  TokenWait *wait = data;
  g_autofree char *contents = NULL;

  return g_file_get_contents (wait->url_file, &contents, NULL, NULL) && g_str_has_suffix (contents, "\n");
}

static gboolean
draft_authorized (gpointer data)
{
  TokenWait *wait = data;
  BpSalesforceAccount *draft = get_window_draft (wait->window);

  return draft != NULL && bp_salesforce_account_get_token_state (draft) == BP_TOKEN_STATE_VALID;
}

static gboolean
draft_back_to_no_token (gpointer data)
{
  TokenWait *wait = data;
  BpSalesforceAccount *draft = get_window_draft (wait->window);

  return draft != NULL && bp_salesforce_account_get_token_state (draft) == BP_TOKEN_STATE_NONE
         && bp_test_find_toplevel (BP_TYPE_TOKEN_DIALOG) == NULL;
}

static gboolean
no_token_dialog (gpointer data)
{
  return bp_test_find_toplevel (BP_TYPE_TOKEN_DIALOG) == NULL;
}

/* GET without following the redirect; returns the Location. */
static char *
get_location (SoupSession *session,
              const char  *url)
{
  g_autoptr(SoupMessage) message = soup_message_new (SOUP_METHOD_GET, url);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) base = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, NULL);
  g_autoptr(GUri) location = NULL;

  soup_message_add_flags (message, SOUP_MESSAGE_NO_REDIRECT);
  soup_session_send_and_read_async (session, message, G_PRIORITY_DEFAULT, NULL, await_cb, &result);
  wait_until (has_result, &result, "the authorize page");
  body = soup_session_send_and_read_finish (session, result, &error);
  g_assert_no_error (error);
  g_assert_true (SOUP_STATUS_IS_REDIRECTION (soup_message_get_status (message)));

  location = g_uri_parse_relative (base, soup_message_headers_get_one (soup_message_get_response_headers (message),
                                                                       "Location"),
                                   SOUP_HTTP_URI_FLAGS, &error);
  g_assert_no_error (error);
  return g_uri_to_string (location);
}

static void
callback_answered_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GBytes) body = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  *(gboolean *) user_data = TRUE;
}

static int
bench_token (const char *self_path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GArray) overhead = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(BpEmulator) emulator = bp_test_emulator_new ();
  g_autoptr(SoupSession) browser = soup_session_new_with_options ("proxy-resolver", NULL, NULL);
  g_autofree char *path = copy_store (NULL);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *url_file = g_build_filename (dir, "authorize-url", NULL);
  g_autofree char *browser_command = g_strdup_printf ("%s --record-url %s", self_path, url_file);
  g_autofree char *port = g_strdup_printf ("%u", bp_test_find_free_port ());
  g_autoptr(BpAccountStore) store = NULL;
  g_autoptr(GError) error = NULL;
  TokenWait wait = { NULL, url_file };
  GtkSelectionModel *model;
  BpWindow *window;

  g_file_set_contents (path, token_store, -1, &error);
  g_assert_no_error (error);
  store = open_store (path);

  g_setenv ("BP_SALESFORCE_LOGIN_URL", bp_emulator_get_base_url (emulator), TRUE);
  g_setenv ("BP_OAUTH_REDIRECT_PORT", port, TRUE);
  g_setenv ("BROWSER", browser_command, TRUE);

  window = bp_window_new (NULL, store);
  wait.window = window;
  present_and_settle (GTK_WINDOW (window));
  model = gtk_column_view_get_model (GTK_COLUMN_VIEW (bp_test_find_widget (GTK_WIDGET (window), is_column_view, NULL)));
  gtk_selection_model_select_item (model, 0, TRUE);
  spin (300);

  for (guint run = 0; run < WARMUP + RUNS; run++)
    {
      GtkWidget *editor = bp_test_find_widget (GTK_WIDGET (window), is_editor, NULL);
      g_autofree char *authorize_url = NULL;
      g_autofree char *callback_url = NULL;
      g_autoptr(SoupMessage) callback = NULL;
      gboolean answered = FALSE;
      gint64 start;
      gint64 end;

      g_unlink (url_file);
      g_assert_true (gtk_widget_activate_action (editor, "editor.request-token", NULL));
      wait_until (url_recorded, &wait, "the browser being started");
      g_file_get_contents (url_file, &authorize_url, NULL, NULL);
      g_strchomp (authorize_url);

      /* The user's time in the browser is not ours: the authorize page
       * answers before the clock starts. */
      callback_url = get_location (browser, authorize_url);
      callback = soup_message_new (SOUP_METHOD_GET, callback_url);
      spin (50);

      start = now_us ();
      soup_session_send_and_read_async (browser, callback, G_PRIORITY_DEFAULT, NULL, callback_answered_cb, &answered);
      end = wait_for_frame (GTK_WIDGET (window), draft_authorized, &wait, "the token stored and shown");
      if (run >= WARMUP)
        add_sample (overhead, start, end);

      bp_test_wait_until (&answered, 10000);
      wait_until (no_token_dialog, NULL, "the token dialog closing");

      /* Cancel revokes the new token and puts the keyring back. */
      gtk_widget_activate_action (GTK_WIDGET (window), "win.cancel-changes", NULL);
      wait_until (draft_back_to_no_token, &wait, "Cancel");
      spin (300);
    }

  json_builder_begin_object (builder);
  add_samples (builder, "callback_to_token_stored_and_drawn", overhead);
  json_builder_end_object (builder);
  print_result (builder);

  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}

/* ------------------------------------------------------------------ */

int
main (int    argc,
      char **argv)
{
  const char *command = argc > 1 ? argv[1] : "";
  int status;

  /* The stand-in browser of "token": records the URL and exits. */
  if (g_str_equal (command, "--record-url") && argc == 4)
    {
      g_autofree char *line = g_strconcat (argv[3], "\n", NULL);
      g_autofree char *partial = g_strconcat (argv[2], ".partial", NULL);

      if (!g_file_set_contents (partial, line, -1, NULL) || g_rename (partial, argv[2]) != 0)
        return 1;
      return 0;
    }

  if (!gtk_init_check ())
    {
      g_printerr ("bp-bench: no display\n");
      return 1;
    }

  if (g_str_equal (command, "store") && argc == 3)
    status = bench_store (argv[2]);
  else if (g_str_equal (command, "search") && argc == 3)
    status = bench_search (argv[2]);
  else if (g_str_equal (command, "selection") && argc == 3)
    status = bench_selection (argv[2]);
  else if (g_str_equal (command, "limits") && argc == 2)
    status = bench_limits ();
  else if (g_str_equal (command, "token") && argc == 2)
    {
      g_autofree char *self_path = g_canonicalize_filename (argv[0], NULL);

      status = bench_token (self_path);
    }
  else
    {
      g_printerr ("usage: %s store|search|selection STORE-FILE | limits | token\n", argv[0]);
      return 2;
    }

  bp_test_remove_tree (work_dir);

  return status;
}
