/* test-store-screening.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Screenings in the store, on a real SQLite file: versions never edited in place, answers of
 * every kind read back after reopening, decisions (refused for absolute contraindications),
 * the daily confirmation, staleness from the client's audit trail, the front desk's status,
 * the gate as the session calls it, and the migration of a database made before screenings.
 */

#include "config.h"

#include <sqlite3.h>

#include "presso-demo.h"
#include "presso-store.h"
#include "presso-store-screening.h"
#include "presso-test-util.h"

#define VALIDITY_DAYS 180

typedef struct
{
  char                 *dir;
  char                 *path;
  PressoStore          *store;
  PressoStaff          *staff;
  PressoClient         *client;
  PressoScreeningRules *rules;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rules_path = g_build_filename (g_getenv ("PRESSO_SOURCE_DATADIR"), "screening",
                                                  "rules.desktop", NULL);

  fixture->store = presso_test_clinic_new ("presso-store-screening-XXXXXX", &fixture->dir,
                                           &fixture->path);

  fixture->staff = presso_staff_new ("Claire Martin", PRESSO_ROLE_PRACTITIONER);
  g_assert_true (presso_store_insert_staff (fixture->store, fixture->staff, &error));
  g_assert_no_error (error);
  presso_store_set_actor (fixture->store, fixture->staff);

  fixture->client = presso_client_new ();
  presso_client_set_first_name (fixture->client, "Hélène");
  presso_client_set_last_name (fixture->client, "Dupont");
  presso_client_set_birth_date (fixture->client, "1985-03-12");
  g_assert_true (presso_store_insert_client (fixture->store, fixture->client, &error));
  g_assert_no_error (error);

  fixture->rules = presso_screening_rules_new_from_file (rules_path, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->store);
  g_clear_object (&fixture->staff);
  g_clear_object (&fixture->client);
  g_clear_object (&fixture->rules);
  presso_test_remove_tree (fixture->dir);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static void
reopen (Fixture *fixture)
{
  g_clear_object (&fixture->store);
  fixture->store = presso_test_store_open (fixture->path);
  presso_store_set_actor (fixture->store, fixture->staff);
}

static void
answer (Fixture               *fixture,
        PressoScreening       *screening,
        const char            *id,
        PressoScreeningAnswer *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreeningAnswer) owned = value;

  g_assert_true (presso_screening_set_answer (screening, fixture->rules, id, owned, &error));
  g_assert_no_error (error);
}

/* A screening of the fixture's client with nothing to report, not stored yet. */
static PressoScreening *
clear_screening (Fixture   *fixture,
                 GDateTime *screened_at)
{
  PressoScreening *screening = presso_screening_new (presso_client_get_id (fixture->client));

  for (guint i = 0; i < presso_screening_rules_get_n_items (fixture->rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (fixture->rules, i);
      const char *id = presso_screening_item_get_id (item);

      if (presso_screening_item_get_kind (item) == PRESSO_SCREENING_KIND_YES_NO)
        answer (fixture, screening, id, presso_screening_answer_new_yes_no (FALSE));
      else if (presso_screening_item_get_kind (item) == PRESSO_SCREENING_KIND_ZONES)
        answer (fixture, screening, id, presso_screening_answer_new_zones (PRESSO_ZONE_NONE));
    }
  presso_screening_set_screened_at (screening, screened_at);
  presso_screening_set_rules_version (screening, presso_screening_rules_get_version (fixture->rules));
  return screening;
}

static void
insert (Fixture         *fixture,
        PressoScreening *screening)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (presso_store_insert_screening (fixture->store, screening, &error));
  g_assert_no_error (error);
  g_assert_cmpint (presso_screening_get_id (screening), >, 0);
}

static gint64
count_rows (Fixture    *fixture,
            const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (fixture->path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return n;
}

static PressoStartPermit *
gate (Fixture     *fixture,
      PressoZones  zones,
      GDateTime   *now,
      GError     **error)
{
  return presso_store_check_screening_gate (fixture->store, fixture->rules,
                                            presso_client_get_id (fixture->client), zones, now,
                                            VALIDITY_DAYS, error);
}

static void
assert_gate_refuses (Fixture              *fixture,
                     PressoZones           zones,
                     GDateTime            *now,
                     PressoScreeningError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoStartPermit) permit = gate (fixture, zones, now, &error);

  g_assert_null (permit);
  g_assert_error (error, PRESSO_SCREENING_ERROR, (int) code);
}

