/* test-screening.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The screening engine, the gate and the rules loader.  The expectations come from the table
 * below, written from CLINICAL.md independently of data/screening/rules.desktop: a wrong
 * severity or zone in the shipped file makes these tests fail.
 */

#include "config.h"

#include <glib/gstdio.h>

#include "presso-screening.h"
#include "presso-screening-gate.h"

#define C PRESSO_ZONE_STATUS_CONTRAINDICATED
#define D PRESSO_ZONE_STATUS_NEEDS_DECISION
#define _ PRESSO_ZONE_STATUS_CLEARED

#define VALIDITY_DAYS 180

typedef struct
{
  const char          *id;
  PressoScreeningKind  kind;
  /* The answer that raises the item: yes, these zones, or this number (pair). */
  PressoZones          answer_zones;
  double               answer[2];
  /* Expected legs, arms, abdomen. */
  PressoZoneStatus     expect[3];
  guint                cap;
} Row;

static const Row truth[] = {
  { "hypertension", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { C, C, C }, 0 },
  { "blood-pressure", PRESSO_SCREENING_KIND_NUMBER_PAIR, 0, { 180, 110 }, { C, C, C }, 0 },
  { "tumour", PRESSO_SCREENING_KIND_ZONES, PRESSO_ZONE_LEGS, { 0 }, { C, _, _ }, 0 },
  { "tumour", PRESSO_SCREENING_KIND_ZONES, PRESSO_ZONE_ARMS | PRESSO_ZONE_ABDOMEN, { 0 }, { _, C, C }, 0 },
  { "acute-infection", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { C, C, C }, 0 },
  { "antibiotics-started", PRESSO_SCREENING_KIND_DATE, 0, { 0 }, { _, _, _ }, 0 },
  { "renal-insufficiency", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { D, D, D }, 0 },
  { "renal-insufficiency-severe", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { C, C, C }, 0 },
  { "cardiac", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { C, C, C }, 0 },
  { "venous-thrombosis", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { C, C, C }, 0 },
  { "thrombophlebitis", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { C, C, C }, 0 },
  { "pulmonary-embolism", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { C, C, C }, 0 },
  { "past-thrombosis", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { D, D, D }, 40 },
  { "ankle-brachial-index", PRESSO_SCREENING_KIND_NUMBER, 0, { 0.3 }, { C, _, _ }, 40 },
  { "ankle-brachial-index", PRESSO_SCREENING_KIND_NUMBER, 0, { 0.6 }, { D, _, _ }, 40 },
  { "wounds", PRESSO_SCREENING_KIND_ZONES, PRESSO_ZONE_ARMS, { 0 }, { _, C, _ }, 0 },
  { "wounds", PRESSO_SCREENING_KIND_ZONES, PRESSO_ZONES_ALL, { 0 }, { C, C, C }, 0 },
  { "fracture", PRESSO_SCREENING_KIND_ZONES, PRESSO_ZONE_ABDOMEN, { 0 }, { _, _, C }, 0 },
  { "fracture", PRESSO_SCREENING_KIND_ZONES, PRESSO_ZONE_LEGS, { 0 }, { C, _, _ }, 0 },
  { "neuropathy", PRESSO_SCREENING_KIND_ZONES, PRESSO_ZONE_LEGS, { 0 }, { D, _, _ }, 40 },
  { "neuropathy", PRESSO_SCREENING_KIND_ZONES, PRESSO_ZONE_ARMS, { 0 }, { _, D, _ }, 40 },
  { "proximal-drainage", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { D, _, _ }, 0 },
  { "pregnancy", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { _, _, C }, 0 },
  { "limb-deformity", PRESSO_SCREENING_KIND_ZONES, PRESSO_ZONE_ARMS, { 0 }, { _, D, _ }, 0 },
  { "limb-deformity", PRESSO_SCREENING_KIND_ZONES, PRESSO_ZONES_ALL, { 0 }, { D, D, D }, 0 },
  { "material-allergy", PRESSO_SCREENING_KIND_YES_NO, 0, { 0 }, { D, D, D }, 0 },
};

static const PressoZones zones3[3] = { PRESSO_ZONE_LEGS, PRESSO_ZONE_ARMS, PRESSO_ZONE_ABDOMEN };

static PressoScreeningRules *
load_shipped_rules (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("PRESSO_SOURCE_DATADIR"), "screening",
                                            "rules.desktop", NULL);
  PressoScreeningRules *rules = presso_screening_rules_new_from_file (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (rules);
  return rules;
}

static GDateTime *
utc (int y, int mo, int d, int h, int mi)
{
  return g_date_time_new_utc (y, mo, d, h, mi, 0);
}

static void
answer (PressoScreening       *screening,
        PressoScreeningRules  *rules,
        const char            *id,
        PressoScreeningAnswer *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreeningAnswer) owned = value;

  g_assert_true (presso_screening_set_answer (screening, rules, id, owned, &error));
  g_assert_no_error (error);
}

/* Every required question answered "no" (or nothing selected): a client with nothing to
 * report, screened at @screened_at and stored as row 7. */
