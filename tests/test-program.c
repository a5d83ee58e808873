/* test-program.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Treatment programs: presets, every validation rule with the message the user reads, the
 * device ceiling and the client's cap, the text form, and the device program.
 */
#include "config.h"

#include <string.h>

#include "presso-program.h"

/* A device as presso-sim describes itself: two 8-chamber boots and a 4-chamber belt. */
static presso_proto_identity
make_identity (void)
{
  presso_proto_identity id = {
    .proto_version = PRESSO_PROTO_VERSION,
    .model = "Presso test",
    .n_chambers = 20,
    .n_outlets = 3,
    .outlets = {
      { PRESSO_PROTO_GARMENT_BOOT_LEFT, 0, 8 },
      { PRESSO_PROTO_GARMENT_BOOT_RIGHT, 8, 8 },
      { PRESSO_PROTO_GARMENT_BELT, 16, 4 },
    },
    .ceiling_dmmhg = 1200,
    .telemetry_hz = 100,
  };
  return id;
}

static GPtrArray *
problems_of (PressoProgram *program,
             double         ceiling,
             guint          cap,
             const char    *reason)
{
  return presso_program_validate (program, ceiling, cap, reason);
}

/* The problem for @field (and @chamber when not 0), or NULL. */
static PressoProgramProblem *
find_problem (GPtrArray  *problems,
              const char *field,
              guint       chamber)
{
  for (guint i = 0; i < problems->len; i++)
    {
      PressoProgramProblem *p = g_ptr_array_index (problems, i);

      if (g_str_equal (p->field, field) && (chamber == 0 || p->chamber == chamber))
        return p;
    }
  return NULL;
}

static PressoProgram *
valid_program (void)
{
  PressoProgram *program = presso_program_new ();

  presso_program_set_name (program, "Test");
  return program;
}

static void
test_presets_valid (void)
{
  const char * const *names = presso_program_list_presets ();
  presso_proto_identity identity = make_identity ();

  g_assert_cmpuint (g_strv_length ((char **) names), ==, 5);
  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PressoProgram) program = presso_program_new_from_preset (names[i], 8, &error);
      g_autoptr(GPtrArray) problems = NULL;
      presso_proto_program wire;

      g_assert_no_error (error);
      g_assert_nonnull (program);
      g_assert_cmpstr (presso_program_get_name (program), !=, "");
      g_assert_cmpuint (presso_program_get_n_chambers (program), ==, 8);
      problems = problems_of (program, 120, 0, NULL);
      for (guint k = 0; k < problems->len; k++)
        g_test_message ("%s: %s", names[i],
                        ((PressoProgramProblem *) g_ptr_array_index (problems, k))->message);
      g_assert_cmpuint (problems->len, ==, 0);
      g_assert_true (presso_program_to_proto (program, &identity, &wire, &error));
      g_assert_no_error (error);
    }
}

static void
test_presets_content (void)
{
  g_autoptr(PressoProgram) drainage = presso_program_new_from_preset ("lymphatic-drainage", 8, NULL);
  g_autoptr(PressoProgram) venous = presso_program_new_from_preset ("venous-return", 8, NULL);
  g_autoptr(PressoProgram) sports = presso_program_new_from_preset ("sports-recovery", 6, NULL);
  g_autoptr(PressoProgram) pre = presso_program_new_from_preset ("leg-lymphoedema-pretherapy", 8, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PressoProgram) none = NULL;

  /* Lymphatic drainage: sequential with distal chambers higher. */
  g_assert_cmpuint (presso_program_get_mode (drainage), ==, PRESSO_PROTO_MODE_GRADIENT);
  g_assert_cmpuint (presso_program_get_gradient (drainage), >, 0);
  g_assert_cmpint (presso_program_get_target (drainage, 1), >, presso_program_get_target (drainage, 8));
  g_assert_cmpuint (presso_program_get_mode (venous), ==, PRESSO_PROTO_MODE_CONTINUOUS);
  g_assert_cmpuint (presso_program_get_gradient (venous), ==, 0);
  g_assert_cmpuint (presso_program_get_mode (sports), ==, PRESSO_PROTO_MODE_WAVE);
  g_assert_cmpuint (presso_program_get_n_chambers (sports), ==, 6);
  /* Leg lymphoedema: boots and the belt, belt first. */
  g_assert_true (presso_program_get_pretherapy (pre));
  g_assert_cmpuint (presso_program_get_pretherapy_cycles (pre), >=, 1);
  g_assert_cmpuint (presso_program_get_garments (pre), ==,
                    PRESSO_PROGRAM_GARMENTS_LEGS | PRESSO_PROGRAM_GARMENTS_BELT);
  g_assert_cmpuint (presso_program_get_n_chambers (pre), ==, 8);

  none = presso_program_new_from_preset ("no-such-program", 8, &error);
  g_assert_null (none);
  g_assert_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_NO_PRESET);
}