static PressoStartPermit *
assert_gate_allows (Fixture     *fixture,
                    PressoZones  zones,
                    GDateTime   *now)
{
  g_autoptr(GError) error = NULL;
  PressoStartPermit *permit = gate (fixture, zones, now, &error);

  g_assert_no_error (error);
  g_assert_nonnull (permit);
  g_assert_cmpint (presso_start_permit_get_client_id (permit), ==, presso_client_get_id (fixture->client));
  return permit;
}

static void
test_versions (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GDateTime) screened_at = g_date_time_new_utc (2026, 11, 24, 9, 15, 30.5);
  g_autoptr(GDateTime) started = g_date_time_new_utc (2026, 11, 23, 20, 0, 0);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 24, 10, 0, 0);
  g_autoptr(PressoScreening) first = clear_screening (fixture, screened_at);
  g_autoptr(PressoScreening) read = NULL;
  g_autoptr(PressoScreening) second = NULL;
  g_autoptr(PressoScreening) old = NULL;
  g_autoptr(GPtrArray) versions = NULL;
  g_autoptr(GPtrArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  gint64 client_id = presso_client_get_id (fixture->client);
  sqlite3 *db = NULL;

  /* Never screened. */
  g_assert_null (presso_store_get_current_screening (fixture->store, client_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (presso_store_get_screening_status (fixture->store, fixture->rules, client_id, now,
                                                     VALIDITY_DAYS, &error), ==,
                   PRESSO_SCREENING_STATUS_MISSING);
  assert_gate_refuses (fixture, PRESSO_ZONE_LEGS, now, PRESSO_SCREENING_ERROR_NO_SCREENING);

  /* Answers of every kind. */
  answer (fixture, first, "blood-pressure", presso_screening_answer_new_pair (135, 85.5));
  answer (fixture, first, "ankle-brachial-index", presso_screening_answer_new_number (0.95));
  answer (fixture, first, "acute-infection", presso_screening_answer_new_yes_no (TRUE));
  answer (fixture, first, "antibiotics-started", presso_screening_answer_new_date (started));
  answer (fixture, first, "wounds", presso_screening_answer_new_zones (PRESSO_ZONE_ARMS | PRESSO_ZONE_ABDOMEN));
  insert (fixture, first);
  g_assert_cmpint (presso_screening_get_version (first), ==, 1);
  g_assert_cmpint (presso_screening_get_screened_by (first), ==, presso_staff_get_id (fixture->staff));

  reopen (fixture);
  read = presso_store_get_current_screening (fixture->store, client_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (read);
  g_assert_cmpint (presso_screening_get_id (read), ==, presso_screening_get_id (first));
  g_assert_cmpint (presso_screening_get_client_id (read), ==, client_id);
  g_assert_cmpint (presso_screening_get_version (read), ==, 1);
  g_assert_cmpint (presso_screening_get_screened_by (read), ==, presso_staff_get_id (fixture->staff));
  g_assert_true (g_date_time_equal (presso_screening_get_screened_at (read), screened_at));
  g_assert_cmpstr (presso_screening_get_rules_version (read), ==,
                   presso_screening_rules_get_version (fixture->rules));
  ids = presso_screening_list_answered (first);
  g_assert_cmpuint (presso_screening_list_answered (read)->len, ==, ids->len);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autofree char *want = presso_screening_answer_to_string (presso_screening_get_answer (first, ids->pdata[i]));
      g_autofree char *got = NULL;

      g_assert_nonnull (presso_screening_get_answer (read, ids->pdata[i]));
      got = presso_screening_answer_to_string (presso_screening_get_answer (read, ids->pdata[i]));
      g_assert_cmpstr (got, ==, want);
    }
  /* 14 h after antibiotics: still contraindicated, as before saving. */
  assert_gate_refuses (fixture, PRESSO_ZONE_LEGS, now, PRESSO_SCREENING_ERROR_CONTRAINDICATED);

  /* Editing means a new version; the first one stays as it was. */
  second = presso_screening_new_version (read);
  presso_screening_set_screened_at (second, now);
  answer (fixture, second, "acute-infection", presso_screening_answer_new_yes_no (FALSE));
  answer (fixture, second, "wounds", presso_screening_answer_new_zones (PRESSO_ZONE_NONE));
  insert (fixture, second);
  g_assert_cmpint (presso_screening_get_version (second), ==, 2);
  g_assert_cmpint (presso_screening_get_id (second), !=, presso_screening_get_id (first));

  versions = presso_store_list_screenings (fixture->store, client_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (versions->len, ==, 2);
  g_assert_cmpint (presso_screening_get_version (versions->pdata[0]), ==, 2);
  g_assert_cmpint (presso_screening_get_version (versions->pdata[1]), ==, 1);
  old = presso_store_get_screening (fixture->store, presso_screening_get_id (first), &error);
  g_assert_no_error (error);
  g_assert_true (presso_screening_answer_get_yes (presso_screening_get_answer (old, "acute-infection")));
  g_clear_object (&read);
  read = presso_store_get_current_screening (fixture->store, client_id, &error);
  g_assert_cmpint (presso_screening_get_version (read), ==, 2);
  g_object_unref (assert_gate_allows (fixture, PRESSO_ZONES_ALL, now));

  /* A stored screening cannot be saved over, neither through the store nor behind its back. */
  g_assert_false (presso_store_insert_screening (fixture->store, second, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (fixture, "screenings"), ==, 2);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE screening_answers SET value = 'no'"
                                     " WHERE item_id = 'acute-infection'", NULL, NULL, NULL),
                   !=, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE screenings SET version = 9", NULL, NULL, NULL),
                   !=, SQLITE_OK);
  sqlite3_close (db);
  g_clear_object (&old);
  old = presso_store_get_screening (fixture->store, presso_screening_get_id (first), &error);
  g_assert_true (presso_screening_answer_get_yes (presso_screening_get_answer (old, "acute-infection")));

  g_assert_null (presso_store_get_screening (fixture->store, 999, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_NOT_FOUND);
}

static void
test_decisions (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 24, 10, 0, 0);
  g_autoptr(GDateTime) letter = g_date_time_new_utc (2026, 11, 20, 0, 0, 0);
  g_autoptr(PressoScreening) screening = clear_screening (fixture, now);
  g_autoptr(PressoScreening) read = NULL;
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(PressoScreeningDecision) belt =
    presso_screening_decision_new (PRESSO_ZONE_ABDOMEN, "pregnancy", "Obstetrician agrees", letter, 0, NULL);
  g_autoptr(PressoScreeningDecision) boots =
    presso_screening_decision_new (PRESSO_ZONE_LEGS, "neuropathy", "Monofilament test normal at the ankles", letter, 0, NULL);
  g_autoptr(PressoScreeningDecision) unsaved =
    presso_screening_decision_new (PRESSO_ZONE_LEGS, "neuropathy", "Checked", NULL, 0, NULL);
  g_autoptr(GError) error = NULL;
  const PressoScreeningDecision *stored;

  answer (fixture, screening, "pregnancy", presso_screening_answer_new_yes_no (TRUE));
  answer (fixture, screening, "neuropathy", presso_screening_answer_new_zones (PRESSO_ZONE_LEGS));

  g_assert_false (presso_store_add_screening_decision (fixture->store, screening, fixture->rules,
                                                       unsaved, now, &error));
  g_assert_error (error, PRESSO_STORE_ERROR, PRESSO_STORE_ERROR_INVALID);
  g_clear_error (&error);

  insert (fixture, screening);
  assert_gate_refuses (fixture, PRESSO_ZONE_LEGS, now, PRESSO_SCREENING_ERROR_NEEDS_DECISION);
  assert_gate_refuses (fixture, PRESSO_ZONE_ABDOMEN, now, PRESSO_SCREENING_ERROR_CONTRAINDICATED);
  permit = assert_gate_allows (fixture, PRESSO_ZONE_ARMS, now);
  g_clear_object (&permit);

  /* Absolute (here: zone) contraindications cannot be overridden, and nothing is stored. */
  g_assert_false (presso_store_add_screening_decision (fixture->store, screening, fixture->rules,
                                                       belt, now, &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NOT_OVERRIDABLE);
  g_clear_error (&error);
  g_assert_cmpint (count_rows (fixture, "screening_decisions"), ==, 0);

  g_assert_true (presso_store_add_screening_decision (fixture->store, screening, fixture->rules,
                                                      boots, now, &error));
  g_assert_no_error (error);
  g_assert_cmpint (boots->id, >, 0);
  g_assert_cmpint (boots->decided_by, ==, presso_staff_get_id (fixture->staff));

  reopen (fixture);
  read = presso_store_get_current_screening (fixture->store, presso_client_get_id (fixture->client), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (presso_screening_get_decisions (read)->len, ==, 1);
  stored = g_ptr_array_index (presso_screening_get_decisions (read), 0);
  g_assert_cmpint (stored->zone, ==, PRESSO_ZONE_LEGS);
  g_assert_cmpstr (stored->item_id, ==, "neuropathy");
  g_assert_cmpstr (stored->reason, ==, boots->reason);
  g_assert_true (g_date_time_equal (stored->letter_date, letter));
  g_assert_true (g_date_time_equal (stored->decided_at, now));
  g_assert_cmpint (stored->decided_by, ==, presso_staff_get_id (fixture->staff));

  permit = assert_gate_allows (fixture, PRESSO_ZONE_LEGS | PRESSO_ZONE_ARMS, now);
  g_assert_cmpuint (presso_start_permit_get_pressure_cap (permit), ==, 40);
  assert_gate_refuses (fixture, PRESSO_ZONE_LEGS | PRESSO_ZONE_ABDOMEN, now,
                       PRESSO_SCREENING_ERROR_CONTRAINDICATED);

  /* Decisions recorded on the form before the first save are saved with the screening. */
  {
    g_autoptr(PressoScreening) next = presso_screening_new_version (read);
    g_autoptr(PressoScreening) again = NULL;
    g_autoptr(PressoScreeningDecision) d =
      presso_screening_decision_new (PRESSO_ZONE_LEGS, "neuropathy", "Reviewed again", NULL, 0, now);

    presso_screening_set_screened_at (next, now);
    g_assert_cmpuint (presso_screening_get_decisions (next)->len, ==, 0);
    g_assert_true (presso_screening_add_decision (next, fixture->rules, d, now, &error));
    insert (fixture, next);
    again = presso_store_get_current_screening (fixture->store, presso_client_get_id (fixture->client), &error);
    g_assert_cmpint (presso_screening_get_version (again), ==, 2);
    g_assert_cmpuint (presso_screening_get_decisions (again)->len, ==, 1);
    g_assert_cmpstr (((PressoScreeningDecision *) presso_screening_get_decisions (again)->pdata[0])->reason,
                     ==, "Reviewed again");
  }
}

static void
test_confirmation (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDateTime) yesterday = g_date_time_new_utc (2026, 11, 23, 16, 0, 0);
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 24, 10, 0, 0);
  g_autoptr(GDateTime) morning = g_date_time_new_utc (2026, 11, 24, 9, 50, 0);
  g_autoptr(GDateTime) later = g_date_time_new_utc (2026, 11, 24, 11, 0, 0);
  g_autoptr(PressoScreening) screening = clear_screening (fixture, yesterday);
  g_autoptr(PressoScreeningConfirmation) old = NULL;
  g_autoptr(PressoScreeningConfirmation) unchanged = NULL;
  g_autoptr(PressoScreeningConfirmation) changed = NULL;
  g_autoptr(PressoScreeningConfirmation) found = NULL;
  g_autoptr(GError) error = NULL;
  gint64 client_id = presso_client_get_id (fixture->client);

  insert (fixture, screening);
  assert_gate_refuses (fixture, PRESSO_ZONE_LEGS, now, PRESSO_SCREENING_ERROR_NOT_CONFIRMED);

  /* Yesterday's confirmation does not count today. */
  old = presso_screening_confirmation_new (presso_screening_get_id (screening), FALSE, 0, yesterday);
  g_assert_true (presso_store_record_screening_confirmation (fixture->store, old, &error));
  g_assert_no_error (error);
  assert_gate_refuses (fixture, PRESSO_ZONE_LEGS, now, PRESSO_SCREENING_ERROR_NOT_CONFIRMED);

  unchanged = presso_screening_confirmation_new (presso_screening_get_id (screening), FALSE, 0, morning);
  g_assert_true (presso_store_record_screening_confirmation (fixture->store, unchanged, &error));
  g_assert_cmpint (unchanged->id, >, old->id);
  g_assert_cmpint (unchanged->confirmed_by, ==, presso_staff_get_id (fixture->staff));
  g_object_unref (assert_gate_allows (fixture, PRESSO_ZONE_LEGS, now));
  g_assert_cmpint (presso_store_get_screening_status (fixture->store, fixture->rules, client_id, now,
                                                     VALIDITY_DAYS, &error), ==,
                   PRESSO_SCREENING_STATUS_VALID);

  found = presso_store_get_screening_confirmation (fixture->store, presso_screening_get_id (screening),
                                                   now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (found->id, ==, unchanged->id);
  g_assert_false (found->changed);

  /* Later the same day the client mentions a change: a new screening is needed. */
  changed = presso_screening_confirmation_new (presso_screening_get_id (screening), TRUE, 0, now);
  g_assert_true (presso_store_record_screening_confirmation (fixture->store, changed, &error));
  assert_gate_refuses (fixture, PRESSO_ZONE_LEGS, later, PRESSO_SCREENING_ERROR_CHANGED);
  g_assert_cmpint (presso_store_get_screening_status (fixture->store, fixture->rules, client_id, later,
                                                     VALIDITY_DAYS, &error), ==,
                   PRESSO_SCREENING_STATUS_NEEDS_REVIEW);

  /* And the new screening clears it. */
  {
    g_autoptr(PressoScreening) fresh = clear_screening (fixture, later);

    insert (fixture, fresh);
    g_object_unref (assert_gate_allows (fixture, PRESSO_ZONES_ALL, later));
  }
}

static void
test_stale_and_status (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GDateTime) real_now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) screened_at = g_date_time_add_minutes (real_now, -5);
  g_autoptr(GDateTime) soon = g_date_time_add_minutes (real_now, 5);
  g_autoptr(GDateTime) expired = g_date_time_add_days (real_now, VALIDITY_DAYS + 2);
  g_autoptr(PressoScreening) screening = clear_screening (fixture, screened_at);
  g_autoptr(GDateTime) changed_at = NULL;
  g_autoptr(GError) error = NULL;
  gint64 client_id = presso_client_get_id (fixture->client);

  insert (fixture, screening);
  g_assert_null (presso_store_get_client_health_changed_at (fixture->store, client_id, &error));
  g_assert_no_error (error);

  /* A new phone number is not a health change. */
  presso_client_set_phone (fixture->client, "06 12 34 56 78");
  g_assert_true (presso_store_update_client (fixture->store, fixture->client, &error));
  g_assert_no_error (error);
  g_assert_null (presso_store_get_client_health_changed_at (fixture->store, client_id, &error));
  g_assert_cmpint (presso_store_get_screening_status (fixture->store, fixture->rules, client_id, soon,
                                                     VALIDITY_DAYS, &error), ==,
                   PRESSO_SCREENING_STATUS_VALID);
  g_assert_cmpint (presso_store_get_screening_status (fixture->store, fixture->rules, client_id, expired,
                                                     VALIDITY_DAYS, &error), ==,
                   PRESSO_SCREENING_STATUS_EXPIRED);
  assert_gate_refuses (fixture, PRESSO_ZONE_ARMS, expired, PRESSO_SCREENING_ERROR_EXPIRED);

  /* New notes are: the screening needs review. */
  presso_client_set_notes (fixture->client, "Varices, suivi par le Dr Morel");
  g_assert_true (presso_store_update_client (fixture->store, fixture->client, &error));
  g_assert_no_error (error);
  changed_at = presso_store_get_client_health_changed_at (fixture->store, client_id, &error);
  g_assert_nonnull (changed_at);
  g_assert_cmpint (g_date_time_compare (changed_at, screened_at), >, 0);
  g_assert_cmpint (presso_store_get_screening_status (fixture->store, fixture->rules, client_id, soon,
                                                     VALIDITY_DAYS, &error), ==,
                   PRESSO_SCREENING_STATUS_NEEDS_REVIEW);
  assert_gate_refuses (fixture, PRESSO_ZONE_ARMS, soon, PRESSO_SCREENING_ERROR_STALE);

  {
    g_autoptr(GDateTime) after = g_date_time_add_minutes (real_now, 1);
    g_autoptr(PressoScreening) fresh = clear_screening (fixture, after);

    insert (fixture, fresh);
    g_object_unref (assert_gate_allows (fixture, PRESSO_ZONE_ARMS, soon));
  }
}

/* The three demo clients, through the store. */
static void
test_demo_clients (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 24, 10, 0, 0);
  g_autoptr(GError) error = NULL;
  static const struct { const char *first; const char *item; PressoScreeningKind kind; } clients[] = {
    { "Thrombose", "venous-thrombosis", PRESSO_SCREENING_KIND_YES_NO },
    { "Enceinte", "pregnancy", PRESSO_SCREENING_KIND_YES_NO },
    { "Neuropathie", "neuropathy", PRESSO_SCREENING_KIND_ZONES },
  };

  for (guint i = 0; i < G_N_ELEMENTS (clients); i++)
    {
      g_autoptr(PressoScreening) screening = NULL;

      g_clear_object (&fixture->client);
      fixture->client = presso_client_new ();
      presso_client_set_first_name (fixture->client, clients[i].first);
      presso_client_set_last_name (fixture->client, "Démo");
      g_assert_true (presso_store_insert_client (fixture->store, fixture->client, &error));
      g_assert_no_error (error);

      screening = clear_screening (fixture, now);
      answer (fixture, screening, clients[i].item,
              clients[i].kind == PRESSO_SCREENING_KIND_YES_NO
                ? presso_screening_answer_new_yes_no (TRUE)
                : presso_screening_answer_new_zones (PRESSO_ZONE_LEGS));
      insert (fixture, screening);

      switch (i)
        {
        case 0:
          for (PressoZones zones = 1; zones <= PRESSO_ZONES_ALL; zones++)
            assert_gate_refuses (fixture, zones, now, PRESSO_SCREENING_ERROR_CONTRAINDICATED);
          break;
        case 1:
          g_object_unref (assert_gate_allows (fixture, PRESSO_ZONE_LEGS, now));
          assert_gate_refuses (fixture, PRESSO_ZONE_ABDOMEN, now, PRESSO_SCREENING_ERROR_CONTRAINDICATED);
          break;
        case 2:
          {
            g_autoptr(PressoScreeningDecision) d =
              presso_screening_decision_new (PRESSO_ZONE_LEGS, "neuropathy", "Sensation tested, 40 mmHg", NULL, 0, NULL);

            assert_gate_refuses (fixture, PRESSO_ZONE_LEGS, now, PRESSO_SCREENING_ERROR_NEEDS_DECISION);
            g_assert_true (presso_store_add_screening_decision (fixture->store, screening, fixture->rules,
                                                                d, now, &error));
            g_assert_no_error (error);
            g_object_unref (assert_gate_allows (fixture, PRESSO_ZONE_LEGS, now));
          }
          break;
        default:
          g_assert_not_reached ();
        }
    }
}