static PressoScreening *
clear_screening (PressoScreeningRules *rules,
                 GDateTime            *screened_at)
{
  PressoScreening *screening = presso_screening_new (42);

  for (guint i = 0; i < presso_screening_rules_get_n_items (rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (rules, i);
      const char *id = presso_screening_item_get_id (item);

      switch (presso_screening_item_get_kind (item))
        {
        case PRESSO_SCREENING_KIND_YES_NO:
          answer (screening, rules, id, presso_screening_answer_new_yes_no (FALSE));
          break;
        case PRESSO_SCREENING_KIND_ZONES:
          answer (screening, rules, id, presso_screening_answer_new_zones (PRESSO_ZONE_NONE));
          break;
        default:
          break;
        }
    }
  presso_screening_set_id (screening, 7);
  presso_screening_set_screened_at (screening, screened_at);
  presso_screening_set_screened_by (screening, 3);
  return screening;
}

static PressoScreeningAnswer *
raising_answer (const Row *row,
                GDateTime *now)
{
  switch (row->kind)
    {
    case PRESSO_SCREENING_KIND_YES_NO:
      return presso_screening_answer_new_yes_no (TRUE);
    case PRESSO_SCREENING_KIND_ZONES:
      return presso_screening_answer_new_zones (row->answer_zones);
    case PRESSO_SCREENING_KIND_NUMBER:
      return presso_screening_answer_new_number (row->answer[0]);
    case PRESSO_SCREENING_KIND_NUMBER_PAIR:
      return presso_screening_answer_new_pair (row->answer[0], row->answer[1]);
    case PRESSO_SCREENING_KIND_DATE:
      return presso_screening_answer_new_date (now);
    default:
      g_assert_not_reached ();
    }
}

static void
assert_zones (PressoScreeningResult  *result,
              const PressoZoneStatus  expect[3],
              const char             *what)
{
  for (guint z = 0; z < 3; z++)
    {
      PressoZoneStatus got = presso_screening_result_get_zone_status (result, zones3[z]);

      if (got != expect[z])
        g_error ("%s: zone %s: expected %s, got %s", what, presso_zone_to_id (zones3[z]),
                 presso_zone_status_to_label (expect[z]), presso_zone_status_to_label (got));
    }
}

/* The table and the file name the same items. */
static void
test_truth_table_covers_rules (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();

  for (guint i = 0; i < presso_screening_rules_get_n_items (rules); i++)
    {
      const char *id = presso_screening_item_get_id (presso_screening_rules_get_item (rules, i));
      gboolean found = FALSE;

      for (guint r = 0; r < G_N_ELEMENTS (truth); r++)
        found |= g_str_equal (truth[r].id, id);
      if (!found)
        g_error ("rules item %s has no row in the truth table", id);
    }
  for (guint r = 0; r < G_N_ELEMENTS (truth); r++)
    {
      PressoScreeningItem *item = presso_screening_rules_lookup (rules, truth[r].id);

      g_assert_nonnull (item);
      g_assert_cmpint (presso_screening_item_get_kind (item), ==, truth[r].kind);
    }
}

/* Every item alone, on every zone: the verdict, the reasons and the cap. */
static void
test_truth_table (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GDateTime) now = utc (2026, 11, 24, 10, 0);
  static const PressoZoneStatus all_clear[3] = { _, _, _ };

  {
    g_autoptr(PressoScreening) screening = clear_screening (rules, now);
    g_autoptr(PressoScreeningResult) result = presso_screening_evaluate (screening, rules, now);

    assert_zones (result, all_clear, "nothing to report");
    g_assert_cmpuint (presso_screening_result_get_reasons (result)->len, ==, 0);
    g_assert_null (presso_screening_result_get_missing (result)[0]);
  }

  for (guint r = 0; r < G_N_ELEMENTS (truth); r++)
    {
      const Row *row = &truth[r];
      g_autoptr(PressoScreening) screening = clear_screening (rules, now);
      g_autoptr(PressoScreeningResult) result = NULL;
      GPtrArray *reasons;
      guint expected_reasons = 0;

      answer (screening, rules, row->id, raising_answer (row, now));
      result = presso_screening_evaluate (screening, rules, now);
      assert_zones (result, row->expect, row->id);

      reasons = presso_screening_result_get_reasons (result);
      for (guint z = 0; z < 3; z++)
        expected_reasons += row->expect[z] != _;
      g_assert_cmpuint (reasons->len, ==, expected_reasons);
      for (guint i = 0; i < reasons->len; i++)
        {
          const PressoScreeningReason *reason = g_ptr_array_index (reasons, i);

          g_assert_cmpstr (presso_screening_item_get_id (reason->item), ==, row->id);
          g_assert_null (reason->decision);
        }
      g_assert_cmpuint (presso_screening_result_get_pressure_cap (result, PRESSO_ZONES_ALL), ==,
                        expected_reasons > 0 ? row->cap : 0);

      /* The gate agrees, zone by zone. */
      for (guint z = 0; z < 3; z++)
        {
          g_autoptr(GError) error = NULL;
          gboolean ok = presso_screening_gate_check (rules, screening, zones3[z], now,
                                                     VALIDITY_DAYS, NULL, NULL, NULL, &error);

          if (row->expect[z] == _)
            g_assert_no_error (error);
          else
            {
              int code = row->expect[z] == C ? PRESSO_SCREENING_ERROR_CONTRAINDICATED
                                             : PRESSO_SCREENING_ERROR_NEEDS_DECISION;

              g_assert_error (error, PRESSO_SCREENING_ERROR, code);
            }
          g_assert_true (ok == (row->expect[z] == _));
        }
    }
}

static PressoZoneStatus
zone_after (PressoScreeningRules *rules,
            const char           *id,
            PressoScreeningAnswer *value,
            PressoZones           zone)
{
  g_autoptr(GDateTime) now = utc (2026, 11, 24, 10, 0);
  g_autoptr(PressoScreening) screening = clear_screening (rules, now);
  g_autoptr(PressoScreeningResult) result = NULL;

  answer (screening, rules, id, value);
  result = presso_screening_evaluate (screening, rules, now);
  return presso_screening_result_get_zone_status (result, zone);
}

static void
test_blood_pressure_threshold (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  static const struct { double sys, dia; PressoZoneStatus expect; } cases[] = {
    { 159, 99, _ }, { 160, 99, C }, { 159, 100, C }, { 160, 100, C }, { 161, 101, C },
    { 120, 80, _ }, { 159.9, 99.9, _ }, { 200, 60, C }, { 110, 105, C },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint z = 0; z < 3; z++)
      g_assert_cmpint (zone_after (rules, "blood-pressure",
                                   presso_screening_answer_new_pair (cases[i].sys, cases[i].dia),
                                   zones3[z]), ==, cases[i].expect);
}

static void
test_abi_threshold (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  static const struct { double abi; PressoZoneStatus legs; } cases[] = {
    { 0.49, C }, { 0.5, D }, { 0.51, D }, { 0.79, D }, { 0.8, D }, { 0.81, _ }, { 1.1, _ },
    { 0.2, C },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpint (zone_after (rules, "ankle-brachial-index",
                                   presso_screening_answer_new_number (cases[i].abi),
                                   PRESSO_ZONE_LEGS), ==, cases[i].legs);
      g_assert_cmpint (zone_after (rules, "ankle-brachial-index",
                                   presso_screening_answer_new_number (cases[i].abi),
                                   PRESSO_ZONE_ARMS), ==, _);
      g_assert_cmpint (zone_after (rules, "ankle-brachial-index",
                                   presso_screening_answer_new_number (cases[i].abi),
                                   PRESSO_ZONE_ABDOMEN), ==, _);
    }
}

/* Infection: no session until 72 h after antibiotics started. */
static void
test_antibiotics_validity (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GDateTime) started = utc (2026, 11, 20, 9, 30);
  static const struct { GTimeSpan after; PressoZoneStatus expect; } cases[] = {
    { 0, C },
    { 72 * G_TIME_SPAN_HOUR - G_TIME_SPAN_SECOND, C },
    { 72 * G_TIME_SPAN_HOUR, _ },
    { 73 * G_TIME_SPAN_HOUR, _ },
    { -G_TIME_SPAN_DAY, C },   /* antibiotics "started" in the future */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GDateTime) now = g_date_time_add (started, cases[i].after);
      g_autoptr(PressoScreening) screening = clear_screening (rules, started);
      g_autoptr(PressoScreeningResult) result = NULL;

      answer (screening, rules, "acute-infection", presso_screening_answer_new_yes_no (TRUE));
      answer (screening, rules, "antibiotics-started", presso_screening_answer_new_date (started));
      result = presso_screening_evaluate (screening, rules, now);
      for (guint z = 0; z < 3; z++)
        g_assert_cmpint (presso_screening_result_get_zone_status (result, zones3[z]), ==,
                         cases[i].expect);
    }

  /* Without a start date, the infection stays contraindicating. */
  g_assert_cmpint (zone_after (rules, "acute-infection",
                               presso_screening_answer_new_yes_no (TRUE), PRESSO_ZONE_ARMS),
                   ==, C);
}