static void
test_defaults (void)
{
  g_autoptr(PressoProgram) program = presso_program_new ();

  g_assert_cmpuint (presso_program_get_duration_min (program), ==, 25);
  g_assert_cmpuint (presso_program_get_mode (program), ==, PRESSO_PROTO_MODE_SEQUENTIAL);
  /* Only the name is missing. */
  {
    g_autoptr(GPtrArray) problems = problems_of (program, 150, 0, NULL);
    g_assert_cmpuint (problems->len, ==, 1);
    g_assert_nonnull (find_problem (problems, "Name", 0));
  }
}

static void
test_targets (void)
{
  g_autoptr(PressoProgram) program = valid_program ();

  presso_program_set_base_pressure (program, 50);
  presso_program_set_gradient (program, 3);
  presso_program_set_boost_mask (program, 1u << 2);      /* chamber 3 */
  presso_program_set_skip_mask (program, 1u << 4);       /* chamber 5 */
  g_assert_cmpint (presso_program_get_target (program, 1), ==, 50);
  g_assert_cmpint (presso_program_get_target (program, 2), ==, 47);
  g_assert_cmpint (presso_program_get_target (program, 3), ==, 54);
  g_assert_cmpint (presso_program_get_target (program, 4), ==, 41);
  g_assert_cmpint (presso_program_get_target (program, 5), ==, 0);
  g_assert_cmpint (presso_program_get_target (program, 8), ==, 29);
}

static void
test_validation_pressures (void)
{
  g_autoptr(PressoProgram) program = valid_program ();
  g_autoptr(GPtrArray) problems = NULL;
  PressoProgramProblem *p;

  /* Ceiling: chamber 3 boosted to 130 on a 120 mmHg device. */
  presso_program_set_base_pressure (program, 120);
  presso_program_set_boost_mask (program, 1u << 2);
  problems = problems_of (program, 120, 0, NULL);
  p = find_problem (problems, "Chamber", 3);
  g_assert_nonnull (p);
  g_assert_cmpstr (p->message, ==, "Chamber 3: 130 mmHg is above the device ceiling of 120 mmHg");
  g_assert_cmpuint (problems->len, ==, 1);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* The UI envelope: 125 on a 150 mmHg device. */
  presso_program_set_boost_mask (program, 0);
  presso_program_set_base_pressure (program, 125);
  problems = problems_of (program, 150, 0, NULL);
  p = find_problem (problems, "Chamber", 1);
  g_assert_cmpstr (p->message, ==, "Chamber 1: 125 mmHg is above the maximum of 120 mmHg");
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Below the envelope: a gradient reaching down to 5 mmHg at the top. */
  presso_program_set_base_pressure (program, 40);
  presso_program_set_gradient (program, 5);
  problems = problems_of (program, 150, 0, NULL);
  g_assert_null (find_problem (problems, "Chamber", 6));   /* 15 mmHg */
  g_assert_null (find_problem (problems, "Chamber", 7));   /* 10 mmHg */
  p = find_problem (problems, "Chamber", 8);
  g_assert_cmpstr (p->message, ==, "Chamber 8: 5 mmHg is below the minimum of 10 mmHg");
  g_assert_cmpuint (problems->len, ==, 1);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* Skipping that chamber clears it. */
  presso_program_set_skip_mask (program, 1u << 7);
  problems = problems_of (program, 150, 0, NULL);
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* The client's cap, with and without the screening reason. */
  presso_program_set_gradient (program, 0);
  presso_program_set_skip_mask (program, 0);
  presso_program_set_base_pressure (program, 45);
  problems = problems_of (program, 150, 40, "past DVT");
  g_assert_cmpuint (problems->len, ==, 8);
  p = find_problem (problems, "Chamber", 1);
  g_assert_cmpstr (p->message, ==, "Chamber 1: 45 mmHg is above this client’s cap of 40 mmHg (screening: past DVT)");
  g_clear_pointer (&problems, g_ptr_array_unref);
  problems = problems_of (program, 150, 40, NULL);
  p = find_problem (problems, "Chamber", 2);
  g_assert_cmpstr (p->message, ==, "Chamber 2: 45 mmHg is above this client’s cap of 40 mmHg (screening)");
  g_clear_pointer (&problems, g_ptr_array_unref);
  /* At the cap is allowed. */
  problems = problems_of (program, 150, 45, "past DVT");
  g_assert_cmpuint (problems->len, ==, 0);
  g_clear_pointer (&problems, g_ptr_array_unref);

  /* The belt has its own pressure, checked the same way. */
  presso_program_set_garments (program, PRESSO_PROGRAM_GARMENTS_BELT);
  presso_program_set_belt_pressure (program, 50);
  problems = problems_of (program, 150, 40, "pregnancy");
  p = find_problem (problems, "BeltPressure", 0);
  g_assert_cmpstr (p->message, ==, "Belt: 50 mmHg is above this client’s cap of 40 mmHg (screening: pregnancy)");
  /* No limb garment: limb chambers are not checked. */
  g_assert_cmpuint (problems->len, ==, 1);
}

