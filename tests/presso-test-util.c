/* presso-test-util.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso-test-util"

#include "config.h"

#include <glib/gstdio.h>

#include "presso-test-util.h"

/**
 * presso_test_iterate_until_nap:
 * @cond: (nullable): the condition, or %NULL to run for the whole of @timeout_ms
 * @data: what @cond is given, usually the test's fixture
 * @timeout_ms: how long to wait at the most
 * @nap_us: how long to sleep after each look at the main context, or 0 to block in it until
 *   it has something to do (a benchmark measuring CPU time wants no polling of its own)
 *
 * Runs the default main context until @cond comes true or @timeout_ms have passed.  Safety
 * tests inject faults with timing: a caller's nap is part of its timing, keep it.
 *
 * Returns: whether @cond came true in time
 */
gboolean
presso_test_iterate_until_nap (PressoTestCondition cond,
                               gpointer            data,
                               guint               timeout_ms,
                               guint               nap_us)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;

  while (cond == NULL || !cond (data))
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_main_context_iteration (NULL, nap_us == 0);
      if (nap_us > 0)
        g_usleep (nap_us);
    }
  return TRUE;
}

/**
 * presso_test_iterate_until:
 * @cond: the condition
 * @data: what @cond is given
 * @timeout_ms: how long to wait at the most
 *
 * presso_test_iterate_until_nap() with a nap of %PRESSO_TEST_NAP_US after each iteration.
 *
 * Returns: whether @cond came true in time
 */
gboolean
presso_test_iterate_until (PressoTestCondition cond,
                           gpointer            data,
                           guint               timeout_ms)
{
  g_return_val_if_fail (cond != NULL, FALSE);

  return presso_test_iterate_until_nap (cond, data, timeout_ms, PRESSO_TEST_NAP_US);
}

/**
 * presso_test_iterate_for:
 * @ms: how long
 *
 * Runs the default main context for @ms milliseconds, napping %PRESSO_TEST_NAP_US after each
 * iteration.
 */
void
presso_test_iterate_for (guint ms)
{
  presso_test_iterate_until_nap (NULL, NULL, ms, PRESSO_TEST_NAP_US);
}

/**
 * presso_test_keep_result:
 * @object: the source object
 * @result: its result
 * @slot: (out): a `GAsyncResult *` set to %NULL before the call
 *
 * A #GAsyncReadyCallback that keeps a reference to @result in @slot, for a test to wait for
 * it with presso_test_result_ready() and finish the call itself.
 */
void
presso_test_keep_result (GObject      *object,
                         GAsyncResult *result,
                         gpointer      slot)
{
  *(GAsyncResult **) slot = g_object_ref (result);
}

/**
 * presso_test_result_ready:
 * @slot: the `GAsyncResult *` given to presso_test_keep_result()
 *
 * Returns: whether the result has come
 */
gboolean
presso_test_result_ready (gpointer slot)
{
  return *(GAsyncResult **) slot != NULL;
}

/**
 * presso_test_path_exists:
 * @path: a file name (a `char *`)
 *
 * A condition for the waiting functions: presso-sim's link appearing, say.
 *
 * Returns: whether @path exists
 */
gboolean
presso_test_path_exists (gpointer path)
{
  return g_file_test (path, G_FILE_TEST_EXISTS);
}

/**
 * presso_test_sim_path:
 *
 * Returns: (nullable): presso-sim as the build gives it in $PRESSO_SIM, or %NULL when it was
 *   not built
 */
const char *
presso_test_sim_path (void)
{
  const char *sim = g_getenv ("PRESSO_SIM");

  return sim != NULL && *sim != '\0' ? sim : NULL;
}

/**
 * presso_test_store_open:
 * @path: a database file
 *
 * Opens @path (creating it if need be), failing the test on any error.
 *
 * Returns: (transfer full): the store
 */
PressoStore *
presso_test_store_open (const char *path)
{
  g_autoptr(GError) error = NULL;
  PressoStore *store = presso_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/**
 * presso_test_clinic_new:
 * @tmpl: the temporary folder's name, ending in XXXXXX
 * @dir: (out): the new temporary folder
 * @path: (out): the database file in it
 *
 * Opens a new clinic database, clinic.db in a new temporary folder.  Remove it with
 * presso_test_remove_tree (@dir) once the store is closed.
 *
 * Returns: (transfer full): the store
 */
PressoStore *
presso_test_clinic_new (const char  *tmpl,
                        char       **dir,
                        char       **path)
{
  g_autoptr(GError) error = NULL;

  *dir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
  *path = g_build_filename (*dir, "clinic.db", NULL);
  return presso_test_store_open (*path);
}

/**
 * presso_test_remove_database:
 * @path: a database file, closed
 *
 * Removes @path with the -wal, -shm and -journal files SQLite may have left beside it.
 */
void
presso_test_remove_database (const char *path)
{
  static const char * const suffixes[] = { "", "-wal", "-shm", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      g_remove (file);
    }
}

/**
 * presso_test_remove_tree:
 * @path: a folder
 *
 * Removes @path and everything under it (a database with its -wal, -shm and -journal files),
 * without following symbolic links.
 *
 * Returns: whether @path itself could be removed
 */
gboolean
presso_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        presso_test_remove_tree (child);
      else
        g_remove (child);
    }
  return g_rmdir (path) == 0;
}

/**
 * presso_test_short_program:
 *
 * Four chambers of the left boot of presso-sim's default device (12 chambers, two boots of
 * 6), 40 mmHg, one second per step: a session that shows every phase in a few seconds.
 *
 * Returns: (transfer full): the program
 */
PressoProgram *
presso_test_short_program (void)
{
  PressoProgram *program = presso_program_new ();

  presso_program_set_name (program, "Short test");
  presso_program_set_mode (program, PRESSO_PROTO_MODE_SEQUENTIAL);
  presso_program_set_garments (program, PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BOOT_LEFT));
  presso_program_set_n_chambers (program, 4);
  presso_program_set_base_pressure (program, 40);
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_INFLATE, 1);
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_HOLD, 1);
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_DEFLATE, 1);
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_REST, 0.5);
  presso_program_set_ramp_s (program, 0);
  presso_program_set_duration_min (program, 1);
  return program;
}

/**
 * presso_test_answer_all_no:
 * @screening: a screening being filled in
 * @rules: its rules
 *
 * Answers every yes/no question no and every zone question none: a client with nothing to
 * report, whom the gate lets through without a question.
 */
void
presso_test_answer_all_no (PressoScreening      *screening,
                           PressoScreeningRules *rules)
{
  for (guint i = 0; i < presso_screening_rules_get_n_items (rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (rules, i);
      g_autoptr(PressoScreeningAnswer) value = NULL;
      g_autoptr(GError) error = NULL;

      if (presso_screening_item_get_kind (item) == PRESSO_SCREENING_KIND_YES_NO)
        value = presso_screening_answer_new_yes_no (FALSE);
      else if (presso_screening_item_get_kind (item) == PRESSO_SCREENING_KIND_ZONES)
        value = presso_screening_answer_new_zones (PRESSO_ZONE_NONE);
      else
        continue;
      g_assert_true (presso_screening_set_answer (screening, rules,
                                                  presso_screening_item_get_id (item), value,
                                                  &error));
      g_assert_no_error (error);
    }
}