static void
test_expiry (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GDateTime) screened = utc (2026, 1, 1, 23, 30);
  g_autoptr(PressoScreening) screening = clear_screening (rules, screened);
  g_autoptr(GDateTime) day180_early = utc (2026, 6, 30, 0, 10);   /* day 180 */
  g_autoptr(GDateTime) day180_late = utc (2026, 6, 30, 23, 59);
  g_autoptr(GDateTime) day181 = utc (2026, 7, 1, 0, 0);
  g_autoptr(PressoScreeningConfirmation) confirmed180 = presso_screening_confirmation_new (7, FALSE, 3, day180_early);
  g_autoptr(PressoScreeningConfirmation) confirmed181 = presso_screening_confirmation_new (7, FALSE, 3, day181);
  g_autoptr(GError) error = NULL;

  g_assert_false (presso_screening_is_expired (screening, day180_early, VALIDITY_DAYS));
  g_assert_false (presso_screening_is_expired (screening, day180_late, VALIDITY_DAYS));
  g_assert_true (presso_screening_is_expired (screening, day181, VALIDITY_DAYS));
  g_assert_true (presso_screening_is_expired (screening, day180_late, 179));

  g_assert_cmpint (presso_screening_get_status (screening, rules, day180_late, VALIDITY_DAYS, NULL),
                   ==, PRESSO_SCREENING_STATUS_VALID);
  g_assert_cmpint (presso_screening_get_status (screening, rules, day181, VALIDITY_DAYS, NULL),
                   ==, PRESSO_SCREENING_STATUS_EXPIRED);

  g_assert_true (presso_screening_gate_check (rules, screening, PRESSO_ZONE_LEGS, day180_early,
                                              VALIDITY_DAYS, NULL, confirmed180, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (presso_screening_gate_check (rules, screening, PRESSO_ZONE_LEGS, day181,
                                               VALIDITY_DAYS, NULL, confirmed181, NULL, &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_EXPIRED);
  /* The refusal names the screening's day as the practice writes dates, whatever the locale. */
  g_assert_nonnull (strstr (error->message, "01/01/2026"));
}

/* Calendar days where the clinic is: 23:30 in Paris on day 0 is day 0, not day 1 in UTC terms. */
static void
test_expiry_local_days (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GTimeZone) paris = g_time_zone_new_identifier ("+01:00");
  g_autoptr(GDateTime) screened = g_date_time_new (paris, 2026, 1, 1, 23, 30, 0);  /* 22:30 UTC */
  g_autoptr(PressoScreening) screening = clear_screening (rules, screened);
  g_autoptr(GDateTime) day180 = g_date_time_new (paris, 2026, 6, 30, 23, 50, 0);
  g_autoptr(GDateTime) day181 = g_date_time_new (paris, 2026, 7, 1, 0, 5, 0);

  g_assert_false (presso_screening_is_expired (screening, day180, VALIDITY_DAYS));
  g_assert_true (presso_screening_is_expired (screening, day181, VALIDITY_DAYS));
}

static void
test_stale (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GDateTime) screened = utc (2026, 11, 24, 9, 0);
  g_autoptr(GDateTime) before = utc (2026, 11, 24, 8, 59);
  g_autoptr(GDateTime) after = g_date_time_add_seconds (screened, 1);
  g_autoptr(GDateTime) now = utc (2026, 11, 24, 11, 0);
  g_autoptr(PressoScreening) screening = clear_screening (rules, screened);
  g_autoptr(GError) error = NULL;

  g_assert_false (presso_screening_is_stale (screening, NULL));
  g_assert_false (presso_screening_is_stale (screening, before));
  g_assert_false (presso_screening_is_stale (screening, screened));
  g_assert_true (presso_screening_is_stale (screening, after));
  g_assert_cmpint (presso_screening_get_status (screening, rules, now, VALIDITY_DAYS, after),
                   ==, PRESSO_SCREENING_STATUS_NEEDS_REVIEW);
  g_assert_cmpint (presso_screening_get_status (screening, rules, now, VALIDITY_DAYS, before),
                   ==, PRESSO_SCREENING_STATUS_VALID);

  g_assert_false (presso_screening_gate_check (rules, screening, PRESSO_ZONE_ARMS, now,
                                               VALIDITY_DAYS, after, NULL, NULL, &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_STALE);
  g_clear_error (&error);
  g_assert_true (presso_screening_gate_check (rules, screening, PRESSO_ZONE_ARMS, now,
                                              VALIDITY_DAYS, before, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
assert_refused (PressoScreeningRules              *rules,
                PressoScreening                   *screening,
                PressoZones                        zones,
                GDateTime                         *now,
                GDateTime                         *changed_at,
                const PressoScreeningConfirmation *confirmation,
                PressoScreeningError               code,
                const char                        *must_contain)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoStartPermit) permit = NULL;
  guint cap = 999;

  g_assert_false (presso_screening_gate_check (rules, screening, zones, now, VALIDITY_DAYS,
                                               changed_at, confirmation, &cap, &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, (int) code);
  g_assert_cmpuint (cap, ==, 999);
  if (must_contain != NULL && strstr (error->message, must_contain) == NULL)
    g_error ("“%s” does not mention “%s”", error->message, must_contain);
  g_clear_error (&error);

  permit = presso_screening_gate_issue_permit (rules, screening, zones, now, VALIDITY_DAYS,
                                               changed_at, confirmation, &error);
  g_assert_null (permit);
  g_assert_error (error, PRESSO_SCREENING_ERROR, (int) code);
}

static PressoStartPermit *
assert_allowed (PressoScreeningRules              *rules,
                PressoScreening                   *screening,
                PressoZones                        zones,
                GDateTime                         *now,
                const PressoScreeningConfirmation *confirmation,
                guint                              expected_cap)
{
  g_autoptr(GError) error = NULL;
  PressoStartPermit *permit;
  guint cap = 999;

  g_assert_true (presso_screening_gate_check (rules, screening, zones, now, VALIDITY_DAYS,
                                              NULL, confirmation, &cap, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cap, ==, expected_cap);

  permit = presso_screening_gate_issue_permit (rules, screening, zones, now, VALIDITY_DAYS,
                                               NULL, confirmation, &error);
  g_assert_no_error (error);
  g_assert_nonnull (permit);
  g_assert_cmpuint (presso_start_permit_get_pressure_cap (permit), ==, expected_cap);
  g_assert_cmpint (presso_start_permit_get_zones (permit), ==, zones);
  g_assert_cmpint (presso_start_permit_get_client_id (permit), ==,
                   presso_screening_get_client_id (screening));
  g_assert_cmpint (presso_start_permit_get_screening_id (permit), ==,
                   presso_screening_get_id (screening));
  return permit;
}

static void
test_gate_paths (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GDateTime) yesterday = utc (2026, 11, 23, 15, 0);
  g_autoptr(GDateTime) now = utc (2026, 11, 24, 10, 0);
  g_autoptr(GDateTime) earlier_today = utc (2026, 11, 24, 8, 0);
  g_autoptr(PressoScreening) screening = clear_screening (rules, yesterday);
  g_autoptr(PressoScreening) unsaved = clear_screening (rules, NULL);
  g_autoptr(PressoScreening) incomplete = clear_screening (rules, yesterday);
  g_autoptr(PressoScreeningConfirmation) unchanged = presso_screening_confirmation_new (7, FALSE, 3, earlier_today);
  g_autoptr(PressoScreeningConfirmation) changed = presso_screening_confirmation_new (7, TRUE, 3, earlier_today);
  g_autoptr(PressoScreeningConfirmation) old = presso_screening_confirmation_new (7, FALSE, 3, yesterday);
  g_autoptr(PressoScreeningConfirmation) other = presso_screening_confirmation_new (8, FALSE, 3, earlier_today);
  g_autoptr(PressoStartPermit) permit = NULL;
  g_autoptr(GError) error = NULL;

  assert_refused (rules, NULL, PRESSO_ZONE_LEGS, now, NULL, unchanged,
                  PRESSO_SCREENING_ERROR_NO_SCREENING, NULL);
  assert_refused (rules, unsaved, PRESSO_ZONE_LEGS, now, NULL, unchanged,
                  PRESSO_SCREENING_ERROR_NO_SCREENING, NULL);
  {
    /* Filled in, dated, but never stored: not a screening the session can rely on. */
    g_autoptr(PressoScreening) not_stored = clear_screening (rules, earlier_today);

    presso_screening_set_id (not_stored, 0);
    assert_refused (rules, not_stored, PRESSO_ZONE_LEGS, now, NULL, NULL,
                    PRESSO_SCREENING_ERROR_NO_SCREENING, NULL);
  }
  assert_refused (rules, screening, PRESSO_ZONE_NONE, now, NULL, unchanged,
                  PRESSO_SCREENING_ERROR_PERMIT, NULL);

  /* "Anything changed?" must be answered today, for this screening, with "no". */
  assert_refused (rules, screening, PRESSO_ZONE_LEGS, now, NULL, NULL,
                  PRESSO_SCREENING_ERROR_NOT_CONFIRMED, NULL);
  assert_refused (rules, screening, PRESSO_ZONE_LEGS, now, NULL, old,
                  PRESSO_SCREENING_ERROR_NOT_CONFIRMED, NULL);
  assert_refused (rules, screening, PRESSO_ZONE_LEGS, now, NULL, other,
                  PRESSO_SCREENING_ERROR_NOT_CONFIRMED, NULL);
  assert_refused (rules, screening, PRESSO_ZONE_LEGS, now, NULL, changed,
                  PRESSO_SCREENING_ERROR_CHANGED, NULL);
  permit = assert_allowed (rules, screening, PRESSO_ZONES_ALL, now, unchanged, 0);
  g_clear_object (&permit);

  /* A screening made today needs no confirmation, but a reported change still stops it. */
  {
    g_autoptr(PressoScreening) today = clear_screening (rules, earlier_today);

    permit = assert_allowed (rules, today, PRESSO_ZONE_LEGS, now, NULL, 0);
    g_clear_object (&permit);
    assert_refused (rules, today, PRESSO_ZONE_LEGS, now, NULL, changed,
                    PRESSO_SCREENING_ERROR_CHANGED, NULL);
  }

  /* A required question left unanswered. */
  g_assert_true (presso_screening_set_answer (incomplete, rules, "cardiac", NULL, &error));
  g_assert_no_error (error);
  assert_refused (rules, incomplete, PRESSO_ZONE_ARMS, now, NULL, unchanged,
                  PRESSO_SCREENING_ERROR_INCOMPLETE,
                  presso_screening_item_get_question (presso_screening_rules_lookup (rules, "cardiac")));
  g_assert_cmpint (presso_screening_get_status (incomplete, rules, now, VALIDITY_DAYS, NULL), ==,
                   PRESSO_SCREENING_STATUS_NEEDS_REVIEW);
  g_assert_cmpint (presso_screening_get_status (NULL, rules, now, VALIDITY_DAYS, NULL), ==,
                   PRESSO_SCREENING_STATUS_MISSING);

  /* A follow-up question is required only when its parent applies. */
  answer (incomplete, rules, "cardiac", presso_screening_answer_new_yes_no (FALSE));
  answer (incomplete, rules, "renal-insufficiency", presso_screening_answer_new_yes_no (TRUE));
  g_assert_true (presso_screening_set_answer (incomplete, rules, "renal-insufficiency-severe", NULL, &error));
  assert_refused (rules, incomplete, PRESSO_ZONE_ARMS, now, NULL, unchanged,
                  PRESSO_SCREENING_ERROR_INCOMPLETE, NULL);
  answer (incomplete, rules, "renal-insufficiency", presso_screening_answer_new_yes_no (FALSE));
  permit = assert_allowed (rules, incomplete, PRESSO_ZONE_ARMS, now, unchanged, 0);
}

/* The issue's demo clients. */
static void
test_gate_demo_clients (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GDateTime) now = utc (2026, 11, 24, 10, 0);
  g_autoptr(GError) error = NULL;

  /* Venous thrombosis: no session on any combination of garments. */
  {
    g_autoptr(PressoScreening) s = clear_screening (rules, now);

    answer (s, rules, "venous-thrombosis", presso_screening_answer_new_yes_no (TRUE));
    for (PressoZones zones = 1; zones <= PRESSO_ZONES_ALL; zones++)
      assert_refused (rules, s, zones, now, NULL, NULL, PRESSO_SCREENING_ERROR_CONTRAINDICATED,
                      presso_screening_item_get_question (presso_screening_rules_lookup (rules, "venous-thrombosis")));
  }

  /* Pregnancy: boots and sleeves, never the belt. */
  {
    g_autoptr(PressoScreening) s = clear_screening (rules, now);
    g_autoptr(PressoStartPermit) permit = NULL;

    answer (s, rules, "pregnancy", presso_screening_answer_new_yes_no (TRUE));
    permit = assert_allowed (rules, s, PRESSO_ZONE_LEGS | PRESSO_ZONE_ARMS, now, NULL, 0);
    assert_refused (rules, s, PRESSO_ZONE_ABDOMEN, now, NULL, NULL,
                    PRESSO_SCREENING_ERROR_CONTRAINDICATED, presso_zone_to_label (PRESSO_ZONE_ABDOMEN));
    assert_refused (rules, s, PRESSO_ZONE_LEGS | PRESSO_ZONE_ABDOMEN, now, NULL, NULL,
                    PRESSO_SCREENING_ERROR_CONTRAINDICATED, NULL);
    g_assert_true (presso_zones_for_garment (5) == PRESSO_ZONE_ABDOMEN);   /* belt */

    /* A zone contraindication cannot be overridden either. */
    {
      g_autoptr(PressoScreeningDecision) d =
        presso_screening_decision_new (PRESSO_ZONE_ABDOMEN, "pregnancy", "Doctor agrees", NULL, 3, now);

      g_assert_false (presso_screening_add_decision (s, rules, d, now, &error));
      g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NOT_OVERRIDABLE);
      g_clear_error (&error);
    }
  }

  /* Diabetic neuropathy in the legs: boots need a recorded decision; sleeves do not. */
  {
    g_autoptr(PressoScreening) s = clear_screening (rules, now);
    g_autoptr(PressoStartPermit) permit = NULL;
    g_autoptr(PressoScreeningDecision) blank =
      presso_screening_decision_new (PRESSO_ZONE_LEGS, "neuropathy", "  \n", NULL, 3, now);
    g_autoptr(PressoScreeningDecision) wrong_zone =
      presso_screening_decision_new (PRESSO_ZONE_ARMS, "neuropathy", "Checked", NULL, 3, now);
    g_autoptr(GDateTime) letter = utc (2026, 11, 20, 0, 0);
    g_autoptr(PressoScreeningDecision) decision =
      presso_screening_decision_new (PRESSO_ZONE_LEGS, "neuropathy",
                                     "Sensation checked with monofilament; low pressure agreed",
                                     letter, 3, now);
    g_autoptr(PressoScreeningResult) result = NULL;
    const PressoScreeningReason *reason;

    answer (s, rules, "neuropathy", presso_screening_answer_new_zones (PRESSO_ZONE_LEGS));
    assert_refused (rules, s, PRESSO_ZONE_LEGS, now, NULL, NULL,
                    PRESSO_SCREENING_ERROR_NEEDS_DECISION, presso_zone_to_label (PRESSO_ZONE_LEGS));
    permit = assert_allowed (rules, s, PRESSO_ZONE_ARMS, now, NULL, 0);
    g_clear_object (&permit);

    g_assert_false (presso_screening_add_decision (s, rules, blank, now, &error));
    g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_DECISION);
    g_clear_error (&error);
    g_assert_false (presso_screening_add_decision (s, rules, wrong_zone, now, &error));
    g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_DECISION);
    g_clear_error (&error);
    assert_refused (rules, s, PRESSO_ZONE_LEGS, now, NULL, NULL,
                    PRESSO_SCREENING_ERROR_NEEDS_DECISION, NULL);

    g_assert_true (presso_screening_add_decision (s, rules, decision, now, &error));
    g_assert_no_error (error);
    permit = assert_allowed (rules, s, PRESSO_ZONE_LEGS | PRESSO_ZONE_ARMS, now, NULL, 40);

    result = presso_screening_evaluate (s, rules, now);
    g_assert_cmpint (presso_screening_result_get_zone_status (result, PRESSO_ZONE_LEGS), ==, _);
    g_assert_cmpuint (presso_screening_result_get_reasons (result)->len, ==, 1);
    reason = g_ptr_array_index (presso_screening_result_get_reasons (result), 0);
    g_assert_nonnull (reason->decision);
    g_assert_cmpstr (reason->decision->reason, ==, decision->reason);
    g_assert_true (g_date_time_equal (reason->decision->letter_date, letter));
  }
}