/* Breaks one rule of a valid program; returns the field then at fault, and in *message the
 * exact text the user reads (NULL when only the field is checked). */
static const char *
break_rule (PressoProgram  *p,
            guint           which,
            const char    **message)
{
  *message = NULL;
  switch (which)
    {
    case 0:
      presso_program_set_name (p, "  ");
      *message = "The program needs a name";
      return "Name";
    case 1:
      presso_program_set_mode (p, 9);
      return "Mode";
    case 2:
      presso_program_set_garments (p, 0);
      *message = "Choose at least one garment";
      return "Garments";
    case 3:
      presso_program_set_n_chambers (p, 0);
      *message = "A garment has 1 to 32 chambers, not 0";
      return "Chambers";
    case 4:
      presso_program_set_n_chambers (p, 33);
      return "Chambers";
    case 5:
      presso_program_set_boost_mask (p, 1u << 9);
      return "Chambers";
    case 6:
      presso_program_set_skip_mask (p, 0xff);
      *message = "Every chamber is skipped";
      return "Skip";
    case 7:
      presso_program_set_skip_mask (p, 1);
      presso_program_set_boost_mask (p, 1);
      *message = "A skipped chamber cannot be boosted";
      return "Boost";
    case 8:
      presso_program_set_step (p, PRESSO_PROGRAM_STEP_HOLD, 130);
      *message = "Hold: 130.0 s is longer than the maximum of 120 s";
      return "Hold";
    case 9:
      presso_program_set_step (p, PRESSO_PROGRAM_STEP_REST, 121);
      return "Rest";
    case 10:
      for (guint s = PRESSO_PROGRAM_STEP_INFLATE; s <= PRESSO_PROGRAM_STEP_REST; s++)
        presso_program_set_step (p, s, 0);
      return "Inflate";
    case 11:
      presso_program_set_duration_min (p, 0);
      *message = "A session lasts 1 to 120 minutes, not 0";
      return "Duration";
    case 12:
      presso_program_set_duration_min (p, 121);
      return "Duration";
    case 13:
      presso_program_set_ramp_s (p, 601);
      return "Ramp";
    case 14:
      presso_program_set_duration_min (p, 1);
      presso_program_set_ramp_s (p, 90);
      *message = "The soft start is longer than the session";
      return "Ramp";
    case 15:
      presso_program_set_pretherapy (p, TRUE);
      presso_program_set_pretherapy_cycles (p, 2);
      *message = "Pre-therapy clears the abdomen first: add the belt";
      return "Pretherapy";
    case 16:
      presso_program_set_garments (p, PRESSO_PROGRAM_GARMENTS_ALL);
      presso_program_set_pretherapy (p, TRUE);
      return "PretherapyCycles";
    default:
      return NULL;
    }
}

static void
test_validation_fields (void)
{
  const char *field;
  const char *message;

  for (guint i = 0; ; i++)
    {
      g_autoptr(PressoProgram) program = valid_program ();
      g_autoptr(GPtrArray) problems = NULL;
      g_autoptr(GError) error = NULL;
      PressoProgramProblem *p;

      if ((field = break_rule (program, i, &message)) == NULL)
        break;
      problems = problems_of (program, 150, 0, NULL);
      p = find_problem (problems, field, 0);
      g_test_message ("rule %u (%s)", i, field);
      g_assert_nonnull (p);
      g_assert_cmpuint (problems->len, ==, 1);
      g_assert_cmpstr (p->message, !=, "");
      if (message)
        g_assert_cmpstr (p->message, ==, message);
      g_assert_false (presso_program_check (program, 150, 0, NULL, &error));
      g_assert_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==, p->message);
    }
}

