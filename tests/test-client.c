/* test-client.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The rules a client record must meet before it is stored, each with a failing and a passing
 * case, and the object's own behaviour (copy, display name, folding).
 */

#include "config.h"

#include "presso-client.h"
#include "presso-staff.h"

/* Validates @client on 2026-11-24 and returns the problems' messages for @field, joined. */
static char *
problems_for (PressoClient      *client,
              PressoClientField  field)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GDate) today = g_date_new_dmy (24, G_DATE_NOVEMBER, 2026);
  GString *out = g_string_new (NULL);
  gboolean valid;

  valid = presso_client_validate (client, today, &problems);
  g_assert_true (valid == (problems == NULL));
  for (guint i = 0; problems && i < problems->len; i++)
    {
      PressoClientProblem *problem = g_ptr_array_index (problems, i);

      g_assert_nonnull (problem->message);
      g_assert_cmpstr (problem->message, !=, "");
      if (problem->field == field)
        g_string_append_printf (out, "%s%s", out->len ? "|" : "", problem->message);
    }
  return g_string_free (out, FALSE);
}

static PressoClient *
valid_client (void)
{
  PressoClient *client = presso_client_new ();

  presso_client_set_first_name (client, "Hélène");
  presso_client_set_last_name (client, "Dupont");
  return client;
}

static void
assert_valid (PressoClient *client)
{
  g_autoptr(GDate) today = g_date_new_dmy (24, G_DATE_NOVEMBER, 2026);
  g_autoptr(GPtrArray) problems = NULL;

  g_assert_true (presso_client_validate (client, today, &problems));
  g_assert_null (problems);
}

static void
test_names (void)
{
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autofree char *first = NULL;
  g_autofree char *last = NULL;

  /* Both empty (white space counts as empty): one problem on each name field. */
  presso_client_set_first_name (client, "  ");
  first = problems_for (client, PRESSO_CLIENT_FIELD_FIRST_NAME);
  last = problems_for (client, PRESSO_CLIENT_FIELD_LAST_NAME);
  g_assert_cmpstr (first, ==, "Enter a first or last name");
  g_assert_cmpstr (last, ==, "Enter a first or last name");

  /* Either name alone is enough. */
  presso_client_set_last_name (client, "Ødegaard");
  assert_valid (client);
  presso_client_set_last_name (client, NULL);
  presso_client_set_first_name (client, "Zoë");
  assert_valid (client);
}

static void
check_birth_date (const char *date,
                  const char *expected)
{
  g_autoptr(PressoClient) client = valid_client ();
  g_autofree char *found = NULL;

  presso_client_set_birth_date (client, date);
  found = problems_for (client, PRESSO_CLIENT_FIELD_BIRTH_DATE);
  g_assert_cmpstr (found, ==, expected);
}

static void
test_birth_date (void)
{
  /* Feb 29 exists in leap years only (2000 is one, 1900 and 2023 are not). */
  check_birth_date ("2024-02-29", "");
  check_birth_date ("2000-02-29", "");
  check_birth_date ("2023-02-29", "This date does not exist");
  check_birth_date ("1900-02-29", "This date does not exist");
  check_birth_date ("1985-04-31", "This date does not exist");
  check_birth_date ("1985-13-01", "This date does not exist");
  /* Today is fine, tomorrow is in the future. */
  check_birth_date ("2026-11-24", "");
  check_birth_date ("2026-11-25", "The birth date is in the future");
  check_birth_date ("1900-01-01", "");
  check_birth_date ("1899-12-31", "The birth date is before 1900");
  check_birth_date ("12/03/1985", "Enter the date as year-month-day (example: 1985-03-12)");
  check_birth_date ("1985-3-12", "Enter the date as year-month-day (example: 1985-03-12)");
  /* No birth date is allowed; "" means none. */
  check_birth_date (NULL, "");
  check_birth_date ("", "");
}

static void
check_email (const char *email,
             gboolean    valid)
{
  g_autoptr(PressoClient) client = valid_client ();
  g_autofree char *found = NULL;

  presso_client_set_email (client, email);
  found = problems_for (client, PRESSO_CLIENT_FIELD_EMAIL);
  if (valid)
    g_assert_cmpstr (found, ==, "");
  else
    g_assert_cmpstr (found, ==, "This email address is not valid (example: name@example.org)");
}