static void
test_absolute_not_overridable (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GDateTime) now = utc (2026, 11, 24, 10, 0);

  for (guint r = 0; r < G_N_ELEMENTS (truth); r++)
    for (guint z = 0; z < 3; z++)
      {
        g_autoptr(PressoScreening) s = clear_screening (rules, now);
        g_autoptr(PressoScreeningDecision) d =
          presso_screening_decision_new (zones3[z], truth[r].id, "Doctor's letter on file", now, 3, now);
        g_autoptr(GError) error = NULL;
        gboolean ok;

        answer (s, rules, truth[r].id, raising_answer (&truth[r], now));
        ok = presso_screening_add_decision (s, rules, d, now, &error);
        switch (truth[r].expect[z])
          {
          case C:
            g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_NOT_OVERRIDABLE);
            assert_refused (rules, s, zones3[z], now, NULL, NULL,
                            PRESSO_SCREENING_ERROR_CONTRAINDICATED, NULL);
            break;
          case D:
            g_assert_no_error (error);
            g_assert_true (ok);
            g_object_unref (assert_allowed (rules, s, zones3[z], now, NULL, truth[r].cap));
            break;
          default:
            g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_DECISION);
            break;
          }
        g_assert_true (ok == (truth[r].expect[z] == D));
      }
}