static void
test_round_trip (void)
{
  g_autoptr(PressoProgram) program = valid_program ();
  g_autoptr(PressoProgram) back = NULL;
  g_autoptr(PressoProgram) back2 = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autofree char *data2 = NULL;

  presso_program_set_name (program, "Drainage « léger » ; 2\nlines");
  presso_program_set_mode (program, PRESSO_PROTO_MODE_WAVE);
  presso_program_set_garments (program, PRESSO_PROGRAM_GARMENTS_ARMS | PRESSO_PROGRAM_GARMENTS_BELT);
  presso_program_set_n_chambers (program, 12);
  presso_program_set_base_pressure (program, 61);
  presso_program_set_gradient (program, 2);
  presso_program_set_boost_mask (program, (1u << 0) | (1u << 11));
  presso_program_set_skip_mask (program, 1u << 5);
  presso_program_set_belt_pressure (program, 27);
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_INFLATE, 2.5);
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_HOLD, 0.1);
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_DEFLATE, 120);
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_REST, 0);
  presso_program_set_ramp_s (program, 45);
  presso_program_set_duration_min (program, 37);
  presso_program_set_pretherapy (program, TRUE);
  presso_program_set_pretherapy_cycles (program, 4);

  data = presso_program_to_data (program);
  back = presso_program_new_from_data (data, &error);
  g_assert_no_error (error);
  g_assert_true (presso_program_equal (program, back));
  g_assert_cmpfloat (presso_program_get_step (back, PRESSO_PROGRAM_STEP_INFLATE), ==, 2.5);
  data2 = presso_program_to_data (back);
  g_assert_cmpstr (data, ==, data2);

  /* A changed setting is seen. */
  presso_program_set_gradient (back, 3);
  g_assert_false (presso_program_equal (program, back));

  /* Out-of-range settings survive the round trip (validation reports them). */
  presso_program_set_base_pressure (program, 400);
  g_clear_pointer (&data, g_free);
  data = presso_program_to_data (program);
  back2 = presso_program_new_from_data (data, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (presso_program_get_base_pressure (back2), ==, 400);
}

static void
test_parse_errors (void)
{
  const char *bad[] = {
    "not a key file",
    "[Program]\nFormat=2\n",
    "[Program]\nFormat=1\nName=x\nMode=spiral\n",
    "[Program]\nFormat=1\nName=x\nMode=wave\nGarments=hat\n",
  };
  g_autoptr(PressoProgram) program = valid_program ();
  g_autofree char *good = presso_program_to_data (program);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PressoProgram) parsed = presso_program_new_from_data (bad[i], &error);

      g_assert_null (parsed);
      g_assert_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_PARSE);
    }

  /* Every key is needed: drop each line in turn. */
  {
    g_auto(GStrv) lines = g_strsplit (good, "\n", -1);

    for (guint i = 0; lines[i]; i++)
      {
        g_autoptr(GString) text = g_string_new (NULL);
        g_autoptr(GError) error = NULL;
        g_autoptr(PressoProgram) parsed = NULL;

        if (strchr (lines[i], '=') == NULL)
          continue;
        for (guint j = 0; lines[j]; j++)
          if (j != i)
            g_string_append_printf (text, "%s\n", lines[j]);
        parsed = presso_program_new_from_data (text->str, &error);
        g_test_message ("without %s", lines[i]);
        g_assert_null (parsed);
        g_assert_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_PARSE);
      }
  }
}