/* A clinic's database from before screenings existed gains the tables and keeps its clients. */
static void
test_migrate_from_v2 (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 11, 24, 10, 0, 0);
  g_autoptr(PressoScreening) screening = NULL;
  g_autoptr(PressoClient) client = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  g_clear_object (&fixture->store);
  g_assert_cmpint (sqlite3_open (fixture->path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE screening_confirmations; DROP TABLE screening_decisions;"
                                     " DROP TABLE screening_answers; DROP TABLE screenings;"
                                     " PRAGMA user_version = 2;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  fixture->store = presso_test_store_open (fixture->path);
  g_assert_cmpint (presso_store_get_schema_version (fixture->store), ==, PRESSO_STORE_SCHEMA_VERSION);
  g_assert_cmpint (PRESSO_STORE_SCHEMA_VERSION, >=, 3);
  client = presso_store_get_client (fixture->store, presso_client_get_id (fixture->client), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (presso_client_get_first_name (client), ==, "Hélène");

  screening = clear_screening (fixture, now);
  insert (fixture, screening);
  g_object_unref (assert_gate_allows (fixture, PRESSO_ZONE_LEGS, now));
}

static gint64
demo_client (const char *path,
             const char *first_name,
             const char *last_name)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 id;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT id FROM clients WHERE first_name = ?1"
                                           " AND last_name = ?2 AND archived = 0", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_text (stmt, 1, first_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, last_name, -1, SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  id = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return id;
}

/* The demo clinic shows each case of the gate, through the same calls as a session. */
static void
test_demo_clinic (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autofree char *path = g_build_filename (fixture->dir, "demo.db", NULL);
  g_autoptr(PressoStore) store = presso_test_store_open (path);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autoptr(GError) error = NULL;
  static const struct
  {
    const char           *first, *last;
    PressoScreeningStatus status;
    PressoZones           allowed;   /* zones the gate lets start, after today's confirmation */
    int                   refusal;   /* the error for the other zones */
    guint                 cap;
  } cases[] = {
    { "Hélène", "Dupont", PRESSO_SCREENING_STATUS_VALID, PRESSO_ZONES_ALL, 0, 0 },
    { "Zoë", "Müller", PRESSO_SCREENING_STATUS_VALID, PRESSO_ZONE_LEGS | PRESSO_ZONE_ARMS,
      PRESSO_SCREENING_ERROR_CONTRAINDICATED, 0 },
    { "François", "Dubois-Lefèvre", PRESSO_SCREENING_STATUS_VALID, PRESSO_ZONE_LEGS,
      PRESSO_SCREENING_ERROR_NEEDS_DECISION, 40 },
    { "Anh", "Nguyễn", PRESSO_SCREENING_STATUS_VALID, PRESSO_ZONE_ARMS | PRESSO_ZONE_ABDOMEN,
      PRESSO_SCREENING_ERROR_NEEDS_DECISION, 0 },
    { "Siobhan", "O'Brien", PRESSO_SCREENING_STATUS_VALID, PRESSO_ZONE_NONE,
      PRESSO_SCREENING_ERROR_CONTRAINDICATED, 0 },
    { "Bjørn", "Ødegaard", PRESSO_SCREENING_STATUS_EXPIRED, PRESSO_ZONE_NONE,
      PRESSO_SCREENING_ERROR_EXPIRED, 0 },
    { "Élodie", "Lefèvre", PRESSO_SCREENING_STATUS_MISSING, PRESSO_ZONE_NONE,
      PRESSO_SCREENING_ERROR_NO_SCREENING, 0 },
  };
  guint screened = 0;

  g_assert_true (presso_demo_fill (store, 60, PRESSO_DEMO_SEED, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 client_id = demo_client (path, cases[i].first, cases[i].last);
      g_autoptr(PressoScreening) current = NULL;

      g_test_message ("%s %s", cases[i].first, cases[i].last);
      g_assert_cmpint (presso_store_get_screening_status (store, fixture->rules, client_id, now,
                                                         VALIDITY_DAYS, &error), ==, cases[i].status);
      current = presso_store_get_current_screening (store, client_id, &error);
      g_assert_no_error (error);
      if (current != NULL)
        {
          g_autoptr(PressoScreeningConfirmation) today =
            presso_screening_confirmation_new (presso_screening_get_id (current), FALSE, 0, now);

          g_assert_true (presso_store_record_screening_confirmation (store, today, &error));
          g_assert_no_error (error);
        }

      for (PressoZones zone = PRESSO_ZONE_LEGS; zone <= PRESSO_ZONE_ABDOMEN; zone <<= 1)
        {
          g_autoptr(PressoStartPermit) permit =
            presso_store_check_screening_gate (store, fixture->rules, client_id, zone, now,
                                               VALIDITY_DAYS, &error);

          if (cases[i].allowed & zone)
            {
              g_assert_no_error (error);
              g_assert_cmpuint (presso_start_permit_get_pressure_cap (permit), ==,
                                zone == PRESSO_ZONE_LEGS ? cases[i].cap : 0);
            }
          else
            {
              g_assert_null (permit);
              g_assert_error (error, PRESSO_SCREENING_ERROR, cases[i].refusal);
              g_clear_error (&error);
            }
        }
    }

  /* And most of the other clients have a valid screening. */
  for (gint64 id = 1; id <= 60; id++)
    screened += presso_store_get_screening_status (store, fixture->rules, id, now, VALIDITY_DAYS,
                                                   &error) == PRESSO_SCREENING_STATUS_VALID;
  g_assert_cmpuint (screened, >=, 25);
  g_clear_object (&store);
  presso_test_remove_database (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(path, func) \
  g_test_add ("/presso/store/screening/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("versions", test_versions);
  ADD ("decisions", test_decisions);
  ADD ("confirmation", test_confirmation);
  ADD ("stale-and-status", test_stale_and_status);
  ADD ("demo-clients", test_demo_clients);
  ADD ("migrate-from-v2", test_migrate_from_v2);
  ADD ("demo-clinic", test_demo_clinic);
#undef ADD

  return g_test_run ();
}