static void
test_pressure_cap_lowest (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GDateTime) now = utc (2026, 11, 24, 10, 0);
  g_autoptr(PressoScreening) s = clear_screening (rules, now);
  g_autoptr(PressoScreeningResult) result = NULL;

  answer (s, rules, "renal-insufficiency", presso_screening_answer_new_yes_no (TRUE));
  answer (s, rules, "neuropathy", presso_screening_answer_new_zones (PRESSO_ZONE_LEGS));
  result = presso_screening_evaluate (s, rules, now);
  g_assert_cmpuint (presso_screening_result_get_pressure_cap (result, PRESSO_ZONE_LEGS), ==, 40);
  g_assert_cmpuint (presso_screening_result_get_pressure_cap (result, PRESSO_ZONE_ARMS), ==, 0);
  g_assert_cmpuint (presso_screening_result_get_pressure_cap (result, PRESSO_ZONES_ALL), ==, 40);
}

/* Blocked proximal drainage: boots only with a pre-therapy phase first (CLINICAL.md). */
static void
test_requirements (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GDateTime) now = utc (2026, 11, 24, 10, 0);
  g_autoptr(PressoScreening) s = clear_screening (rules, now);
  g_autoptr(PressoScreeningDecision) d =
    presso_screening_decision_new (PRESSO_ZONE_LEGS, "proximal-drainage", "Pre-therapy on the abdomen first",
                                   NULL, 3, now);
  g_autoptr(PressoStartPermit) legs = NULL;
  g_autoptr(PressoStartPermit) arms = NULL;
  g_autoptr(PressoScreeningResult) result = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < presso_screening_rules_get_n_items (rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (rules, i);

      g_assert_cmpint (presso_screening_item_get_requirements (item), ==,
                       g_str_equal (presso_screening_item_get_id (item), "proximal-drainage")
                         ? PRESSO_SCREENING_REQUIRE_PRE_THERAPY : PRESSO_SCREENING_REQUIRE_NONE);
    }

  answer (s, rules, "proximal-drainage", presso_screening_answer_new_yes_no (TRUE));
  g_assert_true (presso_screening_add_decision (s, rules, d, now, &error));
  g_assert_no_error (error);
  result = presso_screening_evaluate (s, rules, now);
  g_assert_cmpint (presso_screening_result_get_requirements (result, PRESSO_ZONE_LEGS), ==,
                   PRESSO_SCREENING_REQUIRE_PRE_THERAPY);
  g_assert_cmpint (presso_screening_result_get_requirements (result, PRESSO_ZONE_ARMS | PRESSO_ZONE_ABDOMEN), ==,
                   PRESSO_SCREENING_REQUIRE_NONE);

  legs = assert_allowed (rules, s, PRESSO_ZONE_LEGS | PRESSO_ZONE_ABDOMEN, now, NULL, 0);
  g_assert_cmpint (presso_start_permit_get_requirements (legs), ==, PRESSO_SCREENING_REQUIRE_PRE_THERAPY);
  arms = assert_allowed (rules, s, PRESSO_ZONE_ARMS, now, NULL, 0);
  g_assert_cmpint (presso_start_permit_get_requirements (arms), ==, PRESSO_SCREENING_REQUIRE_NONE);
}