static void
test_email (void)
{
  check_email ("", TRUE);
  check_email ("helene.dupont@orange.fr", TRUE);
  check_email ("f.dubois-lefevre+presso@laposte.net", TRUE);
  check_email (" zoe@example.org ", TRUE);   /* stripped */
  check_email ("helene.dupont", FALSE);
  check_email ("helene@orange", FALSE);
  check_email ("@orange.fr", FALSE);
  check_email ("helene@@orange.fr", FALSE);
  check_email ("helene dupont@orange.fr", FALSE);
  check_email ("helene@orange..fr", FALSE);
  check_email ("helene@.fr", FALSE);
  check_email ("helene@orange.f", FALSE);
}

static void
check_phone (const char *phone,
             const char *expected)
{
  g_autoptr(PressoClient) client = valid_client ();
  g_autofree char *found = NULL;

  presso_client_set_phone (client, phone);
  found = problems_for (client, PRESSO_CLIENT_FIELD_PHONE);
  g_assert_cmpstr (found, ==, expected);
}

static void
test_phone (void)
{
  check_phone ("", "");
  check_phone ("06 12 34 56 78", "");
  check_phone ("+33 (0)6.12.34.56.78", "");
  check_phone ("+353 87 123 4567", "");
  check_phone ("01/45/67/89/10", "");
  check_phone ("12345", "A phone number has 6 to 20 digits");
  check_phone ("123456", "");
  check_phone ("123456789012345678901", "A phone number has 6 to 20 digits");
  check_phone ("06 12 34 56 7x", "A phone number has only digits, spaces and + ( ) - . /");
  check_phone ("06 12 +34 56 78", "A phone number has only digits, spaces and + ( ) - . /");
}

static void
test_consent_date (void)
{
  g_autoptr(PressoClient) client = valid_client ();
  g_autofree char *future = NULL;
  g_autofree char *bad = NULL;

  presso_client_set_consent_data_date (client, "2026-11-25");
  future = problems_for (client, PRESSO_CLIENT_FIELD_CONSENT_DATA_DATE);
  g_assert_cmpstr (future, ==, "The consent date is in the future");
  presso_client_set_consent_data_date (client, "2025-02-29");
  bad = problems_for (client, PRESSO_CLIENT_FIELD_CONSENT_DATA_DATE);
  g_assert_cmpstr (bad, ==, "This date does not exist");
  presso_client_set_consent_data_date (client, "2026-11-24");
  assert_valid (client);
}

static void
test_several_problems (void)
{
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(GPtrArray) problems = NULL;

  presso_client_set_birth_date (client, "2030-01-01");
  presso_client_set_email (client, "nope");
  presso_client_set_phone (client, "12");
  g_assert_false (presso_client_validate (client, NULL, &problems));
  /* first name, last name, birth date, phone, email */
  g_assert_cmpuint (problems->len, ==, 5);
  /* Without a place to put problems, it still says no. */
  g_assert_false (presso_client_validate (client, NULL, NULL));
}

static void
on_notify_cb (GObject    *object,
              GParamSpec *pspec,
              GString    *log)
{
  g_string_append_printf (log, "%s;", pspec->name);
}

static void
test_display_name_and_notify (void)
{
  g_autoptr(PressoClient) client = presso_client_new ();
  g_autoptr(GString) log = g_string_new (NULL);

  g_signal_connect (client, "notify", G_CALLBACK (on_notify_cb), log);
  presso_client_set_last_name (client, " Dupont ");
  g_assert_cmpstr (presso_client_get_last_name (client), ==, "Dupont");
  g_assert_cmpstr (presso_client_get_display_name (client), ==, "Dupont");
  presso_client_set_first_name (client, "Hélène");
  g_assert_cmpstr (presso_client_get_display_name (client), ==, "Dupont Hélène");
  g_assert_cmpstr (log->str, ==, "last-name;display-name;first-name;display-name;");

  /* Setting the same value again notifies nothing. */
  g_string_truncate (log, 0);
  presso_client_set_first_name (client, "Hélène");
  presso_client_set_archived (client, FALSE);
  g_assert_cmpstr (log->str, ==, "");
}