static void
test_to_proto (void)
{
  presso_proto_identity identity = make_identity ();
  g_autoptr(PressoProgram) program = valid_program ();
  g_autoptr(GError) error = NULL;
  presso_proto_program wire;

  /* Gradient on both boots, chamber 2 skipped. */
  presso_program_set_mode (program, PRESSO_PROTO_MODE_GRADIENT);
  presso_program_set_n_chambers (program, 6);
  presso_program_set_base_pressure (program, 60);
  presso_program_set_gradient (program, 4);
  presso_program_set_skip_mask (program, 1u << 1);
  presso_program_set_step (program, PRESSO_PROGRAM_STEP_INFLATE, 2.5);
  presso_program_set_duration_min (program, 30);
  presso_program_set_ramp_s (program, 60);
  g_assert_true (presso_program_to_proto (program, &identity, &wire, &error));
  g_assert_no_error (error);

  /* Chambers 0..5 (left boot) and 8..13 (right boot) minus chamber 2 of each. */
  g_assert_cmphex (wire.chamber_mask, ==, 0x3d3d);
  g_assert_cmpuint (wire.n_chambers, ==, 14);
  g_assert_cmpint (wire.target_dmmhg[0], ==, 600);
  g_assert_cmpint (wire.target_dmmhg[1], ==, 0);
  g_assert_cmpint (wire.target_dmmhg[2], ==, 520);
  g_assert_cmpint (wire.target_dmmhg[5], ==, 400);
  g_assert_cmpint (wire.target_dmmhg[8], ==, 600);
  g_assert_cmpint (wire.target_dmmhg[13], ==, 400);
  g_assert_cmpuint (wire.inflate_ds, ==, 25);
  g_assert_cmpuint (wire.duration_s, ==, 1800);
  g_assert_cmpuint (wire.ramp_s, ==, 60);
  g_assert_cmpuint (wire.pretherapy_mask, ==, 0);
  /* Two outlets make the targets rise at the second boot's ankle: sent as sequential. */
  g_assert_cmpuint (wire.mode, ==, PRESSO_PROTO_MODE_SEQUENTIAL);

  /* One boot only: true gradient mode. */
  presso_program_set_garments (program, PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BOOT_RIGHT));
  g_assert_true (presso_program_to_proto (program, &identity, &wire, &error));
  g_assert_cmpuint (wire.mode, ==, PRESSO_PROTO_MODE_GRADIENT);
  g_assert_cmphex (wire.chamber_mask, ==, 0x3d00);

  /* Pre-therapy: the belt's chambers 16..19, at the belt pressure. */
  presso_program_set_garments (program, PRESSO_PROGRAM_GARMENTS_LEGS | PRESSO_PROGRAM_GARMENTS_BELT);
  presso_program_set_pretherapy (program, TRUE);
  presso_program_set_pretherapy_cycles (program, 3);
  presso_program_set_belt_pressure (program, 30);
  g_assert_true (presso_program_to_proto (program, &identity, &wire, &error));
  g_assert_cmphex (wire.pretherapy_mask, ==, 0xf0000);
  g_assert_cmphex (wire.chamber_mask, ==, 0xf3d3d);
  g_assert_cmpuint (wire.pretherapy_cycles, ==, 3);
  g_assert_cmpint (wire.target_dmmhg[17], ==, 300);
  g_assert_cmpuint (wire.n_chambers, ==, 20);

  /* No sleeve outlet on this device. */
  presso_program_set_garments (program, PRESSO_PROGRAM_GARMENTS_ARMS);
  presso_program_set_pretherapy (program, FALSE);
  g_assert_false (presso_program_to_proto (program, &identity, &wire, &error));
  g_assert_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_DEVICE);
  g_clear_error (&error);

  /* More chambers than the boot has. */
  presso_program_set_garments (program, PRESSO_PROGRAM_GARMENTS_LEGS);
  presso_program_set_n_chambers (program, 10);
  presso_program_set_gradient (program, 2);
  g_assert_false (presso_program_to_proto (program, &identity, &wire, &error));
  g_assert_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_DEVICE);
  g_clear_error (&error);

  /* Over the device's own ceiling: refused before anything is built. */
  presso_program_set_n_chambers (program, 6);
  identity.ceiling_dmmhg = 500;
  g_assert_false (presso_program_to_proto (program, &identity, &wire, &error));
  g_assert_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_INVALID);
  g_assert_cmpstr (error->message, ==, "Chamber 1: 60 mmHg is above the device ceiling of 50 mmHg");
  g_clear_error (&error);

  /* A device with one chain of chambers takes one garment on all of them. */
  identity = make_identity ();
  identity.n_outlets = 0;
  identity.n_chambers = 8;
  g_assert_false (presso_program_to_proto (program, &identity, &wire, &error));
  g_assert_error (error, PRESSO_PROGRAM_ERROR, PRESSO_PROGRAM_ERROR_DEVICE);
  g_clear_error (&error);
  presso_program_set_garments (program, PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BOOT_LEFT));
  g_assert_true (presso_program_to_proto (program, &identity, &wire, &error));
  g_assert_cmphex (wire.chamber_mask, ==, 0x3d);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/presso/program/presets-valid", test_presets_valid);
  g_test_add_func ("/presso/program/presets-content", test_presets_content);
  g_test_add_func ("/presso/program/defaults", test_defaults);
  g_test_add_func ("/presso/program/targets", test_targets);
  g_test_add_func ("/presso/program/validation-pressures", test_validation_pressures);
  g_test_add_func ("/presso/program/validation-fields", test_validation_fields);
  g_test_add_func ("/presso/program/round-trip", test_round_trip);
  g_test_add_func ("/presso/program/parse-errors", test_parse_errors);
  g_test_add_func ("/presso/program/to-proto", test_to_proto);

  return g_test_run ();
}