static void
test_permit_check (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(GDateTime) now = utc (2026, 11, 24, 10, 0);
  g_autoptr(GDateTime) tomorrow = utc (2026, 11, 25, 10, 0);
  g_autoptr(PressoScreening) s = clear_screening (rules, now);
  g_autoptr(PressoStartPermit) permit = assert_allowed (rules, s, PRESSO_ZONE_LEGS, now, NULL, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (presso_start_permit_check (permit, 42, PRESSO_ZONE_LEGS, now, &error));
  g_assert_no_error (error);
  g_assert_false (presso_start_permit_check (permit, 43, PRESSO_ZONE_LEGS, now, &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_PERMIT);
  g_clear_error (&error);
  g_assert_false (presso_start_permit_check (permit, 42, PRESSO_ZONE_LEGS | PRESSO_ZONE_ABDOMEN,
                                             now, &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_PERMIT);
  g_clear_error (&error);
  g_assert_false (presso_start_permit_check (permit, 42, PRESSO_ZONE_LEGS, tomorrow, &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_PERMIT);
}

static void
test_answers (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  g_autoptr(PressoScreening) s = presso_screening_new (1);
  g_autoptr(GDateTime) when = utc (2026, 11, 20, 9, 30);
  g_autoptr(GError) error = NULL;
  struct { PressoScreeningAnswer *answer; const char *text; } round[] = {
    { presso_screening_answer_new_yes_no (TRUE), "yes" },
    { presso_screening_answer_new_yes_no (FALSE), "no" },
    { presso_screening_answer_new_number (0.75), "0.75" },
    { presso_screening_answer_new_pair (160, 99.5), "160;99.5" },
    { presso_screening_answer_new_zones (PRESSO_ZONE_LEGS | PRESSO_ZONE_ABDOMEN), "legs;abdomen" },
    { presso_screening_answer_new_zones (PRESSO_ZONE_NONE), "" },
    { presso_screening_answer_new_date (when), NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (round); i++)
    {
      g_autofree char *text = presso_screening_answer_to_string (round[i].answer);
      g_autofree char *again = NULL;
      g_autoptr(PressoScreeningAnswer) parsed = NULL;

      if (round[i].text != NULL)
        g_assert_cmpstr (text, ==, round[i].text);
      parsed = presso_screening_answer_parse (presso_screening_answer_get_kind (round[i].answer),
                                              text, &error);
      g_assert_no_error (error);
      again = presso_screening_answer_to_string (parsed);
      g_assert_cmpstr (again, ==, text);
      presso_screening_answer_free (round[i].answer);
    }
  g_assert_null (presso_screening_answer_parse (PRESSO_SCREENING_KIND_YES_NO, "maybe", &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER);
  g_clear_error (&error);
  g_assert_null (presso_screening_answer_parse (PRESSO_SCREENING_KIND_ZONES, "legs;head", &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER);
  g_clear_error (&error);

  /* Wrong kind, out of range, unknown question. */
  {
    g_autoptr(PressoScreeningAnswer) yes = presso_screening_answer_new_yes_no (TRUE);
    g_autoptr(PressoScreeningAnswer) bp = presso_screening_answer_new_pair (400, 90);
    g_autoptr(PressoScreeningAnswer) abi = presso_screening_answer_new_number (0.05);

    g_assert_false (presso_screening_set_answer (s, rules, "blood-pressure", yes, &error));
    g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER);
    g_clear_error (&error);
    g_assert_false (presso_screening_set_answer (s, rules, "blood-pressure", bp, &error));
    g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER);
    g_clear_error (&error);
    g_assert_false (presso_screening_set_answer (s, rules, "ankle-brachial-index", abi, &error));
    g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER);
    g_clear_error (&error);
    g_assert_false (presso_screening_set_answer (s, rules, "no-such-question", yes, &error));
    g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_ANSWER);
    g_clear_error (&error);
    g_assert_null (presso_screening_get_answer (s, "blood-pressure"));
  }

  /* A new version copies the answers, never the decisions. */
  {
    g_autoptr(GDateTime) now = utc (2026, 11, 24, 10, 0);
    g_autoptr(PressoScreening) base = clear_screening (rules, now);
    g_autoptr(PressoScreening) next = NULL;
    g_autoptr(PressoScreeningDecision) d =
      presso_screening_decision_new (PRESSO_ZONE_ARMS, "material-allergy", "Cotton liner", NULL, 3, now);

    answer (base, rules, "material-allergy", presso_screening_answer_new_yes_no (TRUE));
    g_assert_true (presso_screening_add_decision (base, rules, d, now, &error));
    next = presso_screening_new_version (base);
    g_assert_null (presso_screening_get_rules_version (next));
    g_assert_cmpstr (presso_screening_get_rules_version (base), ==, presso_screening_rules_get_version (rules));
    g_assert_cmpint (presso_screening_get_version (next), ==, 2);
    g_assert_cmpint (presso_screening_get_id (next), ==, 0);
    g_assert_true (presso_screening_answer_get_yes (presso_screening_get_answer (next, "material-allergy")));
    g_assert_cmpuint (presso_screening_get_decisions (next)->len, ==, 0);
    g_assert_cmpuint (presso_screening_get_decisions (base)->len, ==, 1);
  }
}

/* The loader */

static const char *good_header =
  "[Screening]\nVersion=test-1\n\n[Topic t]\nName=Topic\n\n";

static char *
write_temp (const char *name,
            const char *contents)
{
  g_autofree char *dir = g_dir_make_tmp ("presso-rules-XXXXXX", NULL);
  char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  return path;
}

static void
remove_temp (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_loader_rejects (void)
{
  static const struct { const char *body; const char *mentions[3]; } cases[] = {
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=yes-no\nSeverity=absolut\n",
      { "item “a”", "Severity", "absolut" } },
    { "[Item bp]\nTopic=t\nName=Q?\nComment=H\nKind=number\nSeverity=absolute\n",
      { "item “bp”", "Threshold", "missing" } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=yes-no\nSeverity=absolute\n\n"
      "[Item a]\nTopic=t\nName=Q2?\nComment=H\nKind=yes-no\nSeverity=relative\n",
      { "duplicate", "Item a", "line" } },
    { "[Item a]\nTopic=nope\nName=Q?\nComment=H\nKind=yes-no\nSeverity=absolute\n",
      { "item “a”", "Topic", "nope" } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=yes-no\nSeverty=absolute\n",
      { "item “a”", "Severty", "unknown key" } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=yes-no\nSeverity=zone\n",
      { "item “a”", "Zones", "missing" } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=yes-no\nSeverity=zone\nZones=legs;head;\n",
      { "item “a”", "Zones", "head" } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=yes-no\nSeverity=absolute\nLiftedBy=b\nLiftedAfterHours=72\n",
      { "item “a”", "LiftedBy", "“b”" } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=number\nSeverity=absolute\nThreshold=160;\n",
      { "item “a”", "Threshold", "160" } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=number-pair\nKeywords=S;D;\nSeverity=absolute\nThreshold=>=160;\n",
      { "item “a”", "Threshold", "2" } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=number\nSeverity=zone\nZones=legs;\nThreshold=<0.5;\nRelativeThreshold=<0.4;\n",
      { "item “a”", "RelativeThreshold", "milder" } },
    { "[Item a]\nTopic=t\nComment=H\nKind=yes-no\nSeverity=absolute\n",
      { "item “a”", "Name", "question" } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=multiple-choice\nSeverity=absolute\n",
      { "item “a”", "Kind", "multiple-choice" } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=yes-no\nSeverity=relative\nPressureCap=500\n",
      { "item “a”", "PressureCap", "500" } },
    { "[Item a b]\nTopic=t\nName=Q?\nComment=H\nKind=yes-no\nSeverity=absolute\n",
      { "item “a b”", "id", NULL } },
    { "[Item a]\nTopic=t\nName=Q?\nComment=H\nKind=yes-no\nSeverity=relative\nRequires=pre-therapy;massage;\n",
      { "item “a”", "Requires", "massage" } },
    { "[Stuff]\nA=b\n", { "Stuff", NULL, NULL } },
    { "", { "Item", NULL, NULL } },
    { "this is not a key file\n", { NULL, NULL, NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *contents = g_strconcat (i == G_N_ELEMENTS (cases) - 1 ? "" : good_header,
                                               cases[i].body, NULL);
      g_autofree char *path = write_temp ("bad.ini", contents);
      g_autoptr(GError) error = NULL;
      g_autoptr(PressoScreeningRules) rules = presso_screening_rules_new_from_file (path, &error);

      g_assert_null (rules);
      g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_RULES);
      if (!g_str_has_prefix (error->message, path))
        g_error ("case %u: “%s” does not start with the file name", i, error->message);
      for (guint m = 0; m < 3; m++)
        if (cases[i].mentions[m] != NULL && strstr (error->message, cases[i].mentions[m]) == NULL)
          g_error ("case %u: “%s” does not mention “%s”", i, error->message, cases[i].mentions[m]);
      g_test_message ("%s", error->message);
      remove_temp (path);
    }

  /* No [Screening] group */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(PressoScreeningRules) rules =
      presso_screening_rules_new_from_data ("[Topic t]\nName=T\n", -1, "x.ini", &error);

    g_assert_null (rules);
    g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_RULES);
    g_assert_nonnull (strstr (error->message, "Screening"));
  }
}

/* A clinic adds a question to a copy of the rules: it appears, and it counts. */
static void
test_loader_added_question (void)
{
  g_autoptr(PressoScreeningRules) shipped = load_shipped_rules ();
  g_autofree char *contents = NULL;
  g_autofree char *added = NULL;
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreeningRules) rules = NULL;
  g_autoptr(GDateTime) now = utc (2026, 11, 24, 10, 0);
  g_autoptr(PressoScreening) s = NULL;
  g_autoptr(PressoScreeningResult) result = NULL;
  PressoScreeningItem *item;

  g_assert_true (g_file_get_contents (presso_screening_rules_get_path (shipped), &contents, NULL, NULL));
  added = g_strconcat (contents,
                       "\n[Item lymph-node-surgery]\nTopic=conditions\n"
                       "Name=Lymph nodes removed in the last 6 weeks?\n"
                       "Comment=Yes: no session on the arms.\nKind=yes-no\nSeverity=zone\n"
                       "Zones=arms;\nPressureCap=30\n", NULL);
  path = write_temp ("screening-rules.ini", added);
  rules = presso_screening_rules_new_from_file (path, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (presso_screening_rules_get_n_items (rules), ==,
                    presso_screening_rules_get_n_items (shipped) + 1);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (rules)), ==,
                    presso_screening_rules_get_n_items (rules));
  item = presso_screening_rules_lookup (rules, "lymph-node-surgery");
  g_assert_nonnull (item);
  g_assert_cmpstr (presso_screening_item_get_question (item), ==, "Lymph nodes removed in the last 6 weeks?");
  g_assert_cmpint (presso_screening_item_get_severity (item), ==, PRESSO_SCREENING_SEVERITY_ZONE);
  g_assert_cmpint (presso_screening_item_get_zones (item), ==, PRESSO_ZONE_ARMS);

  /* Unanswered, it makes an existing screening incomplete; answered yes, it stops sleeves. */
  s = clear_screening (shipped, now);
  result = presso_screening_evaluate (s, rules, now);
  g_assert_cmpstr (presso_screening_result_get_missing (result)[0], ==, "lymph-node-surgery");
  g_clear_object (&result);
  answer (s, rules, "lymph-node-surgery", presso_screening_answer_new_yes_no (TRUE));
  result = presso_screening_evaluate (s, rules, now);
  g_assert_cmpint (presso_screening_result_get_zone_status (result, PRESSO_ZONE_ARMS), ==, C);
  g_assert_cmpint (presso_screening_result_get_zone_status (result, PRESSO_ZONE_LEGS), ==, _);
  g_assert_null (presso_screening_result_get_missing (result)[0]);
  remove_temp (path);
}