static void
test_copy (void)
{
  g_autoptr(PressoClient) client = valid_client ();
  g_autoptr(PressoClient) copy = NULL;
  g_autoptr(GDateTime) at = g_date_time_new_utc (2026, 11, 24, 13, 0, 0);

  presso_client_set_id (client, 42);
  presso_client_set_version (client, 7);
  presso_client_set_birth_date (client, "1985-03-12");
  presso_client_set_notes (client, "Jambes lourdes");
  presso_client_set_consent_photos (client, TRUE);
  presso_client_set_updated_at (client, at);
  presso_client_set_updated_by (client, 3);

  copy = presso_client_copy (client);
  g_assert_true (copy != client);
  g_assert_cmpint (presso_client_get_id (copy), ==, 42);
  g_assert_cmpint (presso_client_get_version (copy), ==, 7);
  g_assert_cmpstr (presso_client_get_display_name (copy), ==, "Dupont Hélène");
  g_assert_cmpstr (presso_client_get_birth_date (copy), ==, "1985-03-12");
  g_assert_cmpstr (presso_client_get_notes (copy), ==, "Jambes lourdes");
  g_assert_true (presso_client_get_consent_photos (copy));
  g_assert_true (g_date_time_equal (presso_client_get_updated_at (copy), at));
  g_assert_cmpint (presso_client_get_updated_by (copy), ==, 3);

  /* Deep: changing the copy leaves the original alone. */
  presso_client_set_notes (copy, "Autre");
  g_assert_cmpstr (presso_client_get_notes (client), ==, "Jambes lourdes");
}

static void
test_age (void)
{
  g_autoptr(PressoClient) client = valid_client ();
  g_autoptr(GDate) today = g_date_new_dmy (24, G_DATE_NOVEMBER, 2026);

  g_assert_cmpint (presso_client_get_age (client, today), ==, -1);
  presso_client_set_birth_date (client, "1985-11-24");
  g_assert_cmpint (presso_client_get_age (client, today), ==, 41);
  presso_client_set_birth_date (client, "1985-11-25");
  g_assert_cmpint (presso_client_get_age (client, today), ==, 40);
}

static void
test_fold (void)
{
  static const struct { const char *in, *out; } cases[] = {
    { "Hélène", "helene" }, { "HÉLÈNE", "helene" }, { "Ødegaard", "odegaard" },
    { "Nguyễn", "nguyen" }, { "Weiß", "weiss" }, { "Œuvre", "oeuvre" },
    { "Małgorzata", "malgorzata" }, { "O’Brien", "o'brien" }, { "Zoë Müller", "zoe muller" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *folded = presso_fold_text (cases[i].in);
      g_assert_cmpstr (folded, ==, cases[i].out);
    }
}

static void
test_staff (void)
{
  g_autoptr(PressoStaff) staff = presso_staff_new ("Claire Martin", PRESSO_ROLE_MANAGER);
  g_autoptr(GEnumClass) roles = g_type_class_ref (PRESSO_TYPE_ROLE);

  g_assert_cmpint (presso_staff_get_id (staff), ==, 0);
  g_assert_cmpstr (presso_staff_get_display_name (staff), ==, "Claire Martin");
  g_assert_cmpint (presso_staff_get_role (staff), ==, PRESSO_ROLE_MANAGER);
  g_assert_true (presso_staff_get_active (staff));
  g_assert_cmpstr (presso_role_to_string (PRESSO_ROLE_RECEPTIONIST), ==, "Receptionist");
  g_assert_cmpstr (presso_role_to_string (PRESSO_ROLE_PRACTITIONER), ==, "Practitioner");
  g_assert_cmpstr (presso_role_to_string (PRESSO_ROLE_MANAGER), ==, "Manager");
  g_assert_cmpuint (roles->n_values, ==, 3);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/presso/client/validate/names", test_names);
  g_test_add_func ("/presso/client/validate/birth-date", test_birth_date);
  g_test_add_func ("/presso/client/validate/email", test_email);
  g_test_add_func ("/presso/client/validate/phone", test_phone);
  g_test_add_func ("/presso/client/validate/consent-date", test_consent_date);
  g_test_add_func ("/presso/client/validate/several", test_several_problems);
  g_test_add_func ("/presso/client/display-name", test_display_name_and_notify);
  g_test_add_func ("/presso/client/copy", test_copy);
  g_test_add_func ("/presso/client/age", test_age);
  g_test_add_func ("/presso/client/fold", test_fold);
  g_test_add_func ("/presso/staff/basics", test_staff);

  return g_test_run ();
}