/* The shipped file, a clinic override in $XDG_CONFIG_HOME, and a broken override. */
static void
test_loader_default (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoScreeningRules) rules = presso_screening_rules_load_default (&error);
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "presso", NULL);
  g_autofree char *override = g_build_filename (dir, "screening-rules.ini", NULL);
  g_autofree char *contents = g_strconcat (good_header,
                                           "[Item only]\nTopic=t\nName=Only question?\n"
                                           "Comment=Yes: no session.\nKind=yes-no\n"
                                           "Severity=absolute\n", NULL);

  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (presso_screening_rules_get_path (rules), "screening/rules.desktop"));
  g_assert_cmpstr (presso_screening_item_get_id (presso_screening_rules_get_item (rules, 0)), ==,
                   "hypertension");
  g_clear_object (&rules);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (override, contents, -1, NULL));
  rules = presso_screening_rules_load_default (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (presso_screening_rules_get_path (rules), ==, override);
  g_assert_cmpuint (presso_screening_rules_get_n_items (rules), ==, 1);
  g_assert_cmpstr (presso_screening_rules_get_version (rules), ==, "test-1");
  g_clear_object (&rules);

  /* A broken clinic file is an error, not a silent fallback to the shipped rules. */
  g_assert_true (g_file_set_contents (override, "[Screening]\nVersion=2\n[Item x]\n", -1, NULL));
  rules = presso_screening_rules_load_default (&error);
  g_assert_null (rules);
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_RULES);
  g_assert_true (g_str_has_prefix (error->message, override));
  g_unlink (override);
}

/* A clinic's copy can carry its own translations (Name[fr]=): they win for that language. */
static void
test_loader_translations_in_file (void)
{
  static const char data[] =
    "[Screening]\nVersion=1\n[Topic t]\nName=Health\nName[fr]=Santé\n"
    "[Item varices]\nTopic=t\nName=Varicose veins?\nName[fr]=Varices ?\n"
    "Comment=Yes: ask the doctor.\nComment[fr]=Oui : demander au médecin.\n"
    "Kind=yes-no\nSeverity=relative\nZones=legs;\n";
  g_autofree char *saved = g_strdup (g_getenv ("LANGUAGE"));
  g_autoptr(PressoScreeningRules) english = NULL;
  g_autoptr(PressoScreeningRules) french = NULL;
  g_autoptr(GError) error = NULL;

  g_setenv ("LANGUAGE", "en", TRUE);
  english = presso_screening_rules_new_from_data (data, -1, "clinic.ini", &error);
  g_assert_no_error (error);
  g_setenv ("LANGUAGE", "fr", TRUE);
  french = presso_screening_rules_new_from_data (data, -1, "clinic.ini", &error);
  g_assert_no_error (error);
  if (saved != NULL)
    g_setenv ("LANGUAGE", saved, TRUE);
  else
    g_unsetenv ("LANGUAGE");

  g_assert_cmpstr (presso_screening_item_get_question (presso_screening_rules_lookup (english, "varices")), ==,
                   "Varicose veins?");
  g_assert_cmpstr (presso_screening_item_get_question (presso_screening_rules_lookup (french, "varices")), ==,
                   "Varices ?");
  g_assert_cmpstr (presso_screening_item_get_help (presso_screening_rules_lookup (french, "varices")), ==,
                   "Oui : demander au médecin.");
  g_assert_cmpstr (presso_screening_rules_get_topic_title (french, "t"), ==, "Santé");

  /* Only the texts are translatable. */
  g_assert_null (presso_screening_rules_new_from_data (
    "[Screening]\nVersion=1\n[Topic t]\nName=T\n[Item a]\nTopic=t\nName=Q?\nComment=H\n"
    "Kind=yes-no\nSeverity=relative\nSeverity[fr]=absolute\n", -1, "clinic.ini", &error));
  g_assert_error (error, PRESSO_SCREENING_ERROR, PRESSO_SCREENING_ERROR_INVALID_RULES);
  g_assert_nonnull (strstr (error->message, "Severity[fr]"));
}

static void
test_shipped_rules (void)
{
  g_autoptr(PressoScreeningRules) rules = load_shipped_rules ();
  PressoScreeningItem *bp = presso_screening_rules_lookup (rules, "blood-pressure");
  const char * const *topics = presso_screening_rules_get_topics (rules);

  g_assert_nonnull (presso_screening_rules_get_version (rules));
  g_assert_cmpuint (g_strv_length ((char **) topics), >=, 2);
  for (guint i = 0; topics[i] != NULL; i++)
    g_assert_nonnull (presso_screening_rules_get_topic_title (rules, topics[i]));
  for (guint i = 0; i < presso_screening_rules_get_n_items (rules); i++)
    {
      PressoScreeningItem *item = presso_screening_rules_get_item (rules, i);

      g_assert_true (g_strv_contains (topics, presso_screening_item_get_topic (item)));
      g_assert_nonnull (presso_screening_item_get_source (item));
    }
  /* The seed's conditions come first. */
  g_assert_cmpstr (presso_screening_item_get_id (presso_screening_rules_get_item (rules, 0)), ==,
                   "hypertension");
  g_assert_cmpuint (presso_screening_item_get_n_parts (bp), ==, 2);
  g_assert_cmpstr (presso_screening_item_get_part_label (bp, 0), ==, "Systolic");
  g_assert_cmpstr (presso_screening_item_get_part_label (bp, 1), ==, "Diastolic");
  g_assert_cmpstr (presso_screening_item_get_unit (bp), ==, "mmHg");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/presso/screening/rules/shipped", test_shipped_rules);
  g_test_add_func ("/presso/screening/rules/rejects", test_loader_rejects);
  g_test_add_func ("/presso/screening/rules/added-question", test_loader_added_question);
  g_test_add_func ("/presso/screening/rules/default-and-override", test_loader_default);
  g_test_add_func ("/presso/screening/rules/translations-in-file", test_loader_translations_in_file);
  g_test_add_func ("/presso/screening/truth-table/covers-rules", test_truth_table_covers_rules);
  g_test_add_func ("/presso/screening/truth-table/items", test_truth_table);
  g_test_add_func ("/presso/screening/threshold/blood-pressure", test_blood_pressure_threshold);
  g_test_add_func ("/presso/screening/threshold/ankle-brachial-index", test_abi_threshold);
  g_test_add_func ("/presso/screening/threshold/antibiotics", test_antibiotics_validity);
  g_test_add_func ("/presso/screening/validity/expiry", test_expiry);
  g_test_add_func ("/presso/screening/validity/local-days", test_expiry_local_days);
  g_test_add_func ("/presso/screening/validity/stale", test_stale);
  g_test_add_func ("/presso/screening/answers", test_answers);
  g_test_add_func ("/presso/screening/decision/not-overridable", test_absolute_not_overridable);
  g_test_add_func ("/presso/screening/pressure-cap", test_pressure_cap_lowest);
  g_test_add_func ("/presso/screening/gate/paths", test_gate_paths);
  g_test_add_func ("/presso/screening/gate/demo-clients", test_gate_demo_clients);
  g_test_add_func ("/presso/screening/gate/permit", test_permit_check);
  g_test_add_func ("/presso/screening/gate/requirements", test_requirements);

  return g_test_run ();
}
